#include "core/net/packet_decoder.h"

#include <algorithm>

#include "core/net/fragment_reassembler.h"
#include "core/net/ip_protocol.h"
#include "core/net/link_layer.h"

namespace tlslens {
namespace {

constexpr size_t kIpv4MinHeaderLength = 20;
constexpr size_t kIpv6HeaderLength = 40;
constexpr size_t kIpv6FragmentHeaderLength = 8;
constexpr size_t kTcpMinHeaderLength = 20;
constexpr uint32_t kMaxIpDatagram = 65535;
// Real packets carry a handful of extension headers at most; a longer chain is an attack on
// the decoder or garbage, and walking it costs time for nothing.
constexpr int kMaxIpv6ExtensionHeaders = 12;

DecodeResult result_of(DecodeStatus status, const char* reason = "") {
  return DecodeResult{status, reason};
}
DecodeResult malformed(const char* reason) {
  return result_of(DecodeStatus::malformed, reason);
}
DecodeResult not_tcp(const char* reason) {
  return result_of(DecodeStatus::not_tcp, reason);
}

// Headers that can stand between an IPv6 fragment header and TCP in the reassembled payload.
bool may_lead_to_tcp(uint8_t next_header) {
  return next_header == ip_protocol::tcp || next_header == ip_protocol::ipv6_routing ||
         next_header == ip_protocol::ipv6_destination_options || next_header == ip_protocol::ah;
}

}  // namespace

PacketDecoder::PacketDecoder(FragmentLimits limits) : fragments_(std::make_unique<FragmentReassembler>(limits)) {}

PacketDecoder::~PacketDecoder() = default;

bool PacketDecoder::supports_link_type(int link_type) {
  return is_supported_link_type(link_type);
}

size_t PacketDecoder::fragments_in_progress() const {
  return fragments_->datagrams_in_progress();
}

DecodeResult PacketDecoder::decode(const Packet& packet, TcpSegment& segment) {
  segment = TcpSegment{};
  segment.ts = packet.ts;
  segment.packet_number = packet.number;
  ++stats_.packets;
  if (fragments_->datagrams_in_progress() != 0) fragments_->expire(packet.ts);

  DecodeResult result = decode_link(packet, segment);
  count(result);
  return result;
}

void PacketDecoder::count(const DecodeResult& result) {
  switch (result.status) {
    case DecodeStatus::tcp:
      ++stats_.tcp;
      break;
    case DecodeStatus::not_tcp:
      ++stats_.not_tcp;
      break;
    case DecodeStatus::malformed:
      ++stats_.malformed;
      break;
    case DecodeStatus::unsupported_link_type:
      ++stats_.unsupported_link;
      break;
    case DecodeStatus::fragment_held:
      break;
  }
  const FragmentStats& fragment_stats = fragments_->stats();
  stats_.reassembled = fragment_stats.completed;
  stats_.fragments_expired = fragment_stats.expired;
  stats_.fragments_evicted = fragment_stats.evicted;
  stats_.fragments_pending = fragments_->datagrams_in_progress();
  stats_.fragment_overlaps = fragment_stats.overlaps;
}

DecodeResult PacketDecoder::decode_link(const Packet& packet, TcpSegment& segment) {
  LinkResult link = parse_link_layer(packet.link_type, packet.data);
  switch (link.status) {
    case LinkStatus::ip:
      break;
    case LinkStatus::not_ip:
      return not_tcp(link.reason);
    case LinkStatus::malformed:
      return malformed(link.reason);
    case LinkStatus::unsupported:
      return result_of(DecodeStatus::unsupported_link_type, link.reason);
  }
  // A source that leaves wire_length unset (or smaller than what it captured) is taken to
  // have captured the whole frame.
  size_t frame_wire_len = std::max<size_t>(packet.wire_length, packet.data.size());
  auto ip_wire_len = static_cast<uint32_t>(frame_wire_len - link.header_length);
  return decode_ip(link.network, ip_wire_len, link.ip_version, packet, segment);
}

DecodeResult PacketDecoder::decode_ip(Bytes ip, uint32_t ip_wire_len, uint8_t expected_version, const Packet& packet,
                                      TcpSegment& segment) {
  uint8_t first_byte;
  if (!Reader(ip).peek_u8(first_byte)) return malformed("IP header truncated");
  uint8_t version = first_byte >> 4;
  if (expected_version != 0 && version != expected_version)
    return malformed("IP version differs from the link layer's");
  if (version == 4) return decode_ipv4(ip, ip_wire_len, packet, segment);
  if (version == 6) return decode_ipv6(ip, ip_wire_len, packet, segment);
  return malformed("IP version is neither 4 nor 6");
}

DecodeResult PacketDecoder::decode_ipv4(Bytes ip, uint32_t ip_wire_len, const Packet& packet, TcpSegment& segment) {
  Reader r(ip);
  uint8_t version_and_length, protocol;
  uint16_t total_length, id, flags_and_offset;
  Bytes src, dst;
  if (!r.u8(version_and_length) || !r.skip(1) || !r.u16(total_length) || !r.u16(id) || !r.u16(flags_and_offset) ||
      !r.skip(1) || !r.u8(protocol) || !r.skip(2) || !r.bytes(4, src) || !r.bytes(4, dst)) {
    return malformed("IPv4 header truncated");
  }
  size_t header_length = static_cast<size_t>(version_and_length & 0x0f) * 4;
  if (header_length < kIpv4MinHeaderLength) return malformed("IPv4 header length below 20");
  if (!r.skip(header_length - kIpv4MinHeaderLength)) return malformed("IPv4 header truncated");

  uint32_t datagram_length;
  if (total_length == 0) {
    // Segmentation offload: a super-packet captured on the sending host before the NIC split
    // it has its total length left at 0 (Windows TSO, Linux BIG TCP). The frame's length is
    // the only one there is.
    datagram_length = ip_wire_len;
  } else if (total_length < header_length) {
    return malformed("IPv4 total length shorter than header");
  } else {
    // Bytes beyond the total length (Ethernet padding of short frames) are not the
    // datagram's; a total length beyond the frame is trusted only as far as the frame goes.
    datagram_length = std::min<uint32_t>(total_length, ip_wire_len);
  }
  uint32_t payload_wire_len = datagram_length - static_cast<uint32_t>(header_length);
  Reader payload;
  r.sub(std::min<size_t>(r.remaining(), payload_wire_len), payload);

  segment.src.addr = IpAddress::v4(src.first<4>());
  segment.dst.addr = IpAddress::v4(dst.first<4>());

  bool more_fragments = (flags_and_offset & 0x2000) != 0;
  uint32_t fragment_offset = (flags_and_offset & 0x1fffu) * 8;
  if (!more_fragments && fragment_offset == 0) {
    if (protocol != ip_protocol::tcp) return not_tcp(ip_protocol_name(protocol));
    return decode_tcp(payload.rest(), payload_wire_len, segment);
  }

  ++stats_.fragments;
  // Only TCP is reassembled: other protocols' fragments would cost memory for nothing.
  if (protocol != ip_protocol::tcp) return not_tcp(ip_protocol_name(protocol));
  if (payload.remaining() < payload_wire_len) return malformed("IP fragment cut by the snap length");
  if (header_length + fragment_offset + payload_wire_len > kMaxIpDatagram) {
    return malformed("IPv4 fragment beyond 65535 bytes");
  }
  FragmentKey key{.src = segment.src.addr, .dst = segment.dst.addr, .id = id, .protocol = protocol};
  Fragment fragment{
      .offset = fragment_offset, .data = payload.rest(), .more_fragments = more_fragments, .next_header = protocol};
  FragmentResult reassembly = fragments_->add(key, fragment, packet.ts);
  switch (reassembly.status) {
    case FragmentStatus::held:
      return result_of(DecodeStatus::fragment_held);
    case FragmentStatus::dropped:
      return result_of(DecodeStatus::fragment_held, reassembly.reason);
    case FragmentStatus::rejected:
      return malformed(reassembly.reason);
    case FragmentStatus::completed:
      break;
  }
  return decode_tcp(reassembly.payload, static_cast<uint32_t>(reassembly.payload.size()), segment);
}

DecodeResult PacketDecoder::decode_ipv6(Bytes ip, uint32_t ip_wire_len, const Packet& packet, TcpSegment& segment) {
  Reader r(ip);
  uint16_t payload_length;
  uint8_t next_header;
  Bytes src, dst;
  if (!r.skip(4) || !r.u16(payload_length) || !r.u8(next_header) || !r.skip(1) || !r.bytes(16, src) ||
      !r.bytes(16, dst)) {
    return malformed("IPv6 header truncated");
  }
  uint32_t wire_after_header = ip_wire_len - static_cast<uint32_t>(kIpv6HeaderLength);
  // A payload length of 0 is a jumbogram (RFC 2675: the real length sits in a hop-by-hop
  // option) or a Linux BIG TCP super-packet captured before segmentation. Both are real
  // traffic, not malformed: the length on the wire is used as the payload length.
  uint32_t payload_wire_len =
      payload_length == 0 ? wire_after_header : std::min<uint32_t>(payload_length, wire_after_header);
  Reader payload;
  r.sub(std::min<size_t>(r.remaining(), payload_wire_len), payload);

  segment.src.addr = IpAddress::v6(src.first<16>());
  segment.dst.addr = IpAddress::v6(dst.first<16>());
  return decode_ipv6_chain(next_header, payload, payload_wire_len, packet, segment);
}

DecodeResult PacketDecoder::decode_ipv6_chain(uint8_t next_header, Reader payload, uint32_t payload_wire_len,
                                              const Packet& packet, TcpSegment& segment) {
  // Invariant: payload_wire_len - payload.remaining() is what the snap length cut off, so
  // both shrink together as headers are consumed.
  bool reassembled = false;
  for (int headers = 0;; ++headers) {
    if (next_header == ip_protocol::tcp) return decode_tcp(payload.rest(), payload_wire_len, segment);
    if (headers == kMaxIpv6ExtensionHeaders) return malformed("IPv6 extension header chain too long");

    switch (next_header) {
      case ip_protocol::ipv6_hop_by_hop:
      case ip_protocol::ipv6_routing:
      case ip_protocol::ipv6_destination_options:
      case ip_protocol::ah: {
        uint8_t following, length_field;
        if (!payload.u8(following) || !payload.u8(length_field)) return malformed("IPv6 extension header truncated");
        // AH counts 4-byte units minus 2 (RFC 4302); the others 8-byte units minus 1 (RFC 8200).
        uint32_t length = next_header == ip_protocol::ah ? (length_field + 2u) * 4 : (length_field + 1u) * 8;
        if (!payload.skip(length - 2)) return malformed("IPv6 extension header truncated");
        payload_wire_len -= length;
        next_header = following;
        break;
      }
      case ip_protocol::ipv6_fragment: {
        uint8_t following;
        uint16_t offset_and_flags;
        uint32_t id;
        if (!payload.u8(following) || !payload.skip(1) || !payload.u16(offset_and_flags) || !payload.u32(id)) {
          return malformed("IPv6 fragment header truncated");
        }
        payload_wire_len -= kIpv6FragmentHeaderLength;
        uint32_t fragment_offset = offset_and_flags & 0xfff8u;
        bool more_fragments = (offset_and_flags & 1) != 0;
        next_header = following;
        // An atomic fragment (RFC 6946) is a whole datagram with a fragment header in it.
        if (fragment_offset == 0 && !more_fragments) break;

        if (reassembled) return malformed("IPv6 fragment header inside a reassembled datagram");
        ++stats_.fragments;
        if (!may_lead_to_tcp(following)) return not_tcp(ip_protocol_name(following));
        if (payload.remaining() < payload_wire_len) return malformed("IP fragment cut by the snap length");
        size_t unfragmentable_length = payload.offset() - kIpv6FragmentHeaderLength;
        if (unfragmentable_length + fragment_offset + payload_wire_len > kMaxIpDatagram) {
          return malformed("IPv6 fragment beyond 65535 bytes");
        }
        FragmentKey key{.src = segment.src.addr, .dst = segment.dst.addr, .id = id, .protocol = 0};
        Fragment fragment{.offset = fragment_offset,
                          .data = payload.rest(),
                          .more_fragments = more_fragments,
                          .next_header = following};
        FragmentResult reassembly = fragments_->add(key, fragment, packet.ts);
        switch (reassembly.status) {
          case FragmentStatus::held:
            return result_of(DecodeStatus::fragment_held);
          case FragmentStatus::dropped:
            return result_of(DecodeStatus::fragment_held, reassembly.reason);
          case FragmentStatus::rejected:
            return malformed(reassembly.reason);
          case FragmentStatus::completed:
            break;
        }
        reassembled = true;
        payload = Reader(reassembly.payload);
        payload_wire_len = static_cast<uint32_t>(reassembly.payload.size());
        next_header = reassembly.next_header;
        break;
      }
      default:
        return not_tcp(ip_protocol_name(next_header));  // ESP, no next header, UDP, ICMPv6...
    }
  }
}

DecodeResult PacketDecoder::decode_tcp(Bytes tcp, uint32_t tcp_wire_len, TcpSegment& segment) {
  Reader r(tcp);
  uint16_t src_port, dst_port, window;
  uint32_t seq, ack;
  uint8_t offset_byte, flags;
  if (!r.u16(src_port) || !r.u16(dst_port) || !r.u32(seq) || !r.u32(ack) || !r.u8(offset_byte) || !r.u8(flags) ||
      !r.u16(window) || !r.skip(4)) {
    return malformed("TCP header truncated");
  }
  size_t header_length = static_cast<size_t>(offset_byte >> 4) * 4;
  if (header_length < kTcpMinHeaderLength) return malformed("TCP data offset below 5");
  if (header_length > tcp_wire_len) return malformed("TCP header longer than the segment");
  if (!r.skip(header_length - kTcpMinHeaderLength)) return malformed("TCP header truncated");

  segment.src.port = src_port;
  segment.dst.port = dst_port;
  segment.seq = seq;
  segment.ack = ack;
  segment.flags = flags;
  segment.window = window;
  segment.payload = r.rest();
  segment.missing_payload = tcp_wire_len - static_cast<uint32_t>(tcp.size());
  return result_of(DecodeStatus::tcp);
}

}  // namespace tlslens
