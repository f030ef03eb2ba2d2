// PacketOffsetIndex: where each connection of a capture file starts, recorded while the file is
// first loaded, so that selecting (or exporting) a connection late in a large file re-reads the
// file from the connection's first packet instead of from its start.
//
// Only for uncompressed classic pcap files, where record offsets are exact
// (CaptureFilePosition::exact()); pcapng and compressed files are always re-read from the start.
//
// A connection is left out (re-read from the start) when reading it alone could analyse it
// differently from the first pass: a resumed TLS session (its keys come from an earlier
// connection's session), and every connection of a load in which the flow table evicted
// connections or ended them on idle time (both depend on what came before). The rest is
// checked when used: the re-read must start a connection with the recorded first packet
// number and time at its very first packet, or it falls back to the start.
//
// 24 bytes per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/util/timestamp.h"
#include "gui/seeked_pcap_source.h"

namespace tlslens::gui {

class PacketOffsetIndex {
 public:
  struct Entry {
    SeekPoint start;  // the record of the connection's first packet; offset 0: not indexed
    Timestamp first_seen;
  };

  void record(uint64_t connection_id, SeekPoint start, Timestamp first_seen);
  // The connection must be read from the start after all.
  void forget(uint64_t connection_id);
  std::optional<Entry> find(uint64_t connection_id) const;
  size_t indexed() const;

 private:
  std::vector<Entry> entries_;  // by connection id - 1 (ids are dense, from 1)
};

}  // namespace tlslens::gui
