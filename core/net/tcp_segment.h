// TcpSegment: what the network decoders hand to TCP reassembly.
#pragma once

#include <cstdint>
#include <span>

#include "core/net/address.h"
#include "core/util/timestamp.h"

namespace tlslens {

namespace tcp_flags {
inline constexpr uint8_t fin = 0x01;
inline constexpr uint8_t syn = 0x02;
inline constexpr uint8_t rst = 0x04;
inline constexpr uint8_t psh = 0x08;
inline constexpr uint8_t ack = 0x10;
inline constexpr uint8_t urg = 0x20;
inline constexpr uint8_t ece = 0x40;
inline constexpr uint8_t cwr = 0x80;
}  // namespace tcp_flags

struct TcpSegment {
  Timestamp ts;
  uint64_t packet_number = 0;
  Endpoint src;
  Endpoint dst;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  // Captured payload bytes. When the frame was cut by the snap length, payload holds what
  // was captured and `missing_payload` counts the bytes the segment carried beyond it.
  std::span<const uint8_t> payload;
  uint32_t missing_payload = 0;

  bool has(uint8_t f) const { return (flags & f) != 0; }
};

}  // namespace tlslens
