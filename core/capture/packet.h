// Packet: one captured frame as handed from a PacketSource to the decoders.
#pragma once

#include <cstdint>
#include <span>

#include "core/util/timestamp.h"

namespace tlslens {

struct Packet {
  Timestamp ts;
  int link_type = 0;                // libpcap DLT_* value of this packet's interface
  std::span<const uint8_t> data;    // captured bytes; valid until the source's next read
  uint32_t wire_length = 0;         // original length on the wire (>= data.size())
  uint64_t number = 0;              // 1-based frame number in the source, as tshark counts

  bool cut_by_snaplen() const { return wire_length > data.size(); }
};

}  // namespace tlslens
