// PacketDecoder: link layer → IPv4/IPv6 (with fragment reassembly) → TCP segment.
//
// Link types: DLT_EN10MB (with 802.1Q and stacked 802.1ad/QinQ tags), DLT_LINUX_SLL,
// DLT_LINUX_SLL2, DLT_RAW / DLT_IPV4 / DLT_IPV6 (and the LINKTYPE_RAW=101 alias), DLT_NULL and
// DLT_LOOP. IPv4 with options; IPv6 with its extension-header chain (hop-by-hop, routing,
// destination options, fragment, AH). Fragments of both versions are reassembled with
// bounds: a cap on datagrams in progress, on bytes held, and a timeout in capture time.
//
// Every header is read through Reader; a packet that is too short or inconsistent yields
// DecodeStatus::malformed with a reason, never a read past its end. Packets cut by the snap
// length are decoded as far as their bytes go: the payload is what was captured and
// TcpSegment::missing_payload counts the rest. Checksums are not verified (captures taken
// on the sending host carry unfinished ones). Bytes past the IP length (Ethernet padding)
// are ignored. On the path without fragments, decode() allocates nothing.
//
// Length fields of 0 (IPv4 total length, IPv6 payload length) are offloaded super-packets
// or jumbograms captured on the sending host, not errors: the length on the wire is used.
// Fragments are reassembled only when they can carry TCP; fragments of other protocols are
// reported as not_tcp at once. A fragment cut by the snap length cannot be reassembled and
// is malformed. Incomplete datagrams expire by the timeout, checked on every decode() against
// the packet's capture time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/capture/packet.h"
#include "core/net/fragment_limits.h"
#include "core/net/tcp_segment.h"
#include "core/util/reader.h"

namespace tlslens {

enum class DecodeStatus {
  tcp,                    // `segment` is filled in
  fragment_held,          // an IP fragment was stored; the datagram is not complete yet
  not_tcp,                // a valid packet of another protocol (UDP, ICMP, ARP, ...)
  unsupported_link_type,  // a link type we do not decode
  malformed,              // `reason` says what was wrong
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::malformed;
  // Static string: why a packet is malformed or not TCP (e.g. "UDP"), or, on fragment_held,
  // why the fragment was dropped instead of stored (the reassembly caps); else empty.
  const char* reason = "";
};

struct DecoderStats {
  uint64_t packets = 0;
  uint64_t tcp = 0;
  uint64_t not_tcp = 0;
  uint64_t malformed = 0;
  uint64_t unsupported_link = 0;
  uint64_t fragments = 0;          // fragments seen (of any protocol; only TCP ones are held)
  uint64_t reassembled = 0;        // datagrams completed from fragments
  uint64_t fragments_expired = 0;  // datagrams dropped by timeout
  uint64_t fragments_evicted = 0;  // datagrams dropped by the count/byte caps
  uint64_t fragments_pending = 0;  // datagrams still incomplete (at the end of a capture: dropped too)
  uint64_t fragment_overlaps = 0;  // overlapping fragments (first copy kept)
};

class FragmentReassembler;

class PacketDecoder {
 public:
  explicit PacketDecoder(FragmentLimits limits = {});
  ~PacketDecoder();
  PacketDecoder(const PacketDecoder&) = delete;
  PacketDecoder& operator=(const PacketDecoder&) = delete;

  // Decodes one packet. On DecodeStatus::tcp, `segment.payload` points into the packet's
  // bytes or into the decoder's reassembly buffer; it stays valid until the next call.
  DecodeResult decode(const Packet& packet, TcpSegment& segment);

  // True if `link_type` is one decode() understands.
  static bool supports_link_type(int link_type);

  const DecoderStats& stats() const { return stats_; }
  // Datagrams whose fragments are held, waiting for the rest.
  size_t fragments_in_progress() const;

 private:
  // Each takes the captured bytes of its layer and that layer's length on the wire
  // (>= the captured size); the difference is what the snap length cut off.
  DecodeResult decode_link(const Packet& packet, TcpSegment& segment);
  DecodeResult decode_ip(Bytes ip, uint32_t ip_wire_len, uint8_t expected_version, const Packet& packet,
                         TcpSegment& segment);
  DecodeResult decode_ipv4(Bytes ip, uint32_t ip_wire_len, const Packet& packet, TcpSegment& segment);
  DecodeResult decode_ipv6(Bytes ip, uint32_t ip_wire_len, const Packet& packet, TcpSegment& segment);
  // Walks the IPv6 extension headers from `next_header` at the start of `payload`.
  DecodeResult decode_ipv6_chain(uint8_t next_header, Reader payload, uint32_t payload_wire_len, const Packet& packet,
                                 TcpSegment& segment);
  DecodeResult decode_tcp(Bytes tcp, uint32_t tcp_wire_len, TcpSegment& segment);
  void count(const DecodeResult& result);

  DecoderStats stats_;
  std::unique_ptr<FragmentReassembler> fragments_;
};

}  // namespace tlslens
