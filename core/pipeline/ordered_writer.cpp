#include "core/pipeline/ordered_writer.h"

#include <limits>

namespace tlslens::parallel {

namespace {

// Spent batches kept per worker, and the largest text buffer worth keeping: one round that
// printed megabytes must not make every recycled buffer hold that much.
constexpr size_t kKeptSpent = 4;
constexpr size_t kKeptTextBytes = 1u << 20;

}  // namespace

OrderedWriter::OrderedWriter(unsigned workers, OutputStream& out)
    : out_(out), incoming_(workers), taken_(workers), spent_(workers), written_(workers), sources_(workers) {}

OrderedWriter::~OrderedWriter() { close(); }

void OrderedWriter::push(unsigned worker, OutputBatch batch) {
  std::lock_guard lock(mutex_);
  incoming_[worker].push_back(std::move(batch));
}

bool OrderedWriter::take_spent(unsigned worker, OutputBatch& batch) {
  std::lock_guard lock(mutex_);
  if (spent_[worker].empty()) return false;
  batch = std::move(spent_[worker].front());
  spent_[worker].pop_front();
  return true;
}

void OrderedWriter::write_ready() {
  take_incoming();
  write_in_order();
  hand_back_written();
}

void OrderedWriter::hand_back_written() {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < written_.size(); ++i) {
    for (OutputBatch& b : written_[i]) {
      if (spent_[i].size() >= kKeptSpent || b.text.capacity() > kKeptTextBytes) continue;
      b.text.clear();
      b.chunks.clear();
      spent_[i].push_back(std::move(b));
    }
    written_[i].clear();
  }
}

void OrderedWriter::close() {
  if (closed_) return;
  closed_ = true;
  take_incoming();
  // Every worker has finished: whatever is left is complete; write it in order.
  for (Source& s : sources_) s.through = std::numeric_limits<uint64_t>::max();
  write_in_order();
}

void OrderedWriter::take_incoming() {
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < incoming_.size(); ++i) std::swap(taken_[i], incoming_[i]);
  }
  for (size_t i = 0; i < taken_.size(); ++i) {
    for (OutputBatch& b : taken_[i]) {
      sources_[i].through = b.through;
      sources_[i].batches.push_back(std::move(b));
    }
    taken_[i].clear();
  }
}

void OrderedWriter::write_in_order() {
  constexpr uint64_t kNone = std::numeric_limits<uint64_t>::max();
  for (;;) {
    // The earliest chunk any source holds.
    uint64_t earliest = kNone;
    size_t from = 0;
    for (size_t i = 0; i < sources_.size(); ++i) {
      Source& s = sources_[i];
      while (!s.batches.empty() && s.next_chunk >= s.batches.front().chunks.size()) {
        write_pieces();  // before the batch moves: short texts live inside it
        written_[i].push_back(std::move(s.batches.front()));
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
    if (earliest == kNone) break;
    // Safe only if no other source can still send something earlier.
    bool safe = true;
    for (size_t i = 0; i < sources_.size(); ++i)
      if (i != from && sources_[i].batches.empty() && sources_[i].through < earliest) safe = false;
    if (!safe) break;
    Source& s = sources_[from];
    const OutputBatch& batch = s.batches.front();
    const size_t end = batch.chunks[s.next_chunk].second;
    add_piece(std::string_view(batch.text.data() + s.text_offset, end - s.text_offset));
    s.text_offset = end;
    ++s.next_chunk;
  }
  write_pieces();
}

void OrderedWriter::add_piece(std::string_view piece) {
  if (piece.empty()) return;
  if (!pieces_.empty() && pieces_.back().data() + pieces_.back().size() == piece.data()) {
    pieces_.back() = std::string_view(pieces_.back().data(), pieces_.back().size() + piece.size());
    return;  // the same batch's next chunk: one piece
  }
  pieces_.push_back(piece);
}

void OrderedWriter::write_pieces() {
  if (pieces_.empty()) return;
  out_.write_pieces(pieces_);
  pieces_.clear();
}

}  // namespace tlslens::parallel
