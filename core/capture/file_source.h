// FileSource: the PacketSource of a capture file (see packet_source.h for what it promises).
//
// It reads records through a PacketRecordReader — libpcap first — and puts on top what must
// not depend on the reader: 1-based record numbers in file order that count every record
// (those the filter rejects too, so numbers match tshark's frame.number on the unfiltered
// file), the BPF filter, statistics, and messages that name the file and the last packet.
//
// The filter is applied with pcap_offline_filter, not installed with pcap_setfilter: on a
// file, libpcap would skip rejected records silently and their numbers would be lost.
//
// libpcap stops reading a pcapng file at the first interface whose link type differs from
// the first one's. When libpcap fails on a pcapng file, FileSource reopens it with our own
// PcapngReader, skips the records libpcap already delivered, and carries on from there
// (unless the failure came from the compressed data, which would fail the same way).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/capture/bpf_filter.h"
#include "core/capture/packet_record_reader.h"
#include "core/capture/packet_source.h"

namespace tlslens {

class FileSource final : public PacketSource {
 public:
  // `content_is_pcapng`: whether switching to PcapngReader is worth trying when `reader`
  // fails. Throws CaptureError(invalid_filter) when the filter does not compile.
  FileSource(std::string path, std::unique_ptr<PacketRecordReader> reader, bool content_is_pcapng,
             const std::string& filter);

  ReadStatus next(Packet& out) override;
  const std::string& error() const override { return error_; }
  CaptureStats stats() const override { return stats_; }
  int link_type() const override { return link_type_; }
  int snaplen() const override { return snaplen_; }
  const std::string& description() const override { return path_; }

  // The reader in use now (for tests and for what only one reader offers, e.g. pcapng DSBs).
  const PacketRecordReader& reader() const { return *reader_; }

 private:
  bool switch_to_own_pcapng_reader();
  ReadStatus finish(ReadStatus status);

  std::string path_;
  std::unique_ptr<PacketRecordReader> reader_;
  bool may_switch_to_own_reader_;
  std::unique_ptr<BpfFilter> filter_;
  int link_type_;
  int snaplen_;
  uint64_t records_read_ = 0;
  CaptureStats stats_;
  std::optional<ReadStatus> final_status_;  // end, truncated and error are repeated, never re-read
  std::string error_;
};

}  // namespace tlslens
