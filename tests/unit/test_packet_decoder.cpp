// PacketDecoder: every link type, IPv4 options, IPv6 extension headers, padding, snap
// length, malformed headers and every truncation point of valid frames.
#include "core/net/packet_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/net/link_layer.h"
#include "support/packet_builder.h"

namespace tlslens {
namespace {

using test::build_frame;
using test::build_ip_datagram;
using test::build_ip_packet;
using test::bytes_of;
using test::CaptureSpec;
using test::IpSpec;
using test::LinkSpec;
using test::make_packet;
using test::TcpPacketSpec;
using test::VlanTag;
using test::wrap_in_link_layer;

TcpPacketSpec sample_segment(const std::string& src = "192.0.2.10", const std::string& dst = "198.51.100.20") {
  TcpPacketSpec spec;
  spec.src = src;
  spec.dst = dst;
  spec.src_port = 51234;
  spec.dst_port = 443;
  spec.seq = 0x11223344;
  spec.ack = 0x55667788;
  spec.flags = tcp_flags::ack | tcp_flags::psh;
  spec.window = 29200;
  spec.payload = bytes_of("\x16\x03\x01 hello, TLS");
  return spec;
}

std::vector<uint8_t> to_vector(Bytes bytes) {
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

struct Decoded {
  DecodeResult result;
  TcpSegment segment;
  std::vector<uint8_t> payload;  // a copy: the segment's span dies with the frame
};

Decoded decode_frame(PacketDecoder& decoder, int dlt, const std::vector<uint8_t>& frame,
                     const CaptureSpec& capture = {}) {
  Decoded decoded;
  decoded.result = decoder.decode(make_packet(dlt, frame, capture), decoded.segment);
  decoded.payload = to_vector(decoded.segment.payload);
  return decoded;
}

Decoded decode_frame(int dlt, const std::vector<uint8_t>& frame, const CaptureSpec& capture = {}) {
  PacketDecoder decoder;
  return decode_frame(decoder, dlt, frame, capture);
}

void expect_segment_matches(const Decoded& decoded, const TcpPacketSpec& spec) {
  ASSERT_EQ(decoded.result.status, DecodeStatus::tcp) << decoded.result.reason;
  EXPECT_EQ(decoded.segment.src.addr, IpAddress::parse(spec.src));
  EXPECT_EQ(decoded.segment.dst.addr, IpAddress::parse(spec.dst));
  EXPECT_EQ(decoded.segment.src.port, spec.src_port);
  EXPECT_EQ(decoded.segment.dst.port, spec.dst_port);
  EXPECT_EQ(decoded.segment.seq, spec.seq);
  EXPECT_EQ(decoded.segment.ack, spec.ack);
  EXPECT_EQ(decoded.segment.flags, spec.flags);
  EXPECT_EQ(decoded.segment.window, spec.window);
  EXPECT_EQ(decoded.payload, spec.payload);
  EXPECT_EQ(decoded.segment.missing_payload, 0u);
}

// ---- every link type ------------------------------------------------------------------------

struct LinkCase {
  std::string name;
  int dlt;
  LinkSpec link;
  bool ipv6 = false;
};

std::vector<LinkCase> link_cases() {
  std::vector<LinkCase> cases;
  for (bool v6 : {false, true}) {
    std::string suffix = v6 ? "_v6" : "_v4";
    cases.push_back({"Ethernet" + suffix, link_type::ethernet, {}, v6});
    cases.push_back({"Ethernet8021Q" + suffix, link_type::ethernet, {.vlan_tags = {{0x8100, 42, 3}}}, v6});
    cases.push_back(
        {"Ethernet8021adQinQ" + suffix, link_type::ethernet, {.vlan_tags = {{0x88a8, 100, 0}, {0x8100, 200, 0}}}, v6});
    cases.push_back(
        {"EthernetLegacyQinQ" + suffix, link_type::ethernet, {.vlan_tags = {{0x9100, 7, 0}, {0x8100, 8, 0}}}, v6});
    cases.push_back({"EthernetThreeTags" + suffix,
                     link_type::ethernet,
                     {.vlan_tags = {{0x88a8, 1, 0}, {0x88a8, 2, 0}, {0x8100, 3, 0}}},
                     v6});
    cases.push_back({"LinuxSll" + suffix, link_type::linux_sll, {}, v6});
    cases.push_back({"LinuxSllVlan" + suffix, link_type::linux_sll, {.vlan_tags = {{0x8100, 5, 0}}}, v6});
    cases.push_back({"LinuxSll2" + suffix, link_type::linux_sll2, {}, v6});
    cases.push_back({"LinuxSll2Vlan" + suffix, link_type::linux_sll2, {.vlan_tags = {{0x8100, 5, 0}}}, v6});
    cases.push_back({"RawLinux" + suffix, link_type::raw, {}, v6});
    cases.push_back({"RawBsd" + suffix, link_type::raw_bsd, {}, v6});
    cases.push_back({"RawLinktype101" + suffix, link_type::raw_file, {}, v6});
    cases.push_back({"NullLittleEndian" + suffix, link_type::null, {}, v6});
    cases.push_back({"NullBigEndian" + suffix, link_type::null, {.null_big_endian = true}, v6});
    cases.push_back({"Loop" + suffix, link_type::loop, {}, v6});
  }
  cases.push_back({"Ipv4", link_type::ipv4, {}, false});
  cases.push_back({"Ipv6", link_type::ipv6, {}, true});
  for (uint32_t family : {10u, 24u, 28u, 30u}) {
    for (bool big_endian : {false, true}) {
      cases.push_back({"NullIpv6Family" + std::to_string(family) + (big_endian ? "BigEndian" : "LittleEndian"),
                       link_type::null,
                       {.ipv6_family = family, .null_big_endian = big_endian},
                       true});
    }
    cases.push_back({"LoopIpv6Family" + std::to_string(family), link_type::loop, {.ipv6_family = family}, true});
  }
  return cases;
}

class DecoderLinkTypeTest : public ::testing::TestWithParam<LinkCase> {};

TEST_P(DecoderLinkTypeTest, DecodesTcpSegment) {
  const LinkCase& c = GetParam();
  TcpPacketSpec spec = c.ipv6 ? sample_segment("2001:db8::10", "2001:db8:1::20") : sample_segment();
  std::vector<uint8_t> frame = build_frame(c.dlt, spec, c.link);
  PacketDecoder decoder;
  Decoded decoded = decode_frame(decoder, c.dlt, frame, {.ts = Timestamp{1'700'000'000'123'456'789}, .number = 42});
  expect_segment_matches(decoded, spec);
  EXPECT_EQ(decoded.segment.packet_number, 42u);
  EXPECT_EQ(decoded.segment.ts.ns, 1'700'000'000'123'456'789);
  EXPECT_EQ(decoder.stats().packets, 1u);
  EXPECT_EQ(decoder.stats().tcp, 1u);
  EXPECT_TRUE(PacketDecoder::supports_link_type(c.dlt));
}

INSTANTIATE_TEST_SUITE_P(AllLinkTypes, DecoderLinkTypeTest, ::testing::ValuesIn(link_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(PacketDecoderTest, SupportsExactlyTheDecodedLinkTypes) {
  for (int dlt : {0, 1, 12, 14, 101, 108, 113, 228, 229, 276})
    EXPECT_TRUE(PacketDecoder::supports_link_type(dlt)) << dlt;
  for (int dlt : {-1, 2, 9, 105, 127, 147, 197, 275, 1000}) EXPECT_FALSE(PacketDecoder::supports_link_type(dlt)) << dlt;
}

TEST(PacketDecoderTest, UnknownLinkTypeIsUnsupported) {
  PacketDecoder decoder;
  std::vector<uint8_t> frame = build_ip_packet(sample_segment());
  Decoded decoded = decode_frame(decoder, 105 /* 802.11 */, frame);
  EXPECT_EQ(decoded.result.status, DecodeStatus::unsupported_link_type);
  EXPECT_EQ(decoder.stats().unsupported_link, 1u);
}

// ---- not TCP --------------------------------------------------------------------------------

TEST(PacketDecoderTest, NonIpEthertypesAreNotTcp) {
  std::vector<uint8_t> arp_body(28, 0);
  std::vector<uint8_t> arp = wrap_in_link_layer(link_type::ethernet, arp_body, {.ethertype = ethertype::arp});
  Decoded decoded = decode_frame(link_type::ethernet, arp);
  EXPECT_EQ(decoded.result.status, DecodeStatus::not_tcp);
  EXPECT_STREQ(decoded.result.reason, "ARP");

  std::vector<uint8_t> tagged_arp =
      wrap_in_link_layer(link_type::ethernet, arp_body, {.vlan_tags = {{}}, .ethertype = ethertype::arp});
  EXPECT_STREQ(decode_frame(link_type::ethernet, tagged_arp).result.reason, "ARP");

  std::vector<uint8_t> sll_arp = wrap_in_link_layer(link_type::linux_sll2, arp_body, {.ethertype = ethertype::arp});
  EXPECT_EQ(decode_frame(link_type::linux_sll2, sll_arp).result.status, DecodeStatus::not_tcp);

  std::vector<uint8_t> llc = wrap_in_link_layer(link_type::ethernet, arp_body, {.ethertype = 46});
  EXPECT_EQ(decode_frame(link_type::ethernet, llc).result.status, DecodeStatus::not_tcp);
}

TEST(PacketDecoderTest, UnknownLoopbackFamilyIsNotTcp) {
  std::vector<uint8_t> ip = build_ip_packet(sample_segment());
  for (int dlt : {link_type::null, link_type::loop}) {
    Decoded decoded = decode_frame(dlt, wrap_in_link_layer(dlt, ip, {.family = 7}));
    EXPECT_EQ(decoded.result.status, DecodeStatus::not_tcp) << dlt;
  }
}

TEST(PacketDecoderTest, OtherIpProtocolsAreNotTcpWithTheirName) {
  std::vector<uint8_t> udp_body(16, 0xab);
  PacketDecoder decoder;
  auto check = [&](const std::string& src, const std::string& dst, uint8_t protocol, const char* name) {
    std::vector<uint8_t> frame =
        wrap_in_link_layer(link_type::ethernet, build_ip_datagram(src, dst, protocol, udp_body));
    Decoded decoded = decode_frame(decoder, link_type::ethernet, frame);
    EXPECT_EQ(decoded.result.status, DecodeStatus::not_tcp);
    EXPECT_STREQ(decoded.result.reason, name);
  };
  check("10.0.0.1", "10.0.0.2", 17, "UDP");
  check("10.0.0.1", "10.0.0.2", 1, "ICMP");
  check("10.0.0.1", "10.0.0.2", 47, "GRE");
  check("2001:db8::1", "2001:db8::2", 17, "UDP");
  check("2001:db8::1", "2001:db8::2", 58, "ICMPv6");
  check("2001:db8::1", "2001:db8::2", 50, "ESP");
  check("2001:db8::1", "2001:db8::2", 59, "IPv6 no next header");
  EXPECT_EQ(decoder.stats().not_tcp, 7u);
  EXPECT_EQ(decoder.stats().tcp, 0u);
}

TEST(PacketDecoderTest, EspAfterExtensionHeadersIsNotTcp) {
  IpSpec ip{.ipv6_extensions = {{.type = 0}, {.type = 60}}};
  std::vector<uint8_t> packet = build_ip_datagram("2001:db8::1", "2001:db8::2", 50, std::vector<uint8_t>(32, 1), ip);
  Decoded decoded = decode_frame(link_type::raw, packet);
  EXPECT_EQ(decoded.result.status, DecodeStatus::not_tcp);
  EXPECT_STREQ(decoded.result.reason, "ESP");
}

// ---- IPv4 -----------------------------------------------------------------------------------

TEST(PacketDecoderTest, Ipv4OptionsAreSkipped) {
  TcpPacketSpec spec = sample_segment();
  // Router Alert (4 bytes), two NOPs, a record-route option with room for one address.
  IpSpec ip{.ipv4_options = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0}};
  std::vector<uint8_t> frame = build_frame(link_type::ethernet, spec, {}, ip);
  expect_segment_matches(decode_frame(link_type::ethernet, frame), spec);
}

TEST(PacketDecoderTest, MaximalIpv4AndTcpOptionsAreSkipped) {
  TcpPacketSpec spec = sample_segment();
  spec.tcp_options = std::vector<uint8_t>(40, 1);  // NOPs up to the 60-byte header
  IpSpec ip{.ipv4_options = std::vector<uint8_t>(40, 1)};
  std::vector<uint8_t> frame = build_frame(link_type::raw, spec, {}, ip);
  expect_segment_matches(decode_frame(link_type::raw, frame), spec);
}

TEST(PacketDecoderTest, EthernetPaddingIsNotPayload) {
  for (std::string payload : {"", "x", "abcd"}) {
    TcpPacketSpec spec = sample_segment();
    spec.payload = bytes_of(payload);
    std::vector<uint8_t> frame = build_frame(link_type::ethernet, spec);
    ASSERT_EQ(frame.size(), 60u);  // padded by the "NIC"
    expect_segment_matches(decode_frame(link_type::ethernet, frame), spec);
  }
}

TEST(PacketDecoderTest, TrailerBeyondIpTotalLengthIsIgnored) {
  for (bool v6 : {false, true}) {
    TcpPacketSpec spec = v6 ? sample_segment("::1", "::2") : sample_segment();
    std::vector<uint8_t> frame = build_frame(link_type::linux_sll2, spec);
    frame.insert(frame.end(), {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0});  // e.g. a switch's trailer
    expect_segment_matches(decode_frame(link_type::linux_sll2, frame), spec);
  }
}

TEST(PacketDecoderTest, TcpOptionsAreSkipped) {
  TcpPacketSpec spec = sample_segment();
  spec.flags = tcp_flags::syn;
  spec.tcp_options = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
  std::vector<uint8_t> frame = build_frame(link_type::ethernet, spec);
  Decoded decoded = decode_frame(link_type::ethernet, frame);
  expect_segment_matches(decoded, spec);
  EXPECT_TRUE(decoded.segment.has(tcp_flags::syn));
  EXPECT_FALSE(decoded.segment.has(tcp_flags::ack));
}

TEST(PacketDecoderTest, ChecksumsAreNotVerified) {
  TcpPacketSpec spec = sample_segment();
  std::vector<uint8_t> frame = build_frame(link_type::raw, spec);
  frame[10] ^= 0xff;       // IPv4 header checksum
  frame[20 + 16] ^= 0xff;  // TCP checksum
  expect_segment_matches(decode_frame(link_type::raw, frame), spec);
}

TEST(PacketDecoderTest, Ipv4TotalLengthZeroMeansOffloadedSuperPacket) {
  TcpPacketSpec spec = sample_segment();
  spec.payload.assign(3000, 'a');
  std::vector<uint8_t> frame = build_frame(link_type::raw, spec);
  frame[test::offsets::ipv4_total_length] = 0;
  frame[test::offsets::ipv4_total_length + 1] = 0;
  expect_segment_matches(decode_frame(link_type::raw, frame), spec);
}

TEST(PacketDecoderTest, Ipv4TotalLengthBeyondTheFrameIsTrustedOnlyAsFarAsTheFrame) {
  TcpPacketSpec spec = sample_segment();
  std::vector<uint8_t> frame = build_frame(link_type::raw, spec);
  frame[test::offsets::ipv4_total_length] = 0x0f;  // claims ~4000 bytes; the frame really is this short
  Decoded decoded = decode_frame(link_type::raw, frame);
  expect_segment_matches(decoded, spec);
}

struct MalformedCase {
  std::string name;
  std::vector<uint8_t> frame;
  int dlt = link_type::raw;
  std::string reason;
};

std::vector<uint8_t> patched(std::vector<uint8_t> bytes, size_t at, uint8_t value) {
  bytes.at(at) = value;
  return bytes;
}

TEST(PacketDecoderTest, InconsistentHeadersAreMalformedWithAReason) {
  std::vector<uint8_t> v4 = build_ip_packet(sample_segment());
  std::vector<uint8_t> v6 = build_ip_packet(sample_segment("2001:db8::1", "2001:db8::2"));
  std::vector<MalformedCase> cases = {
      {"ihl below 5", patched(v4, 0, 0x44), link_type::raw, "IPv4 header length below 20"},
      {"total below header", patched(patched(v4, 2, 0), 3, 19), link_type::raw,
       "IPv4 total length shorter than header"},
      {"ihl past the packet", patched(v4, 0, 0x4f), link_type::raw, ""},
      {"tcp offset below 5", patched(v4, 20 + 12, 0x40), link_type::raw, "TCP data offset below 5"},
      {"tcp offset past the segment", patched(v4, 20 + 12, 0xf0), link_type::raw, "TCP header longer than the segment"},
      {"ipv6 tcp offset below 5", patched(v6, 40 + 12, 0x00), link_type::raw, "TCP data offset below 5"},
      {"version 5", patched(v4, 0, 0x55), link_type::raw, "IP version is neither 4 nor 6"},
      {"v6 bytes on DLT_IPV4", v6, link_type::ipv4, "IP version differs from the link layer's"},
      {"v4 bytes under the IPv6 ethertype", wrap_in_link_layer(link_type::ethernet, v4, {.ethertype = ethertype::ipv6}),
       link_type::ethernet, "IP version differs from the link layer's"},
      {"empty raw packet", {}, link_type::raw, "IP header truncated"},
      {"ethernet header cut", std::vector<uint8_t>(13, 0), link_type::ethernet, "Ethernet header truncated"},
      {"sll header cut", std::vector<uint8_t>(15, 0), link_type::linux_sll, "Linux SLL header truncated"},
      {"sll2 header cut", std::vector<uint8_t>(19, 0), link_type::linux_sll2, "Linux SLL2 header truncated"},
      {"null header cut", std::vector<uint8_t>(3, 2), link_type::null, "loopback header truncated"},
  };
  for (const MalformedCase& c : cases) {
    PacketDecoder decoder;
    Decoded decoded = decode_frame(decoder, c.dlt, c.frame);
    EXPECT_EQ(decoded.result.status, DecodeStatus::malformed) << c.name;
    if (!c.reason.empty()) {
      EXPECT_EQ(std::string(decoded.result.reason), c.reason) << c.name;
    }
    EXPECT_NE(std::string(decoded.result.reason), "") << c.name;
    EXPECT_EQ(decoder.stats().malformed, 1u) << c.name;
  }
}

TEST(PacketDecoderTest, TooManyVlanTagsIsMalformed) {
  std::vector<VlanTag> tags(kMaxVlanTags + 1);
  std::vector<uint8_t> frame = build_frame(link_type::ethernet, sample_segment(), {.vlan_tags = tags});
  Decoded decoded = decode_frame(link_type::ethernet, frame);
  EXPECT_EQ(decoded.result.status, DecodeStatus::malformed);
  EXPECT_STREQ(decoded.result.reason, "too many VLAN tags");

  tags.resize(kMaxVlanTags);
  TcpPacketSpec spec = sample_segment();
  expect_segment_matches(decode_frame(link_type::ethernet, build_frame(link_type::ethernet, spec, {.vlan_tags = tags})),
                         spec);
}

// ---- IPv6 -----------------------------------------------------------------------------------

TEST(PacketDecoderTest, Ipv6ExtensionHeaderChainIsWalked) {
  TcpPacketSpec spec = sample_segment("2001:db8::1", "2001:db8::2");
  IpSpec ip{.ipv6_extensions = {
                {.type = 0, .body = {5, 2, 0, 0}},                         // hop-by-hop: router alert
                {.type = 43, .body = std::vector<uint8_t>(6 + 16, 0)},     // routing, one address
                {.type = 60, .body = std::vector<uint8_t>(20, 0)},         // destination options, 24 bytes
                {.type = 51, .body = std::vector<uint8_t>(8 + 12, 0x5a)},  // AH with a 12-byte ICV
            }};
  std::vector<uint8_t> frame = build_frame(link_type::ethernet, spec, {}, ip);
  expect_segment_matches(decode_frame(link_type::ethernet, frame), spec);
}

TEST(PacketDecoderTest, OverlongIpv6ExtensionChainIsMalformed) {
  TcpPacketSpec spec = sample_segment("2001:db8::1", "2001:db8::2");
  IpSpec ip;
  ip.ipv6_extensions.assign(13, {.type = 60});
  Decoded decoded = decode_frame(link_type::raw, build_ip_packet(spec, ip));
  EXPECT_EQ(decoded.result.status, DecodeStatus::malformed);
  EXPECT_STREQ(decoded.result.reason, "IPv6 extension header chain too long");

  ip.ipv6_extensions.resize(12);
  expect_segment_matches(decode_frame(link_type::raw, build_ip_packet(spec, ip)), spec);
}

TEST(PacketDecoderTest, Ipv6ExtensionHeaderPastThePayloadIsMalformed) {
  TcpPacketSpec spec = sample_segment("2001:db8::1", "2001:db8::2");
  std::vector<uint8_t> packet = build_ip_packet(spec, {.ipv6_extensions = {{.type = 60}}});
  packet[40 + 1] = 200;  // the destination options header claims 1608 bytes
  Decoded decoded = decode_frame(link_type::raw, packet);
  EXPECT_EQ(decoded.result.status, DecodeStatus::malformed);
  EXPECT_STREQ(decoded.result.reason, "IPv6 extension header truncated");
}

TEST(PacketDecoderTest, Ipv6PayloadLengthZeroUsesTheFrameLength) {
  TcpPacketSpec spec = sample_segment("2001:db8::1", "2001:db8::2");
  spec.payload.assign(70000 - 60, 'j');  // larger than any 16-bit length
  std::vector<uint8_t> upper = test::build_tcp_segment(spec);
  TcpPacketSpec small = spec;
  small.payload.clear();
  std::vector<uint8_t> packet = build_ip_packet(small);  // a header to graft the big segment on
  packet.resize(40);
  packet.insert(packet.end(), upper.begin(), upper.end());
  packet[test::offsets::ipv6_payload_length] = 0;
  packet[test::offsets::ipv6_payload_length + 1] = 0;
  expect_segment_matches(decode_frame(link_type::raw, packet), spec);
}

// ---- snap length ----------------------------------------------------------------------------

TEST(PacketDecoderTest, SnaplenCutPayloadCountsMissingBytes) {
  struct Case {
    int dlt;
    TcpPacketSpec spec;
    IpSpec ip;
  };
  std::vector<Case> cases = {
      {link_type::ethernet, sample_segment(), {}},
      {link_type::linux_sll2,
       sample_segment("2001:db8::1", "2001:db8::2"),
       {.ipv6_extensions = {{.type = 0}, {.type = 60}}}},
      {link_type::null, sample_segment(), {.ipv4_options = {1, 1, 1, 1}}},
  };
  for (Case& c : cases) {
    c.spec.payload.assign(1400, 'p');
    std::vector<uint8_t> frame = build_frame(c.dlt, c.spec, {}, c.ip);
    size_t headers = frame.size() - c.spec.payload.size();
    for (size_t snaplen : {headers, headers + 1, headers + 100, frame.size() - 1}) {
      Decoded decoded = decode_frame(c.dlt, frame, {.snaplen = snaplen});
      ASSERT_EQ(decoded.result.status, DecodeStatus::tcp) << decoded.result.reason;
      EXPECT_EQ(decoded.payload.size(), snaplen - headers);
      EXPECT_EQ(decoded.segment.missing_payload, frame.size() - snaplen);
      EXPECT_EQ(decoded.segment.seq, c.spec.seq);
    }
  }
}

TEST(PacketDecoderTest, SnaplenCuttingTheTcpHeaderIsMalformed) {
  TcpPacketSpec spec = sample_segment();
  spec.tcp_options = {2, 4, 0x05, 0xb4};
  std::vector<uint8_t> frame = build_frame(link_type::ethernet, spec);
  Decoded decoded = decode_frame(link_type::ethernet, frame, {.snaplen = 14 + 20 + 22});
  EXPECT_EQ(decoded.result.status, DecodeStatus::malformed);
  EXPECT_STREQ(decoded.result.reason, "TCP header truncated");
}

TEST(PacketDecoderTest, UnsetWireLengthMeansTheWholeFrameWasCaptured) {
  TcpPacketSpec spec = sample_segment();
  std::vector<uint8_t> frame = build_frame(link_type::ethernet, spec);
  Packet packet = make_packet(link_type::ethernet, frame);
  packet.wire_length = 0;
  PacketDecoder decoder;
  TcpSegment segment;
  ASSERT_EQ(decoder.decode(packet, segment).status, DecodeStatus::tcp);
  EXPECT_EQ(to_vector(segment.payload), spec.payload);
  EXPECT_EQ(segment.missing_payload, 0u);
}

// ---- every truncation point -----------------------------------------------------------------

struct TruncationCase {
  std::string name;
  int dlt;
  std::vector<uint8_t> frame;
  std::vector<uint8_t> payload;
};

std::vector<TruncationCase> truncation_cases() {
  std::vector<TruncationCase> cases;
  TcpPacketSpec v4 = sample_segment();
  v4.tcp_options = {2, 4, 0x05, 0xb4, 1, 1, 4, 2};
  TcpPacketSpec v6 = sample_segment("2001:db8::1", "2001:db8::2");
  IpSpec options{.ipv4_options = {0x94, 0x04, 0, 0}};
  IpSpec extensions{.ipv6_extensions = {{.type = 0, .body = {5, 2, 0, 0}},
                                        {.type = 43, .body = std::vector<uint8_t>(22)},
                                        {.type = 51, .body = std::vector<uint8_t>(12)}}};
  cases.push_back({"ethernet_qinq_v4", link_type::ethernet,
                   build_frame(link_type::ethernet, v4, {.vlan_tags = {{0x88a8, 1, 0}, {0x8100, 2, 0}}}, options),
                   v4.payload});
  cases.push_back({"sll_v6", link_type::linux_sll, build_frame(link_type::linux_sll, v6, {}, extensions), v6.payload});
  cases.push_back({"sll2_v4", link_type::linux_sll2, build_frame(link_type::linux_sll2, v4), v4.payload});
  cases.push_back(
      {"null_v6", link_type::null, build_frame(link_type::null, v6, {.null_big_endian = true}), v6.payload});
  cases.push_back({"loop_v4", link_type::loop, build_frame(link_type::loop, v4), v4.payload});
  cases.push_back({"raw_v6", link_type::raw, build_frame(link_type::raw, v6, {}, extensions), v6.payload});
  return cases;
}

TEST(PacketDecoderTest, EveryTruncationPointIsMalformedOrAShorterValidDecode) {
  for (const TruncationCase& c : truncation_cases()) {
    for (size_t length = 0; length < c.frame.size(); ++length) {
      SCOPED_TRACE(c.name + " cut at " + std::to_string(length));
      // Copied into a buffer of exactly `length` bytes so that ASan sees any overread.
      std::vector<uint8_t> prefix(c.frame.begin(), c.frame.begin() + static_cast<std::ptrdiff_t>(length));
      PacketDecoder decoder;

      // Cut by the snap length: the headers still tell the full size.
      Packet snapped = make_packet(c.dlt, prefix);
      snapped.wire_length = static_cast<uint32_t>(c.frame.size());
      TcpSegment segment;
      DecodeResult result = decoder.decode(snapped, segment);
      ASSERT_TRUE(result.status == DecodeStatus::tcp || result.status == DecodeStatus::malformed)
          << static_cast<int>(result.status);
      if (result.status == DecodeStatus::tcp) {
        std::vector<uint8_t> payload = to_vector(segment.payload);
        ASSERT_LE(payload.size(), c.payload.size());
        EXPECT_TRUE(std::equal(payload.begin(), payload.end(), c.payload.begin()));
        EXPECT_EQ(payload.size() + segment.missing_payload, c.payload.size());
      } else {
        EXPECT_NE(std::string(result.reason), "");
      }

      // A frame that really is this short on the wire (its IP length lies).
      result = decoder.decode(make_packet(c.dlt, prefix), segment);
      ASSERT_TRUE(result.status == DecodeStatus::tcp || result.status == DecodeStatus::malformed)
          << static_cast<int>(result.status);
      if (result.status == DecodeStatus::tcp) {
        EXPECT_EQ(segment.missing_payload, 0u);
        EXPECT_LE(segment.payload.size(), c.payload.size());
      }
    }
  }
}

// ---- statistics -----------------------------------------------------------------------------

TEST(PacketDecoderTest, StatsCountEveryOutcome) {
  PacketDecoder decoder;
  TcpPacketSpec spec = sample_segment();
  std::vector<uint8_t> tcp = build_frame(link_type::ethernet, spec);
  std::vector<uint8_t> udp =
      wrap_in_link_layer(link_type::ethernet, build_ip_datagram("10.0.0.1", "10.0.0.2", 17, tcp));
  std::vector<uint8_t> bad(10, 0);
  decode_frame(decoder, link_type::ethernet, tcp);
  decode_frame(decoder, link_type::ethernet, tcp);
  decode_frame(decoder, link_type::ethernet, udp);
  decode_frame(decoder, link_type::ethernet, bad);
  decode_frame(decoder, 9999, tcp);
  const DecoderStats& stats = decoder.stats();
  EXPECT_EQ(stats.packets, 5u);
  EXPECT_EQ(stats.tcp, 2u);
  EXPECT_EQ(stats.not_tcp, 1u);
  EXPECT_EQ(stats.malformed, 1u);
  EXPECT_EQ(stats.unsupported_link, 1u);
  EXPECT_EQ(stats.fragments, 0u);
}

TEST(PacketDecoderTest, SegmentIsResetBetweenPackets) {
  PacketDecoder decoder;
  TcpSegment segment;
  std::vector<uint8_t> good = build_frame(link_type::raw, sample_segment());
  ASSERT_EQ(decoder.decode(make_packet(link_type::raw, good), segment).status, DecodeStatus::tcp);
  std::vector<uint8_t> bad = patched(good, 20 + 12, 0x10);
  ASSERT_EQ(decoder.decode(make_packet(link_type::raw, bad, {.number = 2}), segment).status, DecodeStatus::malformed);
  EXPECT_TRUE(segment.payload.empty());
  EXPECT_EQ(segment.seq, 0u);
  EXPECT_EQ(segment.packet_number, 2u);
}

}  // namespace
}  // namespace tlslens
