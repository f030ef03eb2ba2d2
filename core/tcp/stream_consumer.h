// StreamConsumer: what receives one TCP connection's bytes, in order, per direction.
#pragma once

#include <cstdint>
#include <span>

#include "core/util/timestamp.h"

namespace tlslens {

enum class Direction : uint8_t { client_to_server = 0, server_to_client = 1 };

inline constexpr Direction opposite(Direction d) {
  return d == Direction::client_to_server ? Direction::server_to_client : Direction::client_to_server;
}
inline constexpr int index_of(Direction d) { return static_cast<int>(d); }
// "C>S" / "S>C", as ssldump prints directions.
inline constexpr const char* arrow(Direction d) { return d == Direction::client_to_server ? "C>S" : "S>C"; }

// Where delivered bytes came from: the segment whose arrival made them deliverable.
struct SegmentInfo {
  Timestamp ts;
  uint64_t packet_number = 0;
};

class StreamConsumer {
 public:
  virtual ~StreamConsumer() = default;
  // In-order bytes of one direction. The span is valid only during the call.
  virtual void on_data(Direction dir, std::span<const uint8_t> bytes, const SegmentInfo& at) = 0;
  // `missing_bytes` bytes of this direction were never captured; the next on_data continues after them.
  virtual void on_gap(Direction dir, uint64_t missing_bytes, const SegmentInfo& at) = 0;
  // The direction was closed by FIN (after all its bytes were delivered) or reset by RST.
  virtual void on_fin(Direction /*dir*/, const SegmentInfo& /*at*/) {}
  virtual void on_rst(Direction /*dir*/, const SegmentInfo& /*at*/) {}
};

}  // namespace tlslens
