// ReaderShare: how much of the TLS work ParallelAnalyzer's reading thread should take on.
//
// The reading thread reads and runs the flow table for every packet, then runs its own share
// of the connections (it is worker 0); the other workers run the rest. Each round it learns
// what a byte cost: reading (per byte of the whole round), its own TLS work and the others'
// (per byte each ran). From those costs, smoothed over rounds, follows the share that makes
// both sides take equally long:
//     read + own · s  =  others · (1 − s) / (workers − 1)
// Costs are measured, not assumed: decrypting or not, the suites and the certificates change
// them, and on a virtual machine one core can run a third slower than the other for seconds.
//
// The model alone leaves the queues drifting (connections differ, so a share of connections
// is not quite that share of bytes), and steering by the queues alone overshot and swung
// between a starved worker and a blocked reader: a new share applies to new connections only,
// whose bytes arrive over many rounds. So the model sets the share and the backlog corrects it
// in proportion, keeping the others' queues half full: room both ways for bursts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tlslens::parallel {

class ReaderShare {
 public:
  static constexpr unsigned kScale = 1024;  // shares are counted in 1/kScale

  // `queue_rounds`: how many rounds the other workers' queues hold.
  ReaderShare(unsigned workers, size_t queue_rounds);

  struct Round {
    uint64_t read_ns = 0;       // the reading thread's time for all but its share
    uint64_t round_bytes = 0;   // payload bytes of the round, every worker's
    uint64_t own_ns = 0;        // the reading thread's time for its share
    uint64_t own_bytes = 0;     // ... of this many bytes
    uint64_t others_ns = 0;     // the other workers' busy time since the last round, summed
    uint64_t others_bytes = 0;  // ... for this many bytes
    size_t backlog = 0;         // rounds the furthest-behind other worker has not started
  };
  // Returns the share of new connections the reading thread takes from now on.
  unsigned update(const Round& round);
  unsigned share() const { return share_; }

 private:
  struct Rate {  // smoothed time and bytes: their ratio is the cost per byte
    double ns = 0;
    double bytes = 0;
    void add(uint64_t n, uint64_t b);
    bool known() const { return bytes > 0 && ns > 0; }
    double per_byte() const { return ns / bytes; }
  };

  unsigned workers_;
  size_t target_backlog_;
  unsigned share_;
  Rate read_, own_, others_;
};

}  // namespace tlslens::parallel
