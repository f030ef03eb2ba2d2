// StreamReassembler: turns one direction's TCP segments into in-order bytes.
//
// What it promises:
//  * In-order delivery. Bytes are handed to the output exactly once, in sequence order.
//    A segment that continues the stream is delivered straight from the packet (no copy);
//    only out-of-order segments are copied, into a bounded buffer.
//  * Retransmissions and overlaps: the first copy of a byte wins. Bytes already delivered
//    are dropped from later segments (counted as retransmitted); an overlap with buffered
//    out-of-order data whose bytes differ is counted as a conflicting overlap (per byte).
//    A 1-byte zero-window probe followed by a full segment at the same sequence number
//    yields the probe's byte, then the rest of the segment: each byte once.
//  * 32-bit sequence numbers wrap: positions are tracked as 64-bit stream offsets, each
//    sequence number taken as the offset nearest the delivery point.
//  * Mid-stream pickup: without a SYN, the first segment carrying data (or a FIN) sets
//    the stream's start; nothing before it is ever reported as missing.
//  * Gaps: when data is missing and will not come, a gap of the missing size is reported
//    and delivery continues after it, instead of stalling. Data is declared missing when
//    (a) the peer acknowledges bytes we never saw, (b) the out-of-order buffer exceeds its
//    cap, (c) the stream is flushed (connection end, eviction, end of capture), or (d) the
//    snap length cut a segment: its captured bytes are data, the rest a gap, reported as soon
//    as delivery reaches it (bytes captured elsewhere inside that range are still delivered).
//    Peer ACKs are read with care: the ACK of our SYN or of our FIN is no gap; an ACK of
//    exactly one byte past everything held, with nothing buffered, is taken for the ACK of a
//    FIN the capture missed (data after it would prove otherwise and then be reported);
//    an ACK more than 1 GiB ahead (beyond any TCP window) is ignored as bogus; ACKs before
//    this direction started mean nothing.
//  * Bounded memory: out-of-order bytes are capped per direction and, through a shared
//    ReassemblyBudget, across all directions; hitting a cap forces a gap before the oldest
//    buffered data (counted in ReassemblyBudget::forced_gaps and forced_gap_bytes), never
//    growth. A segment too big to buffer at all is delivered right after a gap. Each held
//    piece is charged its bytes plus ReassemblyBudget::held_segment_overhead (its map node
//    and heap block), so the caps bound memory even when a sender makes many tiny holes.
//  * FIN is reported once, only after every byte before it was delivered (or declared
//    missing). Bytes claimed beyond a FIN are dropped; a FIN claiming a position we already
//    delivered past is ignored.
//  * Accounting is exact: buffered bytes are returned to the budget as they are delivered
//    and when the reassembler is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "core/net/tcp_segment.h"
#include "core/tcp/stream_consumer.h"

namespace tlslens {

// What one held out-of-order piece costs beyond its bytes: its std::map node (80 bytes from
// malloc) and its vector's heap block (at least 32 bytes, 8 of them malloc's header), rounded up.
inline constexpr size_t kHeldSegmentOverhead = 128;

// Shared across all reassemblers of a FlowTable: total out-of-order bytes held.
struct ReassemblyBudget {
  size_t max_total_bytes = 256 * 1024 * 1024;
  size_t used_bytes = 0;     // bytes held plus held_segment_overhead per held piece
  uint64_t forced_gaps = 0;  // gaps declared because a cap was hit
  uint64_t forced_gap_bytes = 0;  // bytes those gaps gave up on (declared missing)
  // Charged per held piece against both caps (tests of the byte logic set 0).
  size_t held_segment_overhead = kHeldSegmentOverhead;
};

struct DirectionStats {
  uint64_t segments = 0;             // segments seen in this direction (all flags)
  uint64_t payload_bytes = 0;        // payload bytes seen on the wire, retransmissions included
  uint64_t delivered_bytes = 0;      // bytes handed to the consumer
  uint64_t retransmitted_bytes = 0;  // bytes dropped as already delivered or already buffered
  uint64_t out_of_order_segments = 0;
  uint64_t overlap_conflicts = 0;  // overlapping bytes that differed from the first copy
  uint64_t gaps = 0;
  uint64_t gap_bytes = 0;
  uint64_t snaplen_missing_bytes = 0;  // bytes cut by the snap length (they become gaps)
  bool fin_seen = false;
  bool rst_seen = false;
};

class StreamReassembler {
 public:
  class Output {
   public:
    virtual void data(std::span<const uint8_t> bytes, const SegmentInfo& at) = 0;
    virtual void gap(uint64_t missing_bytes, const SegmentInfo& at) = 0;
    virtual void fin(const SegmentInfo& at) = 0;

   protected:
    ~Output() = default;
  };

  // `budget` may be null (no limit across directions; pieces then cost kHeldSegmentOverhead).
  StreamReassembler(size_t max_buffered_bytes, ReassemblyBudget* budget);
  ~StreamReassembler();
  StreamReassembler(const StreamReassembler&) = delete;
  StreamReassembler& operator=(const StreamReassembler&) = delete;

  // A segment travelling in this direction (SYN, data, FIN, pure ACK; RST goes to on_rst).
  void on_segment(const TcpSegment& seg, Output& out);
  // An RST travelling in this direction: counted in the stats; what it ends is the flow
  // table's business, and its payload (if any) is not stream data.
  void on_rst(const TcpSegment& seg);
  // The other direction acknowledged `ack`: bytes of this direction before it were received
  // by the peer, so if we have not seen them they are missing from the capture.
  void on_peer_ack(uint32_t ack, const SegmentInfo& at, Output& out);
  // Deliver everything held, reporting holes as gaps (connection end, eviction, capture end).
  void flush(const SegmentInfo& at, Output& out);

  bool started() const { return started_; }
  bool fin_delivered() const { return fin_delivered_; }
  // Out-of-order bytes held, plus the per-piece overhead (what the caps count).
  size_t buffered_bytes() const { return buffered_bytes_; }
  const DirectionStats& stats() const { return stats_; }

 private:
  // Out-of-order bytes held at a stream offset. `missing_tail` counts bytes the segment
  // carried right after them that the snap length cut off.
  struct Pending {
    std::vector<uint8_t> bytes;
    uint32_t missing_tail = 0;
  };
  enum class GapCause { not_captured, snaplen, forced };

  // Maps a 32-bit sequence number to the signed 64-bit stream offset nearest next_
  // (negative: before the stream's first byte).
  int64_t unwrap(uint32_t seq) const;
  void accept_data(int64_t offset, std::span<const uint8_t> bytes, uint32_t missing, const SegmentInfo& at,
                   Output& out);
  void deliver_in_order(int64_t offset, std::span<const uint8_t> bytes, const SegmentInfo& at, Output& out);
  void store(int64_t offset, std::span<const uint8_t> bytes, uint32_t missing_tail);
  void make_room(int64_t offset, std::span<const uint8_t> bytes, const SegmentInfo& at, Output& out);
  // What storing the bytes not buffered yet would charge: their count plus the overhead of
  // the pieces they would make.
  size_t charge_of(int64_t offset, std::span<const uint8_t> bytes) const;
  bool fits(size_t n) const;
  void deliver_front(const SegmentInfo& at, Output& out);
  void deliver_ready(const SegmentInfo& at, Output& out);
  void skip_to(int64_t offset, GapCause cause, const SegmentInfo& at, Output& out);
  void report_gap(uint64_t n, GapCause cause, const SegmentInfo& at, Output& out);
  void note_fin(int64_t offset);
  void extend_snaplen_hole(int64_t end);
  void deliver_fin_if_due(const SegmentInfo& at, Output& out);
  void compare_overlap(int64_t first_offset, std::span<const uint8_t> first, int64_t later_offset,
                       std::span<const uint8_t> later);
  void reserve(size_t n);
  void release(size_t n);

  size_t max_buffered_bytes_;
  ReassemblyBudget* budget_;
  size_t piece_overhead_;
  bool started_ = false;
  bool fin_known_ = false;
  bool fin_delivered_ = false;
  uint32_t isn_ = 0;                    // sequence number of stream offset 0 (first data byte)
  int64_t next_ = 0;                    // stream offset of the next byte to deliver
  int64_t fin_offset_ = 0;              // stream offset of the FIN's sequence slot, once known
  int64_t snaplen_missing_until_ = 0;   // bytes in [next_, this) were cut by the snap length
  std::map<int64_t, Pending> pending_;  // out-of-order data by stream offset, never overlapping
  size_t buffered_bytes_ = 0;
  DirectionStats stats_;
};

}  // namespace tlslens
