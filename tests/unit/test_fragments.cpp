// IP fragment reassembly: through PacketDecoder with frames from packet_builder, and the
// FragmentReassembler's own bookkeeping.
#include "core/net/fragment_reassembler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/net/link_layer.h"
#include "core/net/packet_decoder.h"
#include "support/packet_builder.h"

namespace tlslens {
namespace {

using test::build_ip_fragment;
using test::build_ip_packet;
using test::fragment_ip_packet;
using test::fragmentable_part;
using test::IpSpec;
using test::make_packet;
using test::TcpPacketSpec;

constexpr int64_t kSecond = 1'000'000'000;

TcpPacketSpec big_segment(const std::string& src, const std::string& dst, size_t payload_size = 3000) {
  TcpPacketSpec spec;
  spec.src = src;
  spec.dst = dst;
  spec.src_port = 443;
  spec.dst_port = 40000;
  spec.seq = 7777;
  spec.ack = 8888;
  spec.flags = tcp_flags::ack | tcp_flags::psh;
  spec.payload.resize(payload_size);
  for (size_t i = 0; i < payload_size; ++i) spec.payload[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return spec;
}

TcpPacketSpec v4_segment(size_t payload_size = 3000) {
  return big_segment("10.1.1.1", "10.2.2.2", payload_size);
}
TcpPacketSpec v6_segment(size_t payload_size = 3000) {
  return big_segment("2001:db8::a", "2001:db8::b", payload_size);
}

// Feeds raw IP frames to one decoder, remembering the last result and a copy of the payload.
class FragmentFeeder {
 public:
  explicit FragmentFeeder(FragmentLimits limits = {}) : decoder(limits) {}

  DecodeResult feed(const std::vector<uint8_t>& frame, int64_t ts_ns = 0) {
    Packet packet = make_packet(link_type::raw, frame, {.ts = Timestamp{ts_ns}, .number = ++number});
    DecodeResult result = decoder.decode(packet, segment);
    payload.assign(segment.payload.begin(), segment.payload.end());
    return result;
  }

  PacketDecoder decoder;
  TcpSegment segment;
  std::vector<uint8_t> payload;
  uint64_t number = 0;
};

void expect_reassembled(const FragmentFeeder& feeder, const DecodeResult& result, const TcpPacketSpec& spec) {
  ASSERT_EQ(result.status, DecodeStatus::tcp) << result.reason;
  EXPECT_EQ(feeder.payload, spec.payload);
  EXPECT_EQ(feeder.segment.seq, spec.seq);
  EXPECT_EQ(feeder.segment.ack, spec.ack);
  EXPECT_EQ(feeder.segment.src.port, spec.src_port);
  EXPECT_EQ(feeder.segment.dst.port, spec.dst_port);
  EXPECT_EQ(feeder.segment.src.addr, IpAddress::parse(spec.src));
  EXPECT_EQ(feeder.segment.missing_payload, 0u);
}

// Feeds all but the last fragment (each must be held), then the last, and returns its result.
DecodeResult feed_all(FragmentFeeder& feeder, const std::vector<std::vector<uint8_t>>& fragments) {
  for (size_t i = 0; i + 1 < fragments.size(); ++i) {
    DecodeResult held = feeder.feed(fragments[i]);
    EXPECT_EQ(held.status, DecodeStatus::fragment_held) << "fragment " << i << ": " << held.reason;
  }
  return feeder.feed(fragments.back());
}

std::vector<uint8_t> slice(const std::vector<uint8_t>& bytes, size_t offset, size_t length) {
  return std::vector<uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                              bytes.begin() + static_cast<std::ptrdiff_t>(offset + length));
}

// ---- IPv4 through the decoder ---------------------------------------------------------------

TEST(FragmentTest, Ipv4InOrder) {
  TcpPacketSpec spec = v4_segment();
  auto fragments = fragment_ip_packet(build_ip_packet(spec), 1480);
  ASSERT_EQ(fragments.size(), 3u);
  FragmentFeeder feeder;
  expect_reassembled(feeder, feed_all(feeder, fragments), spec);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);
  EXPECT_EQ(feeder.decoder.stats().fragments, 3u);
  EXPECT_EQ(feeder.decoder.stats().reassembled, 1u);
  EXPECT_EQ(feeder.decoder.stats().tcp, 1u);
  EXPECT_EQ(feeder.decoder.stats().fragment_overlaps, 0u);
}

TEST(FragmentTest, Ipv4OutOfOrderInEveryPermutation) {
  TcpPacketSpec spec = v4_segment(1000);
  auto fragments = fragment_ip_packet(build_ip_packet(spec, {.ipv4_options = {0x94, 4, 0, 0}}), 256);
  ASSERT_EQ(fragments.size(), 4u);
  std::vector<size_t> order = {0, 1, 2, 3};
  do {
    std::vector<std::vector<uint8_t>> shuffled;
    for (size_t i : order) shuffled.push_back(fragments[i]);
    FragmentFeeder feeder;
    expect_reassembled(feeder, feed_all(feeder, shuffled), spec);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(FragmentTest, TinyFragmentsSplittingTheTcpHeader) {
  TcpPacketSpec spec = v4_segment(50);
  spec.tcp_options = {2, 4, 5, 0xb4};
  auto fragments = fragment_ip_packet(build_ip_packet(spec), 8);
  ASSERT_GT(fragments.size(), 3u);
  std::reverse(fragments.begin(), fragments.end());
  FragmentFeeder feeder;
  expect_reassembled(feeder, feed_all(feeder, fragments), spec);
}

TEST(FragmentTest, OverlapKeepsTheFirstCopy) {
  TcpPacketSpec spec = v4_segment(200);
  std::vector<uint8_t> packet = build_ip_packet(spec);
  std::vector<uint8_t> part = fragmentable_part(packet);  // TCP header + payload
  std::vector<uint8_t> tampered = part;
  for (size_t i = 96; i < 128; ++i) tampered[i] = 'X';

  auto a = build_ip_fragment(packet, 0, slice(part, 0, 128), true);                      // genuine [0, 128)
  auto b = build_ip_fragment(packet, 96, slice(tampered, 96, part.size() - 96), false);  // tampered [96, end)

  FragmentFeeder genuine_first;
  EXPECT_EQ(genuine_first.feed(a).status, DecodeStatus::fragment_held);
  expect_reassembled(genuine_first, genuine_first.feed(b), spec);
  EXPECT_EQ(genuine_first.decoder.stats().fragment_overlaps, 1u);

  FragmentFeeder tampered_first;
  EXPECT_EQ(tampered_first.feed(b).status, DecodeStatus::fragment_held);
  DecodeResult result = tampered_first.feed(a);
  ASSERT_EQ(result.status, DecodeStatus::tcp) << result.reason;
  TcpPacketSpec expected = spec;
  for (size_t i = 96; i < 128; ++i) expected.payload[i - 20] = 'X';
  EXPECT_EQ(tampered_first.payload, expected.payload);
  EXPECT_EQ(tampered_first.decoder.stats().fragment_overlaps, 1u);
}

TEST(FragmentTest, FragmentCoveringSeveralHeldOnesFillsOnlyTheGaps) {
  TcpPacketSpec spec = v4_segment(300);
  std::vector<uint8_t> packet = build_ip_packet(spec);
  std::vector<uint8_t> part = fragmentable_part(packet);
  FragmentFeeder feeder;
  EXPECT_EQ(feeder.feed(build_ip_fragment(packet, 16, slice(part, 16, 16), true)).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(build_ip_fragment(packet, 64, slice(part, 64, 32), true)).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(build_ip_fragment(packet, 200, slice(part, 200, part.size() - 200), false)).status,
            DecodeStatus::fragment_held);
  // One fragment spanning everything before 200 completes the datagram.
  expect_reassembled(feeder, feeder.feed(build_ip_fragment(packet, 0, slice(part, 0, 200), true)), spec);
  EXPECT_EQ(feeder.decoder.stats().fragment_overlaps, 1u);
}

TEST(FragmentTest, DuplicateFragmentCountsAsOverlapAndCompletesOnce) {
  TcpPacketSpec spec = v4_segment();
  auto fragments = fragment_ip_packet(build_ip_packet(spec), 1480);
  FragmentFeeder feeder;
  EXPECT_EQ(feeder.feed(fragments[0]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(fragments[0]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(fragments[1]).status, DecodeStatus::fragment_held);
  expect_reassembled(feeder, feeder.feed(fragments[2]), spec);
  EXPECT_EQ(feeder.decoder.stats().fragment_overlaps, 1u);
  EXPECT_EQ(feeder.decoder.stats().reassembled, 1u);

  // A straggler after completion starts a new datagram, which never completes.
  EXPECT_EQ(feeder.feed(fragments[1]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 1u);
}

TEST(FragmentTest, MissingLastFragmentExpiresByCaptureTime) {
  FragmentLimits limits;
  limits.timeout_ns = 30 * kSecond;
  FragmentFeeder feeder(limits);
  auto fragments = fragment_ip_packet(build_ip_packet(v4_segment()), 1480);
  EXPECT_EQ(feeder.feed(fragments[0], 100 * kSecond).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(fragments[1], 101 * kSecond).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 1u);

  std::vector<uint8_t> unrelated = build_ip_packet(v4_segment(10));
  EXPECT_EQ(feeder.feed(unrelated, 129 * kSecond).status, DecodeStatus::tcp);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 1u);
  EXPECT_EQ(feeder.decoder.stats().fragments_expired, 0u);

  EXPECT_EQ(feeder.feed(unrelated, 130 * kSecond).status, DecodeStatus::tcp);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);
  EXPECT_EQ(feeder.decoder.stats().fragments_expired, 1u);

  // The late last fragment alone cannot complete anything.
  EXPECT_EQ(feeder.feed(fragments[2], 131 * kSecond).status, DecodeStatus::fragment_held);
}

TEST(FragmentTest, DatagramCapEvictsTheOldest) {
  FragmentLimits limits;
  limits.max_datagrams = 2;
  FragmentFeeder feeder(limits);
  TcpPacketSpec spec = v4_segment();
  std::vector<uint8_t> packet = build_ip_packet(spec);
  std::vector<std::vector<std::vector<uint8_t>>> datagrams;
  for (uint32_t id : {1u, 2u, 3u}) datagrams.push_back(fragment_ip_packet(packet, 1480, id));

  for (const auto& fragments : datagrams) EXPECT_EQ(feeder.feed(fragments[0]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 2u);
  EXPECT_EQ(feeder.decoder.stats().fragments_evicted, 1u);
  EXPECT_EQ(feeder.decoder.stats().fragments_pending, 2u);  // what the end of a capture drops

  // id 1 was evicted: its remaining fragments start over and do not complete it.
  EXPECT_EQ(feeder.feed(datagrams[0][1]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(datagrams[0][2]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.decoder.stats().fragments_evicted, 2u);  // making room for id 1 pushed out id 2

  EXPECT_EQ(feeder.feed(datagrams[2][1]).status, DecodeStatus::fragment_held);
  expect_reassembled(feeder, feeder.feed(datagrams[2][2]), spec);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 1u);  // what is left of id 1
}

TEST(FragmentTest, ByteCapEvictsTheOldest) {
  FragmentLimits limits;
  limits.max_bytes = 4000;
  FragmentFeeder feeder(limits);
  TcpPacketSpec spec = v4_segment();
  std::vector<uint8_t> packet = build_ip_packet(spec);
  auto first = fragment_ip_packet(packet, 1480, 1);
  auto second = fragment_ip_packet(packet, 1480, 2);
  EXPECT_EQ(feeder.feed(first[2]).status, DecodeStatus::fragment_held);  // holds ~3000 bytes of buffer
  EXPECT_EQ(feeder.feed(second[2]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.decoder.stats().fragments_evicted, 1u);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 1u);
  EXPECT_EQ(feeder.feed(second[0]).status, DecodeStatus::fragment_held);
  expect_reassembled(feeder, feeder.feed(second[1]), spec);
}

TEST(FragmentTest, DatagramLargerThanTheByteCapIsDropped) {
  FragmentLimits limits;
  limits.max_bytes = 1000;
  FragmentFeeder feeder(limits);
  auto fragments = fragment_ip_packet(build_ip_packet(v4_segment()), 1480);
  DecodeResult result = feeder.feed(fragments[2]);
  EXPECT_EQ(result.status, DecodeStatus::fragment_held);
  EXPECT_NE(std::string(result.reason), "");
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);
  EXPECT_EQ(feeder.decoder.stats().fragments_evicted, 1u);
}

TEST(FragmentTest, FragmentBombBeyond65535IsMalformed) {
  for (const TcpPacketSpec& spec : {v4_segment(100), v6_segment(100)}) {
    std::vector<uint8_t> packet = build_ip_packet(spec);
    FragmentFeeder feeder;
    std::vector<uint8_t> filler(100, 0xee);
    DecodeResult result = feeder.feed(build_ip_fragment(packet, 65528, filler, false));
    EXPECT_EQ(result.status, DecodeStatus::malformed) << spec.src;
    EXPECT_NE(std::string(result.reason).find("65535"), std::string::npos) << result.reason;
    EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);
    // Just inside the limit is fine (held). IPv4 counts its header in the 65535 bytes.
    bool v4 = spec.src.find(':') == std::string::npos;
    uint32_t last_offset = v4 ? 65512 : 65528;
    std::vector<uint8_t> fits(65535 - (v4 ? 20 : 0) - last_offset, 0xee);
    EXPECT_EQ(feeder.feed(build_ip_fragment(packet, last_offset, fits, false)).status, DecodeStatus::fragment_held);
  }
}

TEST(FragmentTest, FragmentsDisagreeingOnTheEndAreMalformed) {
  TcpPacketSpec spec = v4_segment(500);
  std::vector<uint8_t> packet = build_ip_packet(spec);
  std::vector<uint8_t> part = fragmentable_part(packet);
  FragmentFeeder feeder;
  EXPECT_EQ(feeder.feed(build_ip_fragment(packet, 256, slice(part, 256, part.size() - 256), false)).status,
            DecodeStatus::fragment_held);
  DecodeResult result = feeder.feed(build_ip_fragment(packet, 256, slice(part, 256, 64), false));
  EXPECT_EQ(result.status, DecodeStatus::malformed);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);

  EXPECT_EQ(feeder.feed(build_ip_fragment(packet, 64, slice(part, 64, 64), false)).status, DecodeStatus::fragment_held);
  result = feeder.feed(build_ip_fragment(packet, 128, slice(part, 128, 64), true));  // past the known end
  EXPECT_EQ(result.status, DecodeStatus::malformed);
}

TEST(FragmentTest, KeysSeparateSourcesAndProtocols) {
  TcpPacketSpec a = v4_segment(2000);
  TcpPacketSpec b = big_segment("10.9.9.9", "10.2.2.2", 2000);
  auto fa = fragment_ip_packet(build_ip_packet(a), 1024, 5);
  auto fb = fragment_ip_packet(build_ip_packet(b), 1024, 5);  // same id, other source
  FragmentFeeder feeder;
  EXPECT_EQ(feeder.feed(fa[0]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(fb[0]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 2u);
  expect_reassembled(feeder, feeder.feed(fb[1]), b);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 1u);
}

TEST(FragmentTest, NonTcpFragmentsAreNotHeld) {
  std::vector<uint8_t> udp(3000, 0x42);
  std::vector<uint8_t> packet = test::build_ip_datagram("10.0.0.1", "10.0.0.2", 17, udp);
  FragmentFeeder feeder;
  for (const auto& fragment : fragment_ip_packet(packet, 1480)) {
    DecodeResult result = feeder.feed(fragment);
    EXPECT_EQ(result.status, DecodeStatus::not_tcp);
    EXPECT_STREQ(result.reason, "UDP");
  }
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);
  EXPECT_EQ(feeder.decoder.stats().fragments, 3u);
}

TEST(FragmentTest, FragmentCutBySnaplenIsMalformed) {
  auto fragments = fragment_ip_packet(build_ip_packet(v4_segment()), 1480);
  FragmentFeeder feeder;
  Packet packet = make_packet(link_type::raw, fragments[0], {.snaplen = 200});
  TcpSegment segment;
  DecodeResult result = feeder.decoder.decode(packet, segment);
  EXPECT_EQ(result.status, DecodeStatus::malformed);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);
}

TEST(FragmentTest, ReassembledPayloadOutlivesUnrelatedHeldFragmentsUntilNextDecode) {
  TcpPacketSpec spec = v4_segment();
  auto fragments = fragment_ip_packet(build_ip_packet(spec), 1480);
  PacketDecoder decoder;
  TcpSegment segment;
  for (size_t i = 0; i < fragments.size(); ++i) decoder.decode(make_packet(link_type::raw, fragments[i]), segment);
  fragments.clear();  // the frames are gone; the payload lives in the decoder's buffer
  ASSERT_EQ(segment.payload.size(), spec.payload.size());
  EXPECT_TRUE(std::equal(segment.payload.begin(), segment.payload.end(), spec.payload.begin()));
}

// ---- IPv6 through the decoder ---------------------------------------------------------------

TEST(FragmentTest, Ipv6InOrderAndShuffled) {
  TcpPacketSpec spec = v6_segment();
  auto fragments = fragment_ip_packet(build_ip_packet(spec), 1232, 0xdeadbeef);
  ASSERT_EQ(fragments.size(), 3u);
  FragmentFeeder in_order;
  expect_reassembled(in_order, feed_all(in_order, fragments), spec);
  EXPECT_EQ(in_order.decoder.stats().fragments, 3u);
  EXPECT_EQ(in_order.decoder.stats().reassembled, 1u);

  std::mt19937 random(42);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(fragments.begin(), fragments.end(), random);
    FragmentFeeder shuffled;
    expect_reassembled(shuffled, feed_all(shuffled, fragments), spec);
  }
}

TEST(FragmentTest, Ipv6WithUnfragmentableAndFragmentableExtensionHeaders) {
  TcpPacketSpec spec = v6_segment();
  IpSpec ip{.ipv6_extensions = {{.type = 0, .body = {5, 2, 0, 0}},                 // hop-by-hop: in every fragment
                                {.type = 43, .body = std::vector<uint8_t>(22)},    // routing: in every fragment
                                {.type = 60, .body = std::vector<uint8_t>(14)}}};  // destination options: fragmented
  std::vector<uint8_t> packet = build_ip_packet(spec, ip);
  auto fragments = fragment_ip_packet(packet, 1000);
  std::reverse(fragments.begin(), fragments.end());
  FragmentFeeder feeder;
  expect_reassembled(feeder, feed_all(feeder, fragments), spec);
}

TEST(FragmentTest, Ipv6AtomicFragmentIsAWholePacket) {
  TcpPacketSpec spec = v6_segment(100);
  std::vector<uint8_t> packet = build_ip_packet(spec);
  std::vector<uint8_t> atomic = build_ip_fragment(packet, 0, fragmentable_part(packet), false);
  FragmentFeeder feeder;
  expect_reassembled(feeder, feeder.feed(atomic), spec);
  EXPECT_EQ(feeder.decoder.stats().fragments, 0u);
  EXPECT_EQ(feeder.decoder.stats().reassembled, 0u);
}

TEST(FragmentTest, Ipv6UdpFragmentsAreNotHeld) {
  std::vector<uint8_t> packet =
      test::build_ip_datagram("2001:db8::1", "2001:db8::2", 17, std::vector<uint8_t>(3000, 1));
  FragmentFeeder feeder;
  for (const auto& fragment : fragment_ip_packet(packet, 1232)) {
    DecodeResult result = feeder.feed(fragment);
    EXPECT_EQ(result.status, DecodeStatus::not_tcp);
    EXPECT_STREQ(result.reason, "UDP");
  }
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 0u);
}

TEST(FragmentTest, Ipv6FragmentOverlapAndDuplicate) {
  TcpPacketSpec spec = v6_segment(600);
  std::vector<uint8_t> packet = build_ip_packet(spec);
  std::vector<uint8_t> part = fragmentable_part(packet);
  FragmentFeeder feeder;
  EXPECT_EQ(feeder.feed(build_ip_fragment(packet, 0, slice(part, 0, 400), true, 9)).status,
            DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(build_ip_fragment(packet, 0, slice(part, 0, 400), true, 9)).status,
            DecodeStatus::fragment_held);
  expect_reassembled(feeder, feeder.feed(build_ip_fragment(packet, 200, slice(part, 200, part.size() - 200), false, 9)),
                     spec);
  EXPECT_EQ(feeder.decoder.stats().fragment_overlaps, 2u);
}

TEST(FragmentTest, Ipv4AndIpv6FragmentsMixedInOneDecoder) {
  TcpPacketSpec v4 = v4_segment();
  TcpPacketSpec v6 = v6_segment();
  auto f4 = fragment_ip_packet(build_ip_packet(v4), 1480, 77);
  auto f6 = fragment_ip_packet(build_ip_packet(v6), 1232, 77);
  FragmentFeeder feeder;
  EXPECT_EQ(feeder.feed(f4[0]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(f6[0]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(f4[1]).status, DecodeStatus::fragment_held);
  EXPECT_EQ(feeder.feed(f6[1]).status, DecodeStatus::fragment_held);
  expect_reassembled(feeder, feeder.feed(f6[2]), v6);
  EXPECT_EQ(feeder.decoder.fragments_in_progress(), 1u);
  expect_reassembled(feeder, feeder.feed(f4[2]), v4);
}

// ---- every truncation point of a fragment -----------------------------------------------

TEST(FragmentTest, EveryTruncationPointOfAFragmentIsSafe) {
  for (const TcpPacketSpec& spec : {v4_segment(300), v6_segment(300)}) {
    auto fragments = fragment_ip_packet(build_ip_packet(spec), 128);
    for (const auto& fragment : fragments) {
      for (size_t length = 0; length < fragment.size(); ++length) {
        std::vector<uint8_t> prefix(fragment.begin(), fragment.begin() + static_cast<std::ptrdiff_t>(length));
        PacketDecoder decoder;
        TcpSegment segment;
        Packet packet = make_packet(link_type::raw, prefix);
        DecodeResult result = decoder.decode(packet, segment);
        EXPECT_NE(result.status, DecodeStatus::tcp);
        packet.wire_length = static_cast<uint32_t>(fragment.size());
        result = decoder.decode(packet, segment);
        EXPECT_NE(result.status, DecodeStatus::tcp);
      }
    }
  }
}

// ---- FragmentReassembler directly -----------------------------------------------------------

FragmentKey key_with_id(uint32_t id) {
  FragmentKey key;
  key.src = IpAddress::parse("10.0.0.1");
  key.dst = IpAddress::parse("10.0.0.2");
  key.id = id;
  key.protocol = 6;
  return key;
}

TEST(FragmentReassemblerTest, NextHeaderComesFromTheFirstFragment) {
  FragmentReassembler reassembler(FragmentLimits{});
  std::vector<uint8_t> first(16, 1), second(8, 2);
  FragmentKey key = key_with_id(1);
  EXPECT_EQ(reassembler.add(key, {.offset = 16, .data = second, .more_fragments = false, .next_header = 99}, {}).status,
            FragmentStatus::held);
  FragmentResult result =
      reassembler.add(key, {.offset = 0, .data = first, .more_fragments = true, .next_header = 60}, {});
  ASSERT_EQ(result.status, FragmentStatus::completed);
  EXPECT_EQ(result.next_header, 60);
  ASSERT_EQ(result.payload.size(), 24u);
  EXPECT_EQ(result.payload[15], 1);
  EXPECT_EQ(result.payload[16], 2);
  EXPECT_EQ(reassembler.bytes_held(), 0u);
  EXPECT_EQ(reassembler.stats().completed, 1u);
}

TEST(FragmentReassemblerTest, BytesHeldFollowTheDatagrams) {
  FragmentReassembler reassembler(FragmentLimits{});
  std::vector<uint8_t> data(64, 7);
  reassembler.add(key_with_id(1), {.offset = 0, .data = data, .more_fragments = true}, {});
  reassembler.add(key_with_id(2), {.offset = 64, .data = data, .more_fragments = true}, {});
  EXPECT_EQ(reassembler.bytes_held(), 64u + 128u);
  EXPECT_EQ(reassembler.datagrams_in_progress(), 2u);
  reassembler.expire(Timestamp{31 * kSecond});
  EXPECT_EQ(reassembler.bytes_held(), 0u);
  EXPECT_EQ(reassembler.stats().expired, 2u);
}

TEST(FragmentReassemblerTest, ExpiryStopsAtTheFirstYoungDatagram) {
  FragmentLimits limits;
  limits.timeout_ns = 10 * kSecond;
  FragmentReassembler reassembler(limits);
  std::vector<uint8_t> data(8, 7);
  for (uint32_t id = 0; id < 100; ++id) {
    reassembler.add(key_with_id(id), {.offset = 0, .data = data, .more_fragments = true}, Timestamp{id * kSecond});
  }
  reassembler.expire(Timestamp{50 * kSecond});  // drops those that arrived at 0..40 s
  EXPECT_EQ(reassembler.stats().expired, 41u);
  EXPECT_EQ(reassembler.datagrams_in_progress(), 59u);
  reassembler.expire(Timestamp{50 * kSecond});
  EXPECT_EQ(reassembler.stats().expired, 41u);
}

TEST(FragmentReassemblerTest, ManySmallRangesMergeIntoOne) {
  FragmentReassembler reassembler(FragmentLimits{});
  std::vector<uint8_t> piece(8, 3);
  FragmentKey key = key_with_id(1);
  // Even pieces first, then odd ones, the last piece marking the end.
  for (uint32_t i = 0; i < 64; i += 2)
    reassembler.add(key, {.offset = i * 8, .data = piece, .more_fragments = true}, {});
  FragmentResult result;
  for (uint32_t i = 1; i < 64; i += 2) {
    result = reassembler.add(key, {.offset = i * 8, .data = piece, .more_fragments = i != 63}, {});
  }
  ASSERT_EQ(result.status, FragmentStatus::completed);
  EXPECT_EQ(result.payload.size(), 512u);
  EXPECT_EQ(reassembler.stats().overlaps, 0u);
}

TEST(FragmentReassemblerTest, ZeroDatagramCapHoldsNothing) {
  FragmentLimits limits;
  limits.max_datagrams = 0;
  FragmentReassembler reassembler(limits);
  std::vector<uint8_t> data(8, 7);
  EXPECT_EQ(reassembler.add(key_with_id(1), {.offset = 0, .data = data, .more_fragments = true}, {}).status,
            FragmentStatus::dropped);
  EXPECT_EQ(reassembler.datagrams_in_progress(), 0u);
}

}  // namespace
}  // namespace tlslens
