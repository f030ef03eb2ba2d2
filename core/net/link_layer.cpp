#include "core/net/link_layer.h"

namespace tlslens {
namespace {

constexpr size_t kEthernetAddressesLength = 12;  // destination + source MAC
constexpr size_t kSllBeforeProtocol = 14;        // packet type, ARPHRD type, address length, address
constexpr uint16_t kArphrdNetlink = 824;         // SLL/SLL2 over netlink: the protocol field is a netlink family

LinkResult failure(LinkStatus status, const char* reason) {
  LinkResult result;
  result.status = status;
  result.reason = reason;
  return result;
}

LinkResult ip_after(const Reader& r, uint8_t ip_version) {
  LinkResult result;
  result.status = LinkStatus::ip;
  result.ip_version = ip_version;
  result.header_length = r.offset();
  result.network = r.rest();
  return result;
}

bool is_vlan_tag(uint16_t type) {
  return type == ethertype::vlan_8021q || type == ethertype::vlan_8021ad || type == ethertype::vlan_qinq_legacy;
}

const char* name_of_non_ip_ethertype(uint16_t type) {
  if (type <= 1500) return "802.3 length field (LLC)";  // Ethernet II types start at 0x0600
  switch (type) {
    case ethertype::arp:
      return "ARP";
    case 0x8035:
      return "RARP";
    case 0x8847:
    case 0x8848:
      return "MPLS";
    case 0x8863:
    case 0x8864:
      return "PPPoE";
    case 0x888e:
      return "EAPOL";
    case 0x88cc:
      return "LLDP";
    case 0x88f7:
      return "PTP";
    case 0x8906:
      return "FCoE";
    default:
      return "non-IP ethertype";
  }
}

// `r` stands just after an ethertype-like protocol field whose value is `type`: skips any
// VLAN tags (2-byte TCI, then the next type) and dispatches on the final type.
LinkResult dispatch_ethertype(uint16_t type, Reader& r) {
  for (int tags = 0; is_vlan_tag(type); ++tags) {
    if (tags == kMaxVlanTags) return failure(LinkStatus::malformed, "too many VLAN tags");
    if (!r.skip(2) || !r.u16(type)) return failure(LinkStatus::malformed, "VLAN tag truncated");
  }
  if (type == ethertype::ipv4) return ip_after(r, 4);
  if (type == ethertype::ipv6) return ip_after(r, 6);
  return failure(LinkStatus::not_ip, name_of_non_ip_ethertype(type));
}

LinkResult parse_ethernet(Reader r) {
  uint16_t type;
  if (!r.skip(kEthernetAddressesLength) || !r.u16(type))
    return failure(LinkStatus::malformed, "Ethernet header truncated");
  return dispatch_ethertype(type, r);
}

// DLT_LINUX_SLL: packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2).
LinkResult parse_linux_sll(Reader r) {
  uint16_t arphrd_type, protocol;
  if (!r.skip(2) || !r.u16(arphrd_type) || !r.skip(kSllBeforeProtocol - 4) || !r.u16(protocol)) {
    return failure(LinkStatus::malformed, "Linux SLL header truncated");
  }
  if (arphrd_type == kArphrdNetlink) return failure(LinkStatus::not_ip, "Netlink");
  return dispatch_ethertype(protocol, r);
}

// DLT_LINUX_SLL2: protocol(2) reserved(2) interface index(4) ARPHRD type(2) packet type(1)
// address length(1) address(8).
LinkResult parse_linux_sll2(Reader r) {
  uint16_t protocol, arphrd_type;
  if (!r.u16(protocol) || !r.skip(6) || !r.u16(arphrd_type) || !r.skip(10)) {
    return failure(LinkStatus::malformed, "Linux SLL2 header truncated");
  }
  if (arphrd_type == kArphrdNetlink) return failure(LinkStatus::not_ip, "Netlink");
  return dispatch_ethertype(protocol, r);
}

// BSD address families: AF_INET is 2 everywhere; AF_INET6 differs by system.
uint8_t ip_version_of_family(uint32_t family) {
  switch (family) {
    case 2:
      return 4;  // AF_INET
    case 10:     // AF_INET6 on Linux
    case 24:     // NetBSD, OpenBSD, BSD/OS
    case 28:     // FreeBSD, DragonFly BSD
    case 30:
      return 6;  // macOS, iOS
    default:
      return 0;
  }
}

// DLT_NULL stores the family in the capturing host's byte order, which the file does not
// record. Every known family is below 256, so at most one byte order yields a known value.
LinkResult parse_null(Reader r) {
  Reader big_endian = r;
  uint32_t little, big;
  if (!r.u32le(little) || !big_endian.u32(big)) return failure(LinkStatus::malformed, "loopback header truncated");
  uint8_t version = ip_version_of_family(little);
  if (version == 0) version = ip_version_of_family(big);
  if (version == 0) return failure(LinkStatus::not_ip, "non-IP address family");
  return ip_after(r, version);
}

// DLT_LOOP (OpenBSD loopback) always writes the family in network byte order.
LinkResult parse_loop(Reader r) {
  uint32_t family;
  if (!r.u32(family)) return failure(LinkStatus::malformed, "loopback header truncated");
  uint8_t version = ip_version_of_family(family);
  if (version == 0) return failure(LinkStatus::not_ip, "non-IP address family");
  return ip_after(r, version);
}

}  // namespace

LinkResult parse_link_layer(int type, Bytes frame) {
  Reader r(frame);
  switch (type) {
    case link_type::ethernet:
      return parse_ethernet(r);
    case link_type::linux_sll:
      return parse_linux_sll(r);
    case link_type::linux_sll2:
      return parse_linux_sll2(r);
    case link_type::null:
      return parse_null(r);
    case link_type::loop:
      return parse_loop(r);
    case link_type::raw:
    case link_type::raw_bsd:
    case link_type::raw_file:
      return ip_after(r, 0);
    case link_type::ipv4:
      return ip_after(r, 4);
    case link_type::ipv6:
      return ip_after(r, 6);
    default:
      return failure(LinkStatus::unsupported, "unsupported link type");
  }
}

bool is_supported_link_type(int type) {
  switch (type) {
    case link_type::ethernet:
    case link_type::linux_sll:
    case link_type::linux_sll2:
    case link_type::null:
    case link_type::loop:
    case link_type::raw:
    case link_type::raw_bsd:
    case link_type::raw_file:
    case link_type::ipv4:
    case link_type::ipv6:
      return true;
    default:
      return false;
  }
}

}  // namespace tlslens
