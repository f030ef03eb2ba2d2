// IP protocol numbers (IPv4 "protocol", IPv6 "next header") that the decoders act on, and
// short names for the ones they report as not TCP.
#pragma once

#include <cstdint>

namespace tlslens {

namespace ip_protocol {
inline constexpr uint8_t ipv6_hop_by_hop = 0;
inline constexpr uint8_t icmp = 1;
inline constexpr uint8_t tcp = 6;
inline constexpr uint8_t udp = 17;
inline constexpr uint8_t ipv6_routing = 43;
inline constexpr uint8_t ipv6_fragment = 44;
inline constexpr uint8_t esp = 50;
inline constexpr uint8_t ah = 51;
inline constexpr uint8_t icmpv6 = 58;
inline constexpr uint8_t ipv6_no_next_header = 59;
inline constexpr uint8_t ipv6_destination_options = 60;
}  // namespace ip_protocol

// "UDP", "ICMP", ...; "IP protocol other than TCP" for numbers without a name here.
const char* ip_protocol_name(uint8_t protocol);

}  // namespace tlslens
