// Packet: one captured frame as handed from a PacketSource to the decoders.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "core/util/timestamp.h"

namespace tlslens {

// Memory that packets' bytes live in when they may outlive the source's next read (a block
// of the capture file read by DirectPcapReader): while `keep` is held, [begin, end) stays readable.
struct PacketMemory {
  const uint8_t* begin = nullptr;
  const uint8_t* end = nullptr;
  std::shared_ptr<const void> keep;

  bool holds(std::span<const uint8_t> bytes) const {
    return !bytes.empty() && bytes.data() >= begin && bytes.data() + bytes.size() <= end;
  }
};

struct Packet {
  Timestamp ts;
  int link_type = 0;                // libpcap DLT_* value of this packet's interface
  std::span<const uint8_t> data;    // captured bytes; valid until the source's next read
  uint32_t wire_length = 0;         // original length on the wire (>= data.size())
  uint64_t number = 0;              // 1-based frame number in the source, as tshark counts
  // Where `data` lives if it can be kept past the next read (null: it cannot; copy it).
  const PacketMemory* memory = nullptr;

  bool cut_by_snaplen() const { return wire_length > data.size(); }
};

}  // namespace tlslens
