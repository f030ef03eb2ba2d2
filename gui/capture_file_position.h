// CaptureFilePosition: where in a capture file the packets being read come from, worked out
// from the packets themselves (the core's PacketSource does not say), for two uses:
//  * progress: bytes read out of the file's size, for the load's percentage;
//  * the packet offset index (packet_offset_index.h): the byte offset of a packet record, so
//    that a connection can be re-read from its first packet instead of the file's start.
//
// Promises, by the file's first four bytes:
//  * classic pcap (uncompressed, standard record headers): exact. Every record is a 16-byte
//    header plus the captured bytes, after the 24-byte file header, so offsets are exact and
//    `exact()` is true. (Nothing is filtered out by the GUI's passes, so every record read
//    reaches advance().)
//  * pcapng (uncompressed): an estimate (an Enhanced Packet Block is 32 bytes plus the padded
//    data, not counting options and other blocks), good for a percentage, never for seeking.
//  * compressed (gzip, zstd, lz4) or anything else: unknown — total_bytes() is 0, so the
//    progress bar is indeterminate.
#pragma once

#include <cstdint>

#include <QString>

#include "core/capture/packet.h"

namespace tlslens::gui {

class CaptureFilePosition {
 public:
  enum class Layout : uint8_t { classic_pcap, pcapng, unknown };

  CaptureFilePosition() = default;
  // Looks at the file's size and first bytes; an unreadable file gives Layout::unknown.
  static CaptureFilePosition of_file(const QString& path);
  // A position in a classic pcap that starts at `offset` (a re-read that seeked there).
  static CaptureFilePosition classic_pcap_at(uint64_t offset, uint64_t file_size);

  // The packet just read: the one the pipeline is about to process. Its record starts at
  // current_record_offset() afterwards.
  void advance(const Packet& packet);

  Layout layout() const { return layout_; }
  bool exact() const { return layout_ == Layout::classic_pcap; }
  // The offset of the record of the packet last passed to advance() (exact layouts only).
  uint64_t current_record_offset() const { return current_record_offset_; }
  // Bytes of the file read so far (capped at its size: estimates may run over).
  uint64_t bytes_read() const;
  // The file's size when the layout gives a meaningful percentage, else 0.
  uint64_t total_bytes() const { return layout_ == Layout::unknown ? 0 : file_size_; }

 private:
  Layout layout_ = Layout::unknown;
  uint64_t file_size_ = 0;
  uint64_t next_record_offset_ = 0;
  uint64_t current_record_offset_ = 0;
};

}  // namespace tlslens::gui
