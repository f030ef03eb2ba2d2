// Link layer: strips the link-layer header of a captured frame and says what it carries.
//
// What it promises:
//  * For every supported link type, parse_link_layer() either finds an IPv4/IPv6 packet
//    (`network` is the span after the link header, `header_length` its size) or says why
//    not: a non-IP protocol (not_ip, with a short reason such as "ARP"), a header that is cut
//    short (malformed), or a link type it does not know (unsupported).
//  * It reads through Reader only and never looks past the frame's captured bytes.
//  * VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, the pre-standard QinQ 0x9100) are skipped at
//    any depth up to kMaxVlanTags, after Ethernet, SLL and SLL2 headers alike.
//
// Link-type numbers are the libpcap DLT_* values. They are spelled out here instead of taken
// from <pcap/dlt.h> because DLT_RAW differs between platforms (12 on Linux, 14 on some BSDs)
// and files carry LINKTYPE_RAW (101): all three mean raw IP to us.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/util/reader.h"

namespace tlslens {

namespace link_type {
inline constexpr int null = 0;          // DLT_NULL: 4-byte address family, capturing host's byte order
inline constexpr int ethernet = 1;      // DLT_EN10MB
inline constexpr int raw = 12;          // DLT_RAW on Linux (and most systems)
inline constexpr int raw_bsd = 14;      // DLT_RAW on OpenBSD and some other BSDs
inline constexpr int raw_file = 101;    // LINKTYPE_RAW as written in pcap/pcapng files
inline constexpr int loop = 108;        // DLT_LOOP: 4-byte address family, network byte order
inline constexpr int linux_sll = 113;   // DLT_LINUX_SLL: 16-byte Linux "cooked" header
inline constexpr int ipv4 = 228;        // DLT_IPV4: raw IPv4 only
inline constexpr int ipv6 = 229;        // DLT_IPV6: raw IPv6 only
inline constexpr int linux_sll2 = 276;  // DLT_LINUX_SLL2: 20-byte Linux "cooked" header, v2
}  // namespace link_type

namespace ethertype {
inline constexpr uint16_t ipv4 = 0x0800;
inline constexpr uint16_t arp = 0x0806;
inline constexpr uint16_t vlan_8021q = 0x8100;
inline constexpr uint16_t ipv6 = 0x86dd;
inline constexpr uint16_t vlan_8021ad = 0x88a8;
inline constexpr uint16_t vlan_qinq_legacy = 0x9100;
}  // namespace ethertype

// Deeper stacks than this are not seen in practice; a frame claiming more is treated as
// malformed rather than walked tag by tag.
inline constexpr int kMaxVlanTags = 8;

enum class LinkStatus {
  ip,           // `network` holds an IP packet of `ip_version` (0: decide by the version nibble)
  not_ip,       // a valid frame of another protocol; `reason` names it
  malformed,    // the link header is cut short or inconsistent; `reason` says how
  unsupported,  // the link type is not one we decode
};

struct LinkResult {
  LinkStatus status = LinkStatus::malformed;
  const char* reason = "";   // static string
  uint8_t ip_version = 0;    // 4 or 6 when the link header says which; 0 for raw IP
  size_t header_length = 0;  // bytes of link header before `network`
  Bytes network;             // the captured bytes after the link header
};

LinkResult parse_link_layer(int link_type, Bytes frame);

// True for every link type parse_link_layer() decodes.
bool is_supported_link_type(int link_type);

}  // namespace tlslens
