// OrderedWriter: the thread that merges what ParallelAnalyzer's workers printed, chunk by
// chunk, in the order of the chunks' positions, into the real output stream.
//
// A chunk at position s is written once every other worker has either sent a later chunk or
// reported that it is done through s (OutputBatch::through): nothing earlier can follow.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/output/output_stream.h"
#include "core/pipeline/work_queue.h"

namespace tlslens::parallel {

class OrderedWriter {
 public:
  OrderedWriter(unsigned workers, OutputStream& out);
  ~OrderedWriter();

  void push(unsigned worker, OutputBatch batch);
  // No more batches will come: write the rest and stop the thread.
  void close();

 private:
  struct Source {
    std::deque<OutputBatch> batches;
    size_t next_chunk = 0;    // in batches.front()
    size_t text_offset = 0;   // where that chunk's text starts
    uint64_t through = 0;     // every chunk up to here has been received
  };
  void run();
  bool write_ready();  // writes every chunk that may be written; false when none could

  OutputStream& out_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::deque<OutputBatch>> incoming_;
  bool closed_ = false;
  std::vector<Source> sources_;  // the writer thread's own
  std::thread thread_;
};

}  // namespace tlslens::parallel
