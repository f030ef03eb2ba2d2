#include "core/pipeline/ordered_writer.h"

#include <pthread.h>

#include <limits>

namespace tlslens::parallel {

OrderedWriter::OrderedWriter(unsigned workers, OutputStream& out)
    : out_(out), incoming_(workers), sources_(workers), thread_([this] { run(); }) {}

OrderedWriter::~OrderedWriter() { close(); }

void OrderedWriter::push(unsigned worker, OutputBatch batch) {
  std::lock_guard lock(mutex_);
  incoming_[worker].push_back(std::move(batch));
  changed_.notify_one();
}

void OrderedWriter::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_ && !thread_.joinable()) return;
    closed_ = true;
    changed_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

bool OrderedWriter::write_ready() {
  constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();
  bool wrote = false;
  for (;;) {
    // The earliest chunk any source holds.
    uint64_t earliest = kNone;
    size_t from = 0;
    for (size_t i = 0; i < sources_.size(); ++i) {
      Source& s = sources_[i];
      while (!s.batches.empty() && s.next_chunk >= s.batches.front().chunks.size()) {
        s.batches.pop_front();
        s.next_chunk = 0;
        s.text_offset = 0;
      }
      if (s.batches.empty()) continue;
      const uint64_t seq = s.batches.front().chunks[s.next_chunk].first;
      if (seq < earliest) {
        earliest = seq;
        from = i;
      }
    }
    if (earliest == kNone) return wrote;
    // Safe only if no other source can still send something earlier.
    for (size_t i = 0; i < sources_.size(); ++i)
      if (i != from && sources_[i].batches.empty() && sources_[i].through < earliest) return wrote;
    Source& s = sources_[from];
    const OutputBatch& batch = s.batches.front();
    const size_t end = batch.chunks[s.next_chunk].second;
    out_.write(std::string_view(batch.text).substr(s.text_offset, end - s.text_offset));
    s.text_offset = end;
    ++s.next_chunk;
    wrote = true;
  }
}

void OrderedWriter::run() {
  pthread_setname_np(pthread_self(), "tlslens-write");
  std::vector<std::deque<OutputBatch>> taken(incoming_.size());
  for (;;) {
    bool closed = false;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        if (closed_) return true;
        for (const auto& q : incoming_)
          if (!q.empty()) return true;
        return false;
      });
      closed = closed_;
      for (size_t i = 0; i < incoming_.size(); ++i) std::swap(taken[i], incoming_[i]);
    }
    for (size_t i = 0; i < taken.size(); ++i) {
      for (OutputBatch& b : taken[i]) {
        sources_[i].through = b.through;
        sources_[i].batches.push_back(std::move(b));
      }
      taken[i].clear();
    }
    write_ready();
    if (closed) {
      // Every worker has finished: whatever is left is complete; write it in order.
      for (Source& s : sources_) s.through = std::numeric_limits<uint64_t>::max();
      write_ready();
      return;
    }
  }
}

}  // namespace tlslens::parallel
