// open_classic_pcap_at: a PacketSource over a classic pcap file that starts at a given packet
// record instead of the first one — how a connection late in a large file is re-read without
// reading everything before it (see packet_offset_index.h).
//
// libpcap reads the file header, then the FILE* under it (pcap_file) is moved to the record's
// offset: libpcap reads classic pcap records straight from that FILE*, one header and one
// body at a time, so it carries on from there. Packets are numbered from `first_number`, the
// number the first one had when the whole file was read, so frame numbers match the first
// pass. Only for uncompressed classic pcap (CaptureFilePosition::exact()); a wrong offset
// makes garbage that libpcap rejects or that does not start the expected connection, and the
// caller then reads from the start.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/capture/packet_source.h"

namespace tlslens::gui {

struct SeekPoint {
  uint64_t offset = 0;        // of the packet record in the file
  uint64_t first_number = 0;  // the 1-based number of that packet in the whole file
};

// Null, with `error` set, when the file cannot be opened or the offset cannot be reached.
std::unique_ptr<PacketSource> open_classic_pcap_at(const std::string& path, SeekPoint start, std::string& error);

}  // namespace tlslens::gui
