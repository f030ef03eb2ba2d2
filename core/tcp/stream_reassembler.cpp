#include "core/tcp/stream_reassembler.h"

#include <algorithm>
#include <iterator>

namespace tlslens {

namespace {

// An ACK this far beyond what we delivered is not a plausible window's worth of missing data
// (TCP windows top out at 1 GiB): it is a bogus or misread ACK, and honouring it would throw
// away the rest of the stream.
constexpr int64_t kMaxPlausibleAckJump = int64_t{1} << 30;

}  // namespace

StreamReassembler::StreamReassembler(size_t max_buffered_bytes, ReassemblyBudget* budget)
    : max_buffered_bytes_(max_buffered_bytes),
      budget_(budget),
      piece_overhead_(budget != nullptr ? budget->held_segment_overhead : kHeldSegmentOverhead) {}

StreamReassembler::~StreamReassembler() {
  release(buffered_bytes_);
}

int64_t StreamReassembler::unwrap(uint32_t seq) const {
  const uint32_t next_seq = isn_ + static_cast<uint32_t>(next_);
  const auto delta = static_cast<int32_t>(seq - next_seq);
  return next_ + delta;
}

void StreamReassembler::on_segment(const TcpSegment& seg, Output& out) {
  ++stats_.segments;
  stats_.payload_bytes += seg.payload.size() + seg.missing_payload;

  const bool syn = seg.has(tcp_flags::syn);
  const bool fin = seg.has(tcp_flags::fin);
  const bool carries_data = !seg.payload.empty() || seg.missing_payload > 0;
  // The SYN occupies one sequence number; data (TCP Fast Open) starts after it.
  const uint32_t data_seq = syn ? seg.seq + 1 : seg.seq;

  if (!started_) {
    // Mid-stream pickup starts at the first segment that occupies sequence space; a pure
    // ACK says nothing about where this direction's bytes are.
    if (!syn && !carries_data && !fin) return;
    started_ = true;
    isn_ = data_seq;
    next_ = 0;
  }

  const SegmentInfo at{seg.ts, seg.packet_number};
  const int64_t offset = unwrap(data_seq);
  std::span<const uint8_t> captured = seg.payload;
  uint32_t missing = seg.missing_payload;
  if (fin) {
    stats_.fin_seen = true;
    note_fin(offset + static_cast<int64_t>(captured.size()) + missing);
  }
  if (fin_known_) {
    // Nothing follows a FIN: bytes claimed beyond it come from a confused stack.
    const int64_t room = std::max<int64_t>(0, fin_offset_ - offset);
    if (static_cast<int64_t>(captured.size()) > room) captured = captured.first(static_cast<size_t>(room));
    const int64_t missing_room = room - static_cast<int64_t>(captured.size());
    if (missing > missing_room) missing = static_cast<uint32_t>(missing_room);
  }
  if (!captured.empty() || missing > 0) accept_data(offset, captured, missing, at, out);
  deliver_fin_if_due(at, out);
}

void StreamReassembler::on_rst(const TcpSegment& seg) {
  ++stats_.segments;
  stats_.payload_bytes += seg.payload.size() + seg.missing_payload;
  stats_.rst_seen = true;
}

void StreamReassembler::on_peer_ack(uint32_t ack, const SegmentInfo& at, Output& out) {
  if (!started_) return;  // mid-stream: we do not know where this direction starts yet
  int64_t acked = unwrap(ack);
  // The FIN's sequence slot is not a byte: an ACK of the FIN acknowledges nothing missing.
  if (fin_known_) acked = std::min(acked, fin_offset_);
  if (acked <= next_ || acked - next_ > kMaxPlausibleAckJump) return;
  // One past everything we hold is what the ACK of a FIN we did not capture looks like
  // (typical when the capture stops at the close): not a gap by itself. Were it a lost
  // data byte, the data after it proves so, and a later ACK or the flush reports it.
  if (acked == next_ + 1 && pending_.empty() && !fin_known_) return;
  skip_to(acked, GapCause::not_captured, at, out);
  deliver_fin_if_due(at, out);
}

void StreamReassembler::flush(const SegmentInfo& at, Output& out) {
  if (!started_) return;
  if (!pending_.empty()) {
    const auto& [last_offset, last] = *pending_.rbegin();
    skip_to(last_offset + static_cast<int64_t>(last.bytes.size()), GapCause::not_captured, at, out);
  }
  if (fin_known_ && fin_offset_ > next_) skip_to(fin_offset_, GapCause::not_captured, at, out);
  deliver_fin_if_due(at, out);
}

void StreamReassembler::accept_data(int64_t offset, std::span<const uint8_t> bytes, uint32_t missing,
                                    const SegmentInfo& at, Output& out) {
  const int64_t captured_end = offset + static_cast<int64_t>(bytes.size());
  if (captured_end + missing <= next_) {
    stats_.retransmitted_bytes += bytes.size();
    return;
  }
  if (offset > next_) {
    ++stats_.out_of_order_segments;
    make_room(offset, bytes, at, out);
    if (offset > next_) {
      store(offset, bytes, missing);
      return;
    }
  }
  deliver_in_order(offset, bytes, at, out);
  if (missing > 0) extend_snaplen_hole(captured_end + missing);
  deliver_ready(at, out);
}

// Delivers a segment that starts at or before next_ straight from its span. Where buffered
// out-of-order bytes already cover part of it, the buffered (first) copy is delivered instead.
void StreamReassembler::deliver_in_order(int64_t offset, std::span<const uint8_t> bytes, const SegmentInfo& at,
                                         Output& out) {
  const int64_t end = offset + static_cast<int64_t>(bytes.size());
  if (offset < next_) stats_.retransmitted_bytes += static_cast<uint64_t>(std::min(end, next_) - offset);
  while (next_ < end) {
    auto first = pending_.begin();
    if (first != pending_.end() && first->first <= next_) {
      compare_overlap(first->first, first->second.bytes, offset, bytes);
      const int64_t buffered_end = first->first + static_cast<int64_t>(first->second.bytes.size());
      stats_.retransmitted_bytes += static_cast<uint64_t>(std::min(end, buffered_end) - next_);
      deliver_front(at, out);
      continue;
    }
    int64_t stop = end;
    if (first != pending_.end()) stop = std::min(stop, first->first);
    const auto from = static_cast<size_t>(next_ - offset);
    const auto count = static_cast<size_t>(stop - next_);
    stats_.delivered_bytes += count;
    next_ = stop;
    out.data(bytes.subspan(from, count), at);
  }
}

// Copies the bytes no buffered segment covers yet; the missing tail stays attached to the
// piece it follows so that delivery can report it as a snap-length gap.
void StreamReassembler::store(int64_t offset, std::span<const uint8_t> bytes, uint32_t missing_tail) {
  const int64_t end = offset + static_cast<int64_t>(bytes.size());
  auto it = pending_.upper_bound(offset);
  if (it != pending_.begin()) {
    auto before = std::prev(it);
    if (before->first + static_cast<int64_t>(before->second.bytes.size()) > offset) it = before;
  }
  int64_t pos = offset;
  while (pos < end) {
    if (it != pending_.end() && it->first <= pos) {
      const int64_t covered_end = std::min(end, it->first + static_cast<int64_t>(it->second.bytes.size()));
      compare_overlap(it->first, it->second.bytes, offset, bytes);
      stats_.retransmitted_bytes += static_cast<uint64_t>(covered_end - pos);
      pos = covered_end;
      ++it;
      continue;
    }
    int64_t piece_end = end;
    if (it != pending_.end()) piece_end = std::min(piece_end, it->first);
    auto piece = bytes.subspan(static_cast<size_t>(pos - offset), static_cast<size_t>(piece_end - pos));
    Pending held{std::vector<uint8_t>(piece.begin(), piece.end()), piece_end == end ? missing_tail : 0};
    reserve(piece.size() + piece_overhead_);
    pending_.emplace_hint(it, pos, std::move(held));
    pos = piece_end;
  }
}

// Before buffering, makes sure the bytes fit under both caps by giving up on the oldest
// hole: it becomes a gap and whatever is contiguous after it is delivered, freeing buffer.
void StreamReassembler::make_room(int64_t offset, std::span<const uint8_t> bytes, const SegmentInfo& at, Output& out) {
  while (offset > next_ && !fits(charge_of(offset, bytes))) {
    int64_t hole_end = offset;
    if (!pending_.empty()) hole_end = std::min(hole_end, pending_.begin()->first);
    if (budget_ != nullptr) ++budget_->forced_gaps;
    skip_to(hole_end, GapCause::forced, at, out);
  }
}

size_t StreamReassembler::charge_of(int64_t offset, std::span<const uint8_t> bytes) const {
  const int64_t end = offset + static_cast<int64_t>(bytes.size());
  int64_t uncovered = 0;
  size_t pieces = 0;
  int64_t pos = offset;  // bytes before pos are accounted for
  auto it = pending_.upper_bound(offset);
  if (it != pending_.begin()) --it;
  for (; it != pending_.end() && it->first < end && pos < end; ++it) {
    const int64_t held_end = it->first + static_cast<int64_t>(it->second.bytes.size());
    if (held_end <= pos) continue;
    if (it->first > pos) {
      uncovered += it->first - pos;
      ++pieces;
    }
    pos = held_end;
  }
  if (pos < end) {
    uncovered += end - pos;
    ++pieces;
  }
  return static_cast<size_t>(uncovered) + pieces * piece_overhead_;
}

bool StreamReassembler::fits(size_t n) const {
  if (n > max_buffered_bytes_ - std::min(max_buffered_bytes_, buffered_bytes_)) return false;
  if (budget_ == nullptr) return true;
  return n <= budget_->max_total_bytes - std::min(budget_->max_total_bytes, budget_->used_bytes);
}

void StreamReassembler::deliver_front(const SegmentInfo& at, Output& out) {
  auto node = pending_.extract(pending_.begin());
  const int64_t offset = node.key();
  Pending& held = node.mapped();
  release(held.bytes.size() + piece_overhead_);
  const int64_t end = offset + static_cast<int64_t>(held.bytes.size());
  if (end > next_) {
    const auto from = static_cast<size_t>(std::max<int64_t>(0, next_ - offset));
    const auto count = held.bytes.size() - from;
    stats_.delivered_bytes += count;
    next_ = end;
    out.data(std::span<const uint8_t>(held.bytes).subspan(from, count), at);
  }
  if (held.missing_tail > 0) extend_snaplen_hole(end + held.missing_tail);
}

void StreamReassembler::deliver_ready(const SegmentInfo& at, Output& out) {
  for (;;) {
    if (!pending_.empty() && pending_.begin()->first <= next_) {
      deliver_front(at, out);
      continue;
    }
    if (snaplen_missing_until_ > next_) {
      // Bytes the snap length cut will never be captured: no reason to wait for them.
      int64_t stop = snaplen_missing_until_;
      if (!pending_.empty()) stop = std::min(stop, pending_.begin()->first);
      report_gap(static_cast<uint64_t>(stop - next_), GapCause::snaplen, at, out);
      next_ = stop;
      continue;
    }
    return;
  }
}

// Declares [next_, offset) missing, except for buffered bytes inside it, which are delivered.
void StreamReassembler::skip_to(int64_t offset, GapCause cause, const SegmentInfo& at, Output& out) {
  while (next_ < offset) {
    if (!pending_.empty() && pending_.begin()->first <= next_) {
      deliver_front(at, out);
      continue;
    }
    int64_t stop = offset;
    if (!pending_.empty()) stop = std::min(stop, pending_.begin()->first);
    report_gap(static_cast<uint64_t>(stop - next_), cause, at, out);
    next_ = stop;
  }
  deliver_ready(at, out);
}

void StreamReassembler::report_gap(uint64_t n, GapCause cause, const SegmentInfo& at, Output& out) {
  ++stats_.gaps;
  stats_.gap_bytes += n;
  if (cause == GapCause::snaplen) stats_.snaplen_missing_bytes += n;
  if (cause == GapCause::forced && budget_ != nullptr) budget_->forced_gap_bytes += n;
  out.gap(n, at);
}

void StreamReassembler::note_fin(int64_t offset) {
  // The first FIN wins; one claiming a position we already delivered past is bogus.
  if (fin_known_ || offset < next_) return;
  fin_known_ = true;
  fin_offset_ = offset;
  // Drop buffered bytes at or beyond the FIN: nothing can follow it.
  while (!pending_.empty()) {
    auto last = std::prev(pending_.end());
    const int64_t start = last->first;
    Pending& held = last->second;
    const int64_t end = start + static_cast<int64_t>(held.bytes.size());
    if (end + held.missing_tail <= offset) break;
    if (start >= offset) {
      release(held.bytes.size() + piece_overhead_);
      pending_.erase(last);
      continue;
    }
    if (end > offset) {
      release(static_cast<size_t>(end - offset));
      held.bytes.resize(static_cast<size_t>(offset - start));
    }
    held.missing_tail = static_cast<uint32_t>(offset - (start + static_cast<int64_t>(held.bytes.size())));
    break;
  }
  snaplen_missing_until_ = std::min(snaplen_missing_until_, offset);
}

void StreamReassembler::extend_snaplen_hole(int64_t end) {
  if (fin_known_) end = std::min(end, fin_offset_);
  snaplen_missing_until_ = std::max(snaplen_missing_until_, end);
}

void StreamReassembler::deliver_fin_if_due(const SegmentInfo& at, Output& out) {
  if (!fin_known_ || fin_delivered_ || next_ < fin_offset_) return;
  fin_delivered_ = true;
  out.fin(at);
}

// Counts bytes of a later copy that differ from the first copy where the two overlap.
void StreamReassembler::compare_overlap(int64_t first_offset, std::span<const uint8_t> first, int64_t later_offset,
                                        std::span<const uint8_t> later) {
  const int64_t begin = std::max(first_offset, later_offset);
  const int64_t end =
      std::min(first_offset + static_cast<int64_t>(first.size()), later_offset + static_cast<int64_t>(later.size()));
  for (int64_t pos = begin; pos < end; ++pos) {
    if (first[static_cast<size_t>(pos - first_offset)] != later[static_cast<size_t>(pos - later_offset)]) {
      ++stats_.overlap_conflicts;
    }
  }
}

void StreamReassembler::reserve(size_t n) {
  buffered_bytes_ += n;
  if (budget_ != nullptr) budget_->used_bytes += n;
}

void StreamReassembler::release(size_t n) {
  buffered_bytes_ -= n;
  if (budget_ != nullptr) budget_->used_bytes -= n;
}

}  // namespace tlslens
