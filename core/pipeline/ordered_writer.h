// OrderedWriter: merges what ParallelAnalyzer's workers printed, chunk by chunk, in the order
// of the chunks' positions, into the real output stream. Workers push from their threads; the
// reading thread writes (write_ready(), between rounds) — a thread of its own would be woken
// for every batch, and on two cores the wake-ups cost more than the writing.
//
// A chunk at position s is written once every other worker has either sent a later chunk or
// reported that it is done through s (OutputBatch::through): nothing earlier can follow.
#pragma once

#include <deque>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/output/output_stream.h"
#include "core/pipeline/work_queue.h"

namespace tlslens::parallel {

class OrderedWriter {
 public:
  OrderedWriter(unsigned workers, OutputStream& out);
  ~OrderedWriter();

  void push(unsigned worker, OutputBatch batch);  // any thread
  // A batch of this worker's that has been written, emptied, to fill again (false: none yet).
  bool take_spent(unsigned worker, OutputBatch& batch);  // any thread
  // Writes every chunk that can be written now; never waits. The reading thread's.
  void write_ready();
  // No more batches will come (the workers have stopped): write the rest.
  void close();

 private:
  struct Source {
    std::deque<OutputBatch> batches;
    size_t next_chunk = 0;    // in batches.front()
    size_t text_offset = 0;   // where that chunk's text starts
    uint64_t through = 0;     // every chunk up to here has been received
  };
  void take_incoming();
  void write_in_order();
  void hand_back_written();
  // The merged text is gathered as pieces of the batches' own text and written with writev
  // (OutputStream::write_pieces), not copied into the output buffer first.
  void add_piece(std::string_view piece);
  void write_pieces();

  OutputStream& out_;
  std::mutex mutex_;
  std::vector<std::deque<OutputBatch>> incoming_;  // pushed, not yet taken (under mutex_)
  std::vector<std::deque<OutputBatch>> taken_;
  std::vector<std::deque<OutputBatch>> spent_;       // written, back to their worker (under mutex_)
  std::vector<std::vector<OutputBatch>> written_;    // written since the last hand-back (writing thread)
  std::vector<Source> sources_;  // the writing thread's own
  std::vector<std::string_view> pieces_;  // gathered, not yet written (the writing thread's)
  bool closed_ = false;
};

}  // namespace tlslens::parallel
