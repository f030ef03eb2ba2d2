// LibpcapFileReader: the packet records of a pcap or pcapng file, as libpcap reads them.
//
// Promises (beyond PacketRecordReader's): timestamps in nanoseconds (the handle must be
// opened with PCAP_TSTAMP_PRECISION_NANO); libpcap's "truncated dump file" errors become
// ReadStatus::truncated; and when the FILE* under libpcap is a decompressing stream, its
// fault (compressed data ending early, or corrupt) takes precedence over what libpcap made of
// the short read — so a truncated .gz is reported as truncated, never as a clean end.
#pragma once

#include <pcap/pcap.h>

#include <memory>
#include <string>

#include "core/capture/compressed_stream.h"
#include "core/capture/packet_record_reader.h"

namespace tlslens {

class LibpcapFileReader final : public PacketRecordReader {
 public:
  // Takes ownership of `handle` (pcap_close, which also closes its FILE*).
  // `stdio_buffers`: the memory of the FILE* libpcap reads (see CaptureFileStream), kept
  // until pcap_close has closed it.
  LibpcapFileReader(pcap_t* handle, std::shared_ptr<const StreamFault> stream_fault,
                    std::shared_ptr<const void> stdio_buffers = nullptr);
  ~LibpcapFileReader() override;
  LibpcapFileReader(const LibpcapFileReader&) = delete;
  LibpcapFileReader& operator=(const LibpcapFileReader&) = delete;

  ReadStatus next(Packet& out) override;
  const std::string& error() const override { return error_; }
  bool failed_on_compressed_data() const override {
    return stream_fault_ && stream_fault_->kind != StreamFault::Kind::none;
  }
  int link_type() const override { return link_type_; }
  int snaplen() const override { return snaplen_; }

  // Moves the file under libpcap to `offset`, where a record starts (an uncompressed file
  // only); false if the file cannot seek.
  bool seek_to_record(uint64_t offset);

 private:
  // The status for a read that did not produce a packet; `libpcap_message` is empty at EOF.
  ReadStatus failed_read(const std::string& libpcap_message);

  pcap_t* handle_;
  std::shared_ptr<const StreamFault> stream_fault_;
  std::shared_ptr<const void> stdio_buffers_;  // destroyed after the destructor's pcap_close
  int link_type_;
  int snaplen_;
  std::string error_;
};

}  // namespace tlslens
