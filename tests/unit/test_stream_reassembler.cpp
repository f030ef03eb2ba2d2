// StreamReassembler: in-order delivery, reordering, retransmission, overlaps, gaps (peer
// ACK, caps, flush, snap length), FIN ordering, sequence wrap-around and budget accounting.
#include "core/tcp/stream_reassembler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tlslens {
namespace {

// Logs every output event as a string ("data:abc", "gap:5", "fin") and keeps the bytes.
class RecordingOutput final : public StreamReassembler::Output {
 public:
  void data(std::span<const uint8_t> bytes, const SegmentInfo& at) override {
    events.push_back("data:" + std::string(bytes.begin(), bytes.end()));
    stream.append(bytes.begin(), bytes.end());
    data_pointers.push_back(bytes.data());
    packets.push_back(at.packet_number);
  }
  void gap(uint64_t missing_bytes, const SegmentInfo& at) override {
    events.push_back("gap:" + std::to_string(missing_bytes));
    packets.push_back(at.packet_number);
  }
  void fin(const SegmentInfo& at) override {
    events.push_back("fin");
    packets.push_back(at.packet_number);
  }

  std::vector<std::string> events;
  std::string stream;
  std::vector<const uint8_t*> data_pointers;
  std::vector<uint64_t> packets;
};

using Events = std::vector<std::string>;

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TcpSegment segment(uint32_t seq, std::string_view payload = {}, uint8_t flags = tcp_flags::ack,
                   uint32_t missing_payload = 0) {
  static uint64_t packet_number = 0;
  TcpSegment seg;
  seg.packet_number = ++packet_number;
  seg.seq = seq;
  seg.flags = flags;
  seg.payload = bytes_of(payload);
  seg.missing_payload = missing_payload;
  return seg;
}

constexpr uint32_t kSynSeq = 1000;
constexpr uint32_t kIsn = kSynSeq + 1;  // sequence number of stream offset 0

// A reassembler that has seen the SYN, with a generous private budget.
struct Fixture {
  // The byte logic is tested with no per-piece overhead (budget.held_segment_overhead = 0);
  // the overhead has tests of its own.
  explicit Fixture(size_t max_buffered = 1 << 20, size_t max_total = 1 << 20) {
    budget.max_total_bytes = max_total;
    budget.held_segment_overhead = 0;
    reassembler = std::make_unique<StreamReassembler>(max_buffered, &budget);
  }
  void syn(uint32_t seq = kSynSeq) { reassembler->on_segment(segment(seq, {}, tcp_flags::syn), out); }
  // Data at a stream offset (relative to kIsn).
  void data(uint32_t offset, std::string_view payload, uint8_t extra_flags = 0, uint32_t missing = 0) {
    reassembler->on_segment(segment(kIsn + offset, payload, tcp_flags::ack | extra_flags, missing), out);
  }
  void peer_ack(uint32_t offset) { reassembler->on_peer_ack(kIsn + offset, {}, out); }
  void flush() { reassembler->flush({}, out); }
  const DirectionStats& stats() const { return reassembler->stats(); }

  ReassemblyBudget budget;
  std::unique_ptr<StreamReassembler> reassembler;
  RecordingOutput out;
};

TEST(StreamReassembler, InOrderSegmentsAreDeliveredFromThePacketWithoutCopy) {
  Fixture f;
  f.syn();
  const std::string_view hello = "hello";
  const std::string_view world = "world";
  f.data(0, hello);
  f.data(5, world);
  EXPECT_EQ(f.out.events, (Events{"data:hello", "data:world"}));
  ASSERT_EQ(f.out.data_pointers.size(), 2u);
  EXPECT_EQ(f.out.data_pointers[0], bytes_of(hello).data());
  EXPECT_EQ(f.out.data_pointers[1], bytes_of(world).data());
  EXPECT_EQ(f.stats().delivered_bytes, 10u);
  EXPECT_EQ(f.stats().segments, 3u);
  EXPECT_EQ(f.stats().payload_bytes, 10u);
  EXPECT_EQ(f.stats().out_of_order_segments, 0u);
  EXPECT_EQ(f.reassembler->buffered_bytes(), 0u);
}

TEST(StreamReassembler, EveryArrivalOrderOfFourSegmentsYieldsTheSameStream) {
  const std::vector<std::string_view> chunks = {"aaa", "bbbb", "cc", "ddddd"};
  std::vector<uint32_t> offsets = {0, 3, 7, 9};
  std::vector<size_t> order(chunks.size());
  std::iota(order.begin(), order.end(), 0);
  int permutations = 0;
  do {
    Fixture f;
    f.syn();
    for (size_t i : order) f.data(offsets[i], chunks[i]);
    EXPECT_EQ(f.out.stream, "aaabbbbccddddd") << "order " << order[0] << order[1] << order[2] << order[3];
    EXPECT_EQ(f.stats().gaps, 0u);
    EXPECT_EQ(f.stats().retransmitted_bytes, 0u);
    EXPECT_EQ(f.reassembler->buffered_bytes(), 0u);
    EXPECT_EQ(f.budget.used_bytes, 0u);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 24);
}

TEST(StreamReassembler, OutOfOrderDataWaitsThenDrainsInOrder) {
  Fixture f;
  f.syn();
  f.data(6, "ghi");
  f.data(3, "def");
  EXPECT_TRUE(f.out.events.empty());
  EXPECT_EQ(f.reassembler->buffered_bytes(), 6u);
  EXPECT_EQ(f.budget.used_bytes, 6u);
  f.data(0, "abc");
  EXPECT_EQ(f.out.events, (Events{"data:abc", "data:def", "data:ghi"}));
  EXPECT_EQ(f.stats().out_of_order_segments, 2u);
  EXPECT_EQ(f.reassembler->buffered_bytes(), 0u);
  EXPECT_EQ(f.budget.used_bytes, 0u);
}

TEST(StreamReassembler, RetransmissionIsDroppedAndCounted) {
  Fixture f;
  f.syn();
  f.data(0, "hello");
  f.data(0, "hello");
  f.data(5, "world");
  f.data(5, "world");
  f.syn();  // a retransmitted SYN delivers nothing either
  EXPECT_EQ(f.out.events, (Events{"data:hello", "data:world"}));
  EXPECT_EQ(f.stats().retransmitted_bytes, 10u);
  EXPECT_EQ(f.stats().payload_bytes, 20u);
  EXPECT_EQ(f.stats().delivered_bytes, 10u);
}

TEST(StreamReassembler, PartialOverlapsDeliverOnlyNewBytes) {
  Fixture f;
  f.syn();
  f.data(0, "01234");
  f.data(3, "34567");  // starts inside what was delivered
  EXPECT_EQ(f.out.events, (Events{"data:01234", "data:567"}));
  EXPECT_EQ(f.stats().retransmitted_bytes, 2u);

  // Out of order, overlapping buffered data on both sides.
  f.data(12, "CDEF");
  f.data(10, "ABCD");  // [12,14) already buffered
  f.data(8, "89AB");   // in order; [10,12) already buffered
  EXPECT_EQ(f.out.events, (Events{"data:01234", "data:567", "data:89", "data:AB", "data:CDEF"}));
  EXPECT_EQ(f.out.stream, "0123456789ABCDEF");
  EXPECT_EQ(f.stats().retransmitted_bytes, 2u + 2u + 2u);
  EXPECT_EQ(f.stats().overlap_conflicts, 0u);
  EXPECT_EQ(f.budget.used_bytes, 0u);
}

TEST(StreamReassembler, ConflictingOverlapKeepsTheFirstCopyAndCountsDifferingBytes) {
  Fixture f;
  f.syn();
  f.data(4, "EFGH");
  f.data(2, "CDxx");  // differs from the buffered "EF"
  f.data(0, "AB");
  EXPECT_EQ(f.out.events, (Events{"data:AB", "data:CD", "data:EFGH"}));
  EXPECT_EQ(f.stats().overlap_conflicts, 2u);

  // An in-order segment that covers buffered bytes: the buffered copy came first and wins.
  f.data(12, "MNOP");
  f.data(8, "IJKLMzOP");
  EXPECT_EQ(f.out.stream, "ABCDEFGHIJKLMNOP");
  EXPECT_EQ(f.stats().overlap_conflicts, 3u);
  EXPECT_EQ(f.stats().retransmitted_bytes, 2u + 4u);
}

TEST(StreamReassembler, ZeroWindowProbeThenFullSegmentAtTheSameSeqIsDeliveredOnce) {
  // retrans-tls.pcap: one byte at relative seq 1, then 21 bytes at relative seq 1.
  const std::string probe = "\x17";
  const std::string record = std::string("\x17\x03\x03\x00\x10", 5) + std::string(16, '\xaa');
  ASSERT_EQ(record.size(), 21u);
  ReassemblyBudget budget;
  StreamReassembler r(1 << 20, &budget);
  RecordingOutput out;
  r.on_segment(segment(0x5a5a0001, probe), out);
  r.on_segment(segment(0x5a5a0001, record), out);
  EXPECT_EQ(out.stream, record);
  EXPECT_EQ(out.events.size(), 2u);
  EXPECT_EQ(r.stats().delivered_bytes, 21u);
  EXPECT_EQ(r.stats().retransmitted_bytes, 1u);
  EXPECT_EQ(r.stats().gaps, 0u);
}

TEST(StreamReassembler, SequenceNumbersWrapAroundTwoToThe32) {
  Fixture f;
  // SYN just below 2^32; the data crosses the wrap and arrives out of order around it.
  const uint32_t syn_seq = 0xFFFFFFF5u;
  f.reassembler->on_segment(segment(syn_seq, {}, tcp_flags::syn), f.out);
  const uint32_t isn = syn_seq + 1;                              // 0xFFFFFFF6
  f.reassembler->on_segment(segment(isn + 10, "ccccc"), f.out);  // seq 0x00000000
  f.reassembler->on_segment(segment(isn + 15, "ddddd"), f.out);  // seq 0x00000005
  f.reassembler->on_segment(segment(isn + 5, "bbbbb"), f.out);   // seq 0xFFFFFFFB
  EXPECT_TRUE(f.out.events.empty());
  f.reassembler->on_segment(segment(isn, "aaaaa"), f.out);
  EXPECT_EQ(f.out.stream, "aaaaabbbbbcccccddddd");
  // The peer acknowledges exactly what we have: no gap after the wrap.
  f.reassembler->on_peer_ack(isn + 20, {}, f.out);
  EXPECT_EQ(f.stats().gaps, 0u);
  // Then it acknowledges 7 bytes we never saw.
  f.reassembler->on_peer_ack(isn + 27, {}, f.out);
  EXPECT_EQ(f.out.events.back(), "gap:7");
}

TEST(StreamReassembler, StreamsLongerThanFourGigabytesKeepTheirOffsets) {
  // 2^32 + 64 KiB of in-order data (zero copy, so this is quick), then reordering and an
  // ACK-driven gap beyond the second wrap of the sequence number.
  ReassemblyBudget budget;
  StreamReassembler r(1 << 20, &budget);
  class CountingOutput final : public StreamReassembler::Output {
   public:
    void data(std::span<const uint8_t> bytes, const SegmentInfo&) override { delivered += bytes.size(); }
    void gap(uint64_t n, const SegmentInfo&) override { gaps.push_back(n); }
    void fin(const SegmentInfo&) override {}
    uint64_t delivered = 0;
    std::vector<uint64_t> gaps;
  } out;
  const std::vector<uint8_t> chunk(65536, 'x');
  const uint32_t isn = 0x80000000u;
  uint32_t seq = isn;
  TcpSegment seg = segment(seq - 1, {}, tcp_flags::syn);
  r.on_segment(seg, out);
  seg.flags = tcp_flags::ack;
  seg.payload = chunk;
  for (int i = 0; i < 65536 + 1; ++i) {
    seg.seq = seq;
    r.on_segment(seg, out);
    seq += 65536;
  }
  const uint64_t expected = (uint64_t{1} << 32) + 65536;
  EXPECT_EQ(out.delivered, expected);
  // Out of order across the offset 2^32 + 128 KiB: the later chunk first.
  seg.seq = seq + 65536;
  r.on_segment(seg, out);
  seg.seq = seq;
  r.on_segment(seg, out);
  EXPECT_EQ(out.delivered, expected + 2 * 65536);
  r.on_peer_ack(seq + 3 * 65536, {}, out);
  EXPECT_EQ(out.gaps, (std::vector<uint64_t>{65536}));
  EXPECT_EQ(r.stats().delivered_bytes, expected + 2 * 65536);
}

TEST(StreamReassembler, MidStreamPickupStartsAtTheFirstDataAndNeverReportsEarlierBytes) {
  ReassemblyBudget budget;
  StreamReassembler r(1 << 20, &budget);
  RecordingOutput out;
  r.on_peer_ack(77777, {}, out);     // before this direction started: means nothing
  r.on_segment(segment(5000), out);  // a pure ACK does not start the stream
  EXPECT_FALSE(r.started());
  r.on_segment(segment(5000, "first"), out);
  EXPECT_TRUE(r.started());
  r.on_segment(segment(4990, "0123456789"), out);   // entirely before the pickup point
  r.on_segment(segment(4995, "01234first!"), out);  // straddles it
  r.on_peer_ack(5000, {}, out);
  EXPECT_EQ(out.events, (Events{"data:first", "data:!"}));
  EXPECT_EQ(r.stats().gaps, 0u);
  EXPECT_EQ(r.stats().retransmitted_bytes, 10u + 10u);
}

TEST(StreamReassembler, PeerAckOfUnseenBytesReportsAGapAndDeliversWhatFollows) {
  Fixture f;
  f.syn();
  f.data(0, "AAAAA");
  f.data(10, "CCCCC");
  f.peer_ack(5);  // acknowledges only what we have
  EXPECT_EQ(f.out.events, (Events{"data:AAAAA"}));
  f.peer_ack(20);  // [5,10) and [15,20) were received by the peer but not captured
  EXPECT_EQ(f.out.events, (Events{"data:AAAAA", "gap:5", "data:CCCCC", "gap:5"}));
  EXPECT_EQ(f.stats().gaps, 2u);
  EXPECT_EQ(f.stats().gap_bytes, 10u);
  // The missing bytes arriving late are retransmissions now.
  f.data(5, "BBBBB");
  EXPECT_EQ(f.out.events.size(), 4u);
  f.data(20, "D");
  EXPECT_EQ(f.out.events.back(), "data:D");
  EXPECT_EQ(f.budget.used_bytes, 0u);
}

TEST(StreamReassembler, AcksOfSynAndFinAreNotGaps) {
  Fixture f;
  f.syn();
  f.peer_ack(0);  // the SYN+ACK acknowledges the SYN: ack = isn
  EXPECT_TRUE(f.out.events.empty());
  f.data(0, "abc", tcp_flags::fin);
  f.peer_ack(4);  // acknowledges the FIN's sequence slot
  EXPECT_EQ(f.out.events, (Events{"data:abc", "fin"}));
  EXPECT_EQ(f.stats().gaps, 0u);
  EXPECT_TRUE(f.stats().fin_seen);
}

TEST(StreamReassembler, AckOfAnUncapturedFinIsNotAGapButALostByteBeforeDataIs) {
  // tls12-chacha20poly1305.pcap: the capture misses the server's FIN; the client's last
  // segment acknowledges it, one past the server's last byte.
  Fixture f;
  f.syn();
  f.data(0, "abc");
  f.peer_ack(4);
  EXPECT_EQ(f.out.events, (Events{"data:abc"}));
  f.flush();
  EXPECT_EQ(f.out.events, (Events{"data:abc"}));
  EXPECT_EQ(f.stats().gaps, 0u);

  // Data after the unacknowledged byte shows it was data: the next ACK reports it.
  Fixture g;
  g.syn();
  g.data(0, "abc");
  g.peer_ack(4);
  g.data(4, "efg");
  g.peer_ack(7);
  EXPECT_EQ(g.out.events, (Events{"data:abc", "gap:1", "data:efg"}));
}

TEST(StreamReassembler, AbsurdAckJumpIsIgnored) {
  Fixture f;
  f.syn();
  f.data(0, "abc");
  f.peer_ack(0x7FFFFFF0u);
  EXPECT_EQ(f.out.events, (Events{"data:abc"}));
}

TEST(StreamReassembler, DirectionCapForcesAGapBeforeTheOldestBufferedSegment) {
  Fixture f(/*max_buffered=*/10);
  f.syn();
  f.data(5, "fffff");
  EXPECT_TRUE(f.out.events.empty());
  f.data(20, "uuuuuu");  // 5 + 6 > 10: give up on [0,5)
  EXPECT_EQ(f.out.events, (Events{"gap:5", "data:fffff"}));
  EXPECT_EQ(f.reassembler->buffered_bytes(), 6u);
  EXPECT_EQ(f.budget.forced_gaps, 1u);
  f.flush();
  EXPECT_EQ(f.out.events, (Events{"gap:5", "data:fffff", "gap:10", "data:uuuuuu"}));
  EXPECT_EQ(f.budget.used_bytes, 0u);
}

TEST(StreamReassembler, SegmentLargerThanTheCapIsDeliveredAfterAGap) {
  Fixture f(/*max_buffered=*/4);
  f.syn();
  f.data(10, "0123456789");
  EXPECT_EQ(f.out.events, (Events{"gap:10", "data:0123456789"}));
  EXPECT_EQ(f.reassembler->buffered_bytes(), 0u);
  EXPECT_EQ(f.budget.forced_gaps, 1u);
  EXPECT_EQ(f.stats().gap_bytes, 10u);
}

TEST(StreamReassembler, TotalBudgetForcesProgressInTheDirectionThatNeedsRoom) {
  ReassemblyBudget budget;
  budget.max_total_bytes = 8;
  budget.held_segment_overhead = 0;
  StreamReassembler a(1 << 20, &budget);
  StreamReassembler b(1 << 20, &budget);
  RecordingOutput out_a;
  RecordingOutput out_b;
  a.on_segment(segment(99, {}, tcp_flags::syn), out_a);
  b.on_segment(segment(199, {}, tcp_flags::syn), out_b);
  a.on_segment(segment(100 + 4, "aaaaaa"), out_a);
  EXPECT_EQ(budget.used_bytes, 6u);
  b.on_segment(segment(200 + 3, "bbbb"), out_b);  // 6 + 4 > 8, and b holds nothing to free
  EXPECT_EQ(out_b.events, (Events{"gap:3", "data:bbbb"}));
  EXPECT_TRUE(out_a.events.empty());
  EXPECT_EQ(budget.used_bytes, 6u);
  EXPECT_EQ(budget.forced_gaps, 1u);
  b.on_segment(segment(200 + 9, "cc"), out_b);  // fits: 6 + 2 <= 8
  EXPECT_EQ(budget.used_bytes, 8u);
  EXPECT_EQ(out_b.events.size(), 2u);
}

TEST(StreamReassembler, ForcedGapBytesAreCounted) {
  Fixture f(/*max_buffered=*/10);
  f.syn();
  f.data(5, "fffff");
  f.data(20, "uuuuuu");  // gives up [0,5)
  EXPECT_EQ(f.budget.forced_gaps, 1u);
  EXPECT_EQ(f.budget.forced_gap_bytes, 5u);
  f.flush();  // the hole [10,20) is reported by the flush, not forced
  EXPECT_EQ(f.stats().gap_bytes, 15u);
  EXPECT_EQ(f.budget.forced_gap_bytes, 5u);
}

TEST(StreamReassembler, EachHeldPieceIsChargedItsOverhead) {
  ReassemblyBudget budget;
  budget.held_segment_overhead = 100;
  budget.max_total_bytes = 1 << 20;
  StreamReassembler r(3 * (1 + 100), &budget);  // room for three one-byte pieces
  RecordingOutput out;
  r.on_segment(segment(999, {}, tcp_flags::syn), out);
  for (uint32_t i = 0; i < 3; ++i) r.on_segment(segment(1002 + 2 * i, "x"), out);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(r.buffered_bytes(), 303u);
  EXPECT_EQ(budget.used_bytes, 303u);
  // Filling a hole between two held pieces would add a piece: no room, so the oldest hole goes.
  r.on_segment(segment(1003, "y"), out);  // [3,4): a piece of its own: 404 > 303, give up [0,2)
  EXPECT_EQ(budget.forced_gaps, 1u);
  EXPECT_EQ(budget.forced_gap_bytes, 2u);
  EXPECT_EQ(out.events, (Events{"gap:2", "data:x", "data:y", "data:x"}));
  EXPECT_EQ(r.buffered_bytes(), 101u);  // the third piece
  // A retransmission of held bytes costs nothing more.
  r.on_segment(segment(1006, "x"), out);
  EXPECT_EQ(r.buffered_bytes(), 101u);
  r.flush({}, out);
  EXPECT_EQ(r.buffered_bytes(), 0u);
  EXPECT_EQ(budget.used_bytes, 0u);
}

TEST(StreamReassembler, WithoutABudgetPiecesCostTheDefaultOverhead) {
  StreamReassembler r(1 << 20, nullptr);
  RecordingOutput out;
  r.on_segment(segment(999, {}, tcp_flags::syn), out);
  r.on_segment(segment(1005, "abc"), out);
  EXPECT_EQ(r.buffered_bytes(), 3u + kHeldSegmentOverhead);
}

TEST(StreamReassembler, FlushTurnsEveryHoleIntoAGapAndDeliversTheFin) {
  Fixture f;
  f.syn();
  f.data(0, "ab");
  f.data(4, "ef");
  f.data(8, "ij");
  f.data(12, "", tcp_flags::fin);
  EXPECT_EQ(f.out.events, (Events{"data:ab"}));
  f.flush();
  EXPECT_EQ(f.out.events, (Events{"data:ab", "gap:2", "data:ef", "gap:2", "data:ij", "gap:2", "fin"}));
  EXPECT_EQ(f.budget.used_bytes, 0u);
  EXPECT_EQ(f.reassembler->buffered_bytes(), 0u);
  f.flush();  // nothing left: flushing again reports nothing
  EXPECT_EQ(f.out.events.size(), 7u);
}

TEST(StreamReassembler, FinComesOnlyAfterTheDataBeforeIt) {
  Fixture f;
  f.syn();
  f.data(2, "cd", tcp_flags::fin);  // data with FIN, out of order
  EXPECT_TRUE(f.out.events.empty());
  f.data(0, "ab");
  EXPECT_EQ(f.out.events, (Events{"data:ab", "data:cd", "fin"}));
  f.data(2, "cd", tcp_flags::fin);  // retransmitted FIN: reported once
  EXPECT_EQ(f.out.events.size(), 3u);
  EXPECT_TRUE(f.reassembler->fin_delivered());
}

TEST(StreamReassembler, BareFinBeforeMissingDataWaitsForItsData) {
  Fixture f;
  f.syn();
  f.data(4, "", tcp_flags::fin);
  f.data(2, "cd");
  EXPECT_TRUE(f.out.events.empty());
  f.data(0, "ab");
  EXPECT_EQ(f.out.events, (Events{"data:ab", "data:cd", "fin"}));
}

TEST(StreamReassembler, BytesClaimedBeyondTheFinAreDropped) {
  Fixture f;
  f.syn();
  f.data(6, "zz");  // buffered, but beyond the FIN that follows
  f.data(2, "cd", tcp_flags::fin);
  EXPECT_EQ(f.reassembler->buffered_bytes(), 2u);
  f.data(0, "abXYZ");  // claims bytes past the FIN
  EXPECT_EQ(f.out.events, (Events{"data:ab", "data:cd", "fin"}));
  EXPECT_EQ(f.budget.used_bytes, 0u);
}

TEST(StreamReassembler, FinClaimingAPositionAlreadyDeliveredPastIsIgnored) {
  Fixture f;
  f.syn();
  f.data(0, "abcdef");
  f.data(3, "", tcp_flags::fin);  // contradicts the bytes [3,6) we already delivered
  f.data(6, "gh", tcp_flags::fin);
  EXPECT_EQ(f.out.events, (Events{"data:abcdef", "data:gh", "fin"}));
}

TEST(StreamReassembler, PeerAckCompletesAFinWhoseDataWasNotCaptured) {
  Fixture f;
  f.syn();
  f.data(0, "ab");
  f.data(5, "", tcp_flags::fin);
  f.peer_ack(6);  // the peer acknowledges everything, FIN included
  EXPECT_EQ(f.out.events, (Events{"data:ab", "gap:3", "fin"}));
}

TEST(StreamReassembler, SnaplenCutInOrderSegmentBecomesDataThenGap) {
  Fixture f;
  f.syn();
  f.data(0, "abc", 0, /*missing=*/5);
  f.data(8, "ijk");
  EXPECT_EQ(f.out.events, (Events{"data:abc", "gap:5", "data:ijk"}));
  EXPECT_EQ(f.stats().snaplen_missing_bytes, 5u);
  EXPECT_EQ(f.stats().gap_bytes, 5u);
  EXPECT_EQ(f.stats().payload_bytes, 11u);
}

TEST(StreamReassembler, SnaplenCutOutOfOrderSegmentLeavesAHoleFilledAsAGapOnDelivery) {
  Fixture f;
  f.syn();
  f.data(10, "klm", 0, /*missing=*/4);  // [13,17) cut by the snap length
  f.data(17, "rst");
  f.data(0, "abcdefghij");
  EXPECT_EQ(f.out.events, (Events{"data:abcdefghij", "data:klm", "gap:4", "data:rst"}));
  EXPECT_EQ(f.stats().snaplen_missing_bytes, 4u);
  EXPECT_EQ(f.budget.used_bytes, 0u);
}

TEST(StreamReassembler, CapturedBytesInsideASnaplenHoleAreDeliveredNotGapped) {
  Fixture f;
  f.syn();
  f.data(15, "PQ");                       // a later, complete copy of part of the cut bytes
  f.data(0, "abcde", 0, /*missing=*/15);  // [5,20) cut
  EXPECT_EQ(f.out.events, (Events{"data:abcde", "gap:10", "data:PQ", "gap:3"}));
  EXPECT_EQ(f.stats().snaplen_missing_bytes, 13u);
}

TEST(StreamReassembler, BudgetReturnsToZeroAfterFlushAndOnDestruction) {
  ReassemblyBudget budget;
  {
    StreamReassembler r(1 << 20, &budget);
    RecordingOutput out;
    r.on_segment(segment(0, {}, tcp_flags::syn), out);
    for (uint32_t offset : {40u, 10u, 30u, 50u, 20u}) r.on_segment(segment(1 + offset, "0123456789"), out);
    EXPECT_EQ(budget.used_bytes, 5 * (10 + kHeldSegmentOverhead));  // five pieces, each with its overhead
    r.flush({}, out);
    EXPECT_EQ(budget.used_bytes, 0u);
    EXPECT_EQ(out.events, (Events{"gap:10", "data:0123456789", "data:0123456789", "data:0123456789", "data:0123456789",
                                  "data:0123456789"}));
    r.on_segment(segment(1 + 80, "x"), out);
    EXPECT_EQ(budget.used_bytes, 1 + kHeldSegmentOverhead);
  }
  EXPECT_EQ(budget.used_bytes, 0u);  // the destructor hands back what was still held
}

TEST(StreamReassembler, DeliveriesCarryTheSegmentThatMadeThemDeliverable) {
  Fixture f;
  f.syn();
  TcpSegment later = segment(kIsn + 3, "def");
  TcpSegment first = segment(kIsn, "abc");
  f.reassembler->on_segment(later, f.out);
  f.reassembler->on_segment(first, f.out);
  EXPECT_EQ(f.out.packets, (std::vector<uint64_t>{first.packet_number, first.packet_number}));
}

TEST(StreamReassembler, RstIsCountedButDeliversNothing) {
  Fixture f;
  f.syn();
  f.reassembler->on_rst(segment(kIsn, "ignored", tcp_flags::rst));
  EXPECT_TRUE(f.stats().rst_seen);
  EXPECT_EQ(f.stats().segments, 2u);
  EXPECT_TRUE(f.out.events.empty());
}

// Checks each delivery against the original stream at the position it claims.
class PositionCheckingOutput final : public StreamReassembler::Output {
 public:
  explicit PositionCheckingOutput(const std::string& original) : original_(original) {}
  void data(std::span<const uint8_t> bytes, const SegmentInfo&) override {
    EXPECT_FALSE(fin_seen);
    if (original_.compare(position, bytes.size(), std::string(bytes.begin(), bytes.end())) != 0) ++mismatches;
    position += bytes.size();
  }
  void gap(uint64_t n, const SegmentInfo&) override {
    EXPECT_FALSE(fin_seen);
    position += n;
    gap_bytes += n;
  }
  void fin(const SegmentInfo&) override {
    EXPECT_FALSE(fin_seen);
    fin_seen = true;
  }

  size_t position = 0;
  uint64_t gap_bytes = 0;
  int mismatches = 0;
  bool fin_seen = false;

 private:
  const std::string& original_;
};

// Seeded random schedules: segments of random sizes, reordered within a window, some
// retransmitted with different boundaries, some lost (then covered by the peer's ACK), with
// ISNs near the wrap, and (every fourth seed) a buffer cap small enough to force gaps.
// Every byte delivered must sit at its place in the original stream.
TEST(StreamReassembler, RandomReorderingRetransmissionAndLossKeepEveryByteInPlace) {
  uint64_t forced_gaps = 0;
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    const bool lossy = seed % 2 == 0;
    const size_t max_buffered = seed % 4 == 1 ? 3000 : 1 << 20;
    std::string original(20000 + rng() % 5000, '\0');
    for (char& c : original) c = static_cast<char>('a' + rng() % 26);
    const uint32_t syn_seq = seed % 3 == 0 ? 0xFFFFFFFFu - rng() % 30000 : static_cast<uint32_t>(rng());

    struct Piece {
      size_t offset;
      size_t length;
      bool fin;
    };
    std::vector<Piece> schedule;
    for (size_t offset = 0; offset < original.size();) {
      const size_t length = std::min<size_t>(1 + rng() % 1460, original.size() - offset);
      const bool last = offset + length == original.size();
      if (!(lossy && !last && rng() % 20 == 0)) schedule.push_back({offset, length, last});
      if (rng() % 8 == 0) {  // a retransmission covering a different range around it
        const size_t start = offset - std::min<size_t>(offset, rng() % 700);
        const size_t end = std::min(original.size(), offset + length + rng() % 700);
        schedule.push_back({start, end - start, end == original.size()});
      }
      offset += length;
    }
    for (size_t i = 0; i < schedule.size(); ++i)
      std::swap(schedule[i], schedule[std::min(schedule.size() - 1, i + rng() % 6)]);

    ReassemblyBudget budget;
    StreamReassembler r(max_buffered, &budget);
    PositionCheckingOutput out(original);
    r.on_segment(segment(syn_seq, {}, tcp_flags::syn), out);
    for (const Piece& piece : schedule) {
      const std::string_view bytes = std::string_view(original).substr(piece.offset, piece.length);
      r.on_segment(segment(syn_seq + 1 + static_cast<uint32_t>(piece.offset), bytes,
                           tcp_flags::ack | (piece.fin ? tcp_flags::fin : 0)),
                   out);
    }
    // The peer acknowledged everything, FIN included.
    r.on_peer_ack(syn_seq + 2 + static_cast<uint32_t>(original.size()), {}, out);
    r.flush({}, out);

    EXPECT_EQ(out.mismatches, 0) << "seed " << seed;
    EXPECT_EQ(out.position, original.size()) << "seed " << seed;
    EXPECT_TRUE(out.fin_seen) << "seed " << seed;
    EXPECT_EQ(r.stats().delivered_bytes + r.stats().gap_bytes, original.size()) << "seed " << seed;
    EXPECT_EQ(r.stats().overlap_conflicts, 0u) << "seed " << seed;
    if (!lossy && max_buffered > original.size()) {
      EXPECT_EQ(out.gap_bytes, 0u) << "seed " << seed;
    }
    forced_gaps += budget.forced_gaps;
    EXPECT_EQ(budget.used_bytes, 0u) << "seed " << seed;
  }
  EXPECT_GT(forced_gaps, 0u);  // the small cap was really exercised
}

}  // namespace
}  // namespace tlslens
