// PacketRecordReader: one way of reading the packet records of a capture file, in file order
// (libpcap, or our own pcapng block reader). FileSource puts numbering, filtering and
// statistics on top, and can switch from one reader to another mid-file.
//
// Promises: next() fills every field of the Packet except `number`, and returns
//  * ReadStatus::packet for each packet record, in file order, none skipped;
//  * ReadStatus::end when the file ends cleanly after a record;
//  * ReadStatus::truncated when the file (or its compressed data) ends inside a record;
//  * ReadStatus::error for anything else;
// and, after truncated/error, error() holds a short reason without the file name.
#pragma once

#include <string>

#include "core/capture/packet.h"
#include "core/capture/packet_source.h"

namespace tlslens {

class PacketRecordReader {
 public:
  virtual ~PacketRecordReader() = default;
  virtual ReadStatus next(Packet& out) = 0;
  virtual const std::string& error() const = 0;
  // True when the last failure came from the compressed data under the file (ended early,
  // corrupt) rather than from the capture format: another reader would fail the same way.
  virtual bool failed_on_compressed_data() const { return false; }
  // The first interface's link type and snapshot length.
  virtual int link_type() const = 0;
  virtual int snaplen() const = 0;
};

}  // namespace tlslens
