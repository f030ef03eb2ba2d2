// ParallelAnalyzer: the pipeline on several threads, printing exactly what Analyzer prints.
//
// What it promises:
//  - The calling thread reads packets and runs link/IP decoding, IP reassembly and the one TCP
//    flow table, so connection numbers, ends and evictions are Analyzer's. Each connection's
//    bytes, gaps and end go to one worker, which runs the TLS session, decryption, the audit
//    and the printers (its WorkerOutput) into memory. Worker 0 is the calling thread itself: it
//    runs its connections between rounds of reading, so N threads in all do the work (on two
//    cores, a third thread only made the others wait for a core). The calling thread also
//    merges the workers' text in the order one thread would have printed it: every unit of
//    work carries its position in that order. Text and JSON output are byte-identical for 1
//    and N workers, whichever worker a connection lands on (tests/e2e/test_threads.py).
//  - Balanced: the calling thread also reads, so it takes a smaller share of new connections,
//    set every round from what a byte cost each side and how full the other workers' queues
//    are (parallel::ReaderShare), or fixed, for tests.
//  - What connections share — the TLS session cache, chain verifications, seen intermediates —
//    is looked up as of each event's position (core/util/event_order.h): a lookup that misses
//    waits for the earlier events, so resumption and verification counts do not depend on the
//    threads.
//  - Bounded: at most kQueuedRounds rounds of work wait per worker, each of at most about
//    kRoundBytes of payload; a worker's text waits only until the other workers' earlier text is
//    written.
//  - For files. Live captures that re-read a growing key log, --debug-keys and outputs that need
//    one global order of their own (-w, --audit) run on one thread (the CLI decides).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/capture/packet.h"
#include "core/net/address.h"
#include "core/output/output_stream.h"
#include "core/pipeline/analyzer.h"
#include "core/pipeline/reader_share.h"

namespace tlslens {

// What one worker prints with: a sink chain (audit, printers, writers) over the worker's
// in-memory OutputStream. Built by the front end, once per worker.
class WorkerOutput {
 public:
  virtual ~WorkerOutput() = default;
  virtual EventSink& sink() = 0;
  // When all workers are done, the first one's output takes in the others' counts (connections
  // decrypted, findings, ...) before its sink hears finished().
  virtual void absorb(WorkerOutput& other) = 0;
};
using WorkerOutputFactory = std::function<std::unique_ptr<WorkerOutput>(OutputStream& out)>;

// Shares of new connections are counted in 1/kShareScale.
inline constexpr unsigned kShareScale = parallel::ReaderShare::kScale;

// A hash of both endpoints with every bit mixed in, so that connections spread evenly even
// when ports follow a pattern (every even port, say).
uint64_t connection_hash(const Endpoint& client, const Endpoint& server);

// The worker (0 .. workers-1) for a connection of hash `hash`: worker 0 for a share of
// `reader_share` (out of kShareScale) of all hashes, the others evenly for the rest.
unsigned worker_for_connection(uint64_t hash, unsigned workers, unsigned reader_share);
// The same with every worker taking an equal share.
unsigned worker_for_connection(const Endpoint& client, const Endpoint& server, unsigned workers);

class ParallelAnalyzer {
 public:
  // `reader_share` (0..1): the calling thread's share of new connections, fixed; unset, it is
  // balanced as the run goes.
  ParallelAnalyzer(const AnalyzerOptions& options, unsigned workers, const WorkerOutputFactory& make_output,
                   OutputStream& out, std::optional<double> reader_share = std::nullopt);
  ~ParallelAnalyzer();
  ParallelAnalyzer(const ParallelAnalyzer&) = delete;
  ParallelAnalyzer& operator=(const ParallelAnalyzer&) = delete;

  void process(const Packet& packet);
  // Ends all connections, waits for the workers and the writer, then reports the summary
  // through the first worker's output. `out` is the caller's again afterwards. Call once.
  void finish();

  AnalysisSummary summary() const;
  // Connections each worker ran (worker 0: the calling thread), for --stats.
  std::vector<uint64_t> connections_per_worker() const;
  // How often a worker waited for other workers' earlier events (a shared lookup that missed).
  uint64_t waits_for_earlier_events() const;
  // The first worker's output, holding the whole run's counts after finish().
  WorkerOutput& primary_output();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tlslens
