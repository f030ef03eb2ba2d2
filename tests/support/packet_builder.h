// packet_builder: builds captured frames for tests — TCP segments inside IPv4/IPv6 (with
// options, extension headers, fragments) inside any link layer PacketDecoder reads.
//
// Typical use:
//
//   using namespace tlslens::test;
//   TcpPacketSpec tcp{.src = "10.0.0.1", .dst = "10.0.0.2", .src_port = 50000, .dst_port = 443,
//                     .seq = 1000, .flags = tlslens::tcp_flags::ack, .payload = bytes("hello")};
//   std::vector<uint8_t> frame = build_frame(tlslens::link_type::ethernet, tcp);
//   tlslens::Packet packet = make_packet(tlslens::link_type::ethernet, frame, {.number = 7});
//
// What it promises:
//  * The frames are well formed: lengths, IPv4 header checksum and TCP checksum are right,
//    so tshark reads a written file without complaint. Tests that want broken frames build a
//    good one and then change or cut bytes; the offsets below help.
//  * The IP version follows the addresses in the spec ("10.0.0.1" or "2001:db8::1"); invalid
//    or mixed-version addresses throw std::invalid_argument.
//  * make_packet() does not copy: the Packet points into the frame, which must outlive it.
//  * Every spec field has a default, so designated initializers may name only what matters.
//
// Link types are the libpcap DLT_* numbers; tlslens::link_type (core/net/link_layer.h) names
// the ones tlslens decodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/capture/packet.h"
#include "core/net/link_layer.h"
#include "core/net/tcp_segment.h"
#include "core/util/timestamp.h"

namespace tlslens::test {

// ---- what to build ------------------------------------------------------------------------

struct TcpPacketSpec {
  std::string src = "10.0.0.1";  // IPv4 or IPv6 text; both addresses of one version
  std::string dst = "10.0.0.2";
  uint16_t src_port = 50000;
  uint16_t dst_port = 443;
  uint32_t seq = 1;
  uint32_t ack = 0;
  uint8_t flags = tcp_flags::ack;
  uint16_t window = 65535;
  std::vector<uint8_t> tcp_options{};  // raw option bytes, padded with NOPs to a multiple of 4
  std::vector<uint8_t> payload{};
};

struct Ipv6ExtensionHeader {
  uint8_t type = 60;            // 0 hop-by-hop, 43 routing, 60 destination options, 51 AH
  std::vector<uint8_t> body{};  // bytes after the next-header and length fields; zero-padded to the
                                // header's unit (8 bytes; 4 for AH)
};

struct IpSpec {
  uint8_t ttl = 64;  // IPv4 TTL / IPv6 hop limit
  uint16_t ipv4_id = 0x1234;
  bool dont_fragment = false;
  std::vector<uint8_t> ipv4_options{};                 // raw option bytes, padded with EOL (0) to a multiple of 4
  std::vector<Ipv6ExtensionHeader> ipv6_extensions{};  // in order, between the fixed header and TCP
};

struct VlanTag {
  uint16_t tpid = 0x8100;  // 0x8100 802.1Q, 0x88a8 802.1ad, 0x9100 pre-standard QinQ
  uint16_t vlan_id = 100;
  uint8_t priority = 0;
};

struct LinkSpec {
  std::vector<VlanTag> vlan_tags{};  // Ethernet, SLL, SLL2: outermost first
  uint16_t ethertype = 0;            // 0: the IP version's ethertype; else this one (e.g. 0x0806 ARP)
  bool pad_ethernet = true;          // pad Ethernet frames to the 60-byte minimum, as a NIC does
  uint32_t family = 0;               // DLT_NULL / DLT_LOOP: 0 picks 2 (IPv4) or ipv6_family
  uint32_t ipv6_family = 30;         // AF_INET6 of the capturing system: 10 Linux, 24/28/30 BSDs/macOS
  bool null_big_endian = false;      // DLT_NULL: the capturing host was big-endian
};

struct CaptureSpec {
  Timestamp ts{};
  uint64_t number = 1;
  size_t snaplen = 0;  // 0: capture everything; else keep at most this many bytes of the frame
};

// ---- building -----------------------------------------------------------------------------

// The TCP header (with options) and payload, checksummed for the spec's addresses.
std::vector<uint8_t> build_tcp_segment(const TcpPacketSpec& tcp);

// A whole IPv4 or IPv6 packet carrying the TCP segment.
std::vector<uint8_t> build_ip_packet(const TcpPacketSpec& tcp, const IpSpec& ip = {});

// A whole IP packet carrying any upper-layer bytes under `protocol` (17 for UDP, ...).
std::vector<uint8_t> build_ip_datagram(const std::string& src, const std::string& dst, uint8_t protocol,
                                       std::span<const uint8_t> upper_layer, const IpSpec& ip = {});

// Puts an IP packet (or, with LinkSpec::ethertype, any bytes) inside a link-layer header.
std::vector<uint8_t> wrap_in_link_layer(int dlt, std::span<const uint8_t> ip_packet, const LinkSpec& link = {});

// build_ip_packet + wrap_in_link_layer.
std::vector<uint8_t> build_frame(int dlt, const TcpPacketSpec& tcp, const LinkSpec& link = {}, const IpSpec& ip = {});

// ---- fragments ----------------------------------------------------------------------------
// Fragments are cut from a whole packet made by build_ip_packet/build_ip_datagram. The
// "fragmentable part" is what fragments share out: for IPv4 everything after the header,
// for IPv6 everything after the hop-by-hop and routing headers.

std::vector<uint8_t> fragmentable_part(std::span<const uint8_t> ip_packet);

// One fragment carrying `data` (any bytes, not necessarily the packet's) at byte `offset` of
// the fragmentable part; `offset` must be a multiple of 8, as both IP versions count it in
// 8-byte units. IPv4: the packet's header with MF, offset and id (low 16 bits) set and DF
// kept as built; IPv6: a fragment header inserted after the unfragmentable headers.
std::vector<uint8_t> build_ip_fragment(std::span<const uint8_t> ip_packet, uint32_t offset,
                                       std::span<const uint8_t> data, bool more_fragments, uint32_t id = 0x1234);

// Splits the packet into fragments of at most `max_data` bytes each (rounded down to a
// multiple of 8), in order.
std::vector<std::vector<uint8_t>> fragment_ip_packet(std::span<const uint8_t> ip_packet, size_t max_data,
                                                     uint32_t id = 0x1234);

// ---- capturing ----------------------------------------------------------------------------

// A Packet over `frame` (not copied), as a capture with the given snap length would hand it out.
Packet make_packet(int dlt, std::span<const uint8_t> frame, const CaptureSpec& capture = {});

struct CapturedFrame {
  Timestamp ts{};
  std::vector<uint8_t> bytes{};
};

// Writes a pcap file (nanosecond timestamps) through libpcap, for tests that run the CLI or
// compare with tshark. Throws std::runtime_error when the file cannot be written.
void write_pcap(const std::string& path, int dlt, const std::vector<CapturedFrame>& frames);

// ---- small helpers ------------------------------------------------------------------------

std::vector<uint8_t> bytes_of(std::string_view text);

// Offsets of fields within what build_ip_packet returns, for tests that corrupt them.
namespace offsets {
inline constexpr size_t ipv4_total_length = 2;
inline constexpr size_t ipv4_flags_and_fragment_offset = 6;
inline constexpr size_t ipv4_protocol = 9;
inline constexpr size_t ipv6_payload_length = 4;
inline constexpr size_t ipv6_next_header = 6;
inline constexpr size_t tcp_data_offset = 12;  // within the TCP header
}  // namespace offsets

// Bytes of link header (VLAN tags included) wrap_in_link_layer puts before the IP packet.
size_t link_header_length(int dlt, const LinkSpec& link = {});

}  // namespace tlslens::test
