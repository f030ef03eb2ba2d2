// Fuzzes link-layer, IPv4/IPv6 (with fragment reassembly) and TCP header decoding.
// Input: one byte choosing the link type, then a sequence of packets, each preceded by a
// 2-byte length, all fed to one decoder (so fragments of different packets meet).
#include <pcap/dlt.h>

#include <cstdint>
#include <span>

#include "core/net/packet_decoder.h"
#include "core/util/reader.h"

namespace {
constexpr int kLinkTypes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
                              DLT_IPV6,   DLT_NULL,      DLT_LOOP,       101,     12345};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tlslens::Reader in(std::span<const uint8_t>(data, size));
  uint8_t selector;
  if (!in.u8(selector)) return 0;
  tlslens::FragmentLimits limits;
  limits.max_datagrams = 8;
  limits.max_bytes = 256 * 1024;
  tlslens::PacketDecoder decoder(limits);
  tlslens::Packet packet;
  packet.link_type = kLinkTypes[selector % std::size(kLinkTypes)];
  uint16_t length;
  tlslens::Bytes bytes;
  while (in.u16(length) && in.bytes(length, bytes)) {
    packet.data = bytes;
    packet.wire_length = static_cast<uint32_t>(bytes.size()) + (selector & 0x80 ? 100 : 0);
    packet.ts.ns += 1'000'000'000;
    ++packet.number;
    tlslens::TcpSegment segment;
    tlslens::DecodeResult r = decoder.decode(packet, segment);
    if (r.status == tlslens::DecodeStatus::tcp) {
      // Touch every payload byte so ASan sees any out-of-bounds span.
      volatile uint8_t sink = 0;
      for (uint8_t b : segment.payload) sink = sink ^ b;
      (void)sink;
    }
  }
  return 0;
}
