#include "core/net/ip_protocol.h"

namespace tlslens {

const char* ip_protocol_name(uint8_t protocol) {
  switch (protocol) {
    case ip_protocol::ipv6_hop_by_hop:
      return "IPv6 hop-by-hop options";
    case ip_protocol::icmp:
      return "ICMP";
    case 2:
      return "IGMP";
    case 4:
      return "IP in IP";
    case ip_protocol::tcp:
      return "TCP";
    case ip_protocol::udp:
      return "UDP";
    case 33:
      return "DCCP";
    case 41:
      return "IPv6 in IP";
    case ip_protocol::ipv6_routing:
      return "IPv6 routing header";
    case ip_protocol::ipv6_fragment:
      return "IPv6 fragment header";
    case 47:
      return "GRE";
    case ip_protocol::esp:
      return "ESP";
    case ip_protocol::ah:
      return "AH";
    case ip_protocol::icmpv6:
      return "ICMPv6";
    case ip_protocol::ipv6_no_next_header:
      return "IPv6 no next header";
    case ip_protocol::ipv6_destination_options:
      return "IPv6 destination options";
    case 89:
      return "OSPF";
    case 103:
      return "PIM";
    case 112:
      return "VRRP";
    case 132:
      return "SCTP";
    case 136:
      return "UDP-Lite";
    default:
      return "IP protocol other than TCP";
  }
}

}  // namespace tlslens
