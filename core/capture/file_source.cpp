#include "core/capture/file_source.h"

#include <pcap/pcap.h>

#include <fmt/format.h>

#include "core/capture/compressed_stream.h"
#include "core/capture/libpcap_file_reader.h"
#include "core/capture/direct_pcap_reader.h"
#include "core/capture/pcapng_reader.h"

namespace tlslens {

FileSource::FileSource(std::string path, std::unique_ptr<PacketRecordReader> reader, bool content_is_pcapng,
                       const std::string& filter)
    : path_(std::move(path)),
      reader_(std::move(reader)),
      may_switch_to_own_reader_(content_is_pcapng),
      link_type_(reader_->link_type()),
      snaplen_(reader_->snaplen()) {
  if (!filter.empty()) filter_ = std::make_unique<BpfFilter>(filter, link_type_);
}

ReadStatus FileSource::next(Packet& out) {
  if (final_status_) return *final_status_;
  for (;;) {
    out.memory = nullptr;  // only a reader that maps the file sets it
    ReadStatus status = reader_->next(out);
    if (status == ReadStatus::error && may_switch_to_own_reader_ && !reader_->failed_on_compressed_data()) {
      may_switch_to_own_reader_ = false;
      if (switch_to_own_pcapng_reader()) continue;
    }
    if (status != ReadStatus::packet) return finish(status);

    out.number = ++records_read_;
    if (filter_ && !filter_->matches(out)) {
      ++stats_.filtered_out;
      continue;
    }
    ++stats_.packets;
    if (out.cut_by_snaplen()) ++stats_.cut_by_snaplen;
    return ReadStatus::packet;
  }
}

ReadStatus FileSource::finish(ReadStatus status) {
  if (status == ReadStatus::truncated) {
    error_ = fmt::format("capture file '{}' is truncated after packet {} ({})", path_, records_read_, reader_->error());
  } else if (status == ReadStatus::error) {
    error_ = fmt::format("cannot read capture file '{}' after packet {}: {}", path_, records_read_, reader_->error());
  }
  final_status_ = status;
  return status;
}

bool FileSource::switch_to_own_pcapng_reader() {
  try {
    auto own_reader = PcapngReader::open(CaptureFileStream::open(path_), path_);
    Packet already_delivered;
    for (uint64_t i = 0; i < records_read_; ++i) {
      if (own_reader->next(already_delivered) != ReadStatus::packet) return false;
    }
    reader_ = std::move(own_reader);
    return true;
  } catch (const CaptureError&) {
    return false;  // keep libpcap's own account of the problem
  }
}

namespace {

[[noreturn]] void throw_not_a_capture(const std::string& path, const std::string& why) {
  throw CaptureError(CaptureErrorKind::not_a_capture, "'" + path + "' is not a pcap or pcapng capture (" + why + ")");
}

// The compressed data ended early or is corrupt before libpcap could read a capture header.
[[noreturn]] void throw_stream_fault(const std::string& path, const StreamFault& fault) {
  if (fault.kind == StreamFault::Kind::truncated) {
    // zstd and lz4 decode whole blocks: a small file cut short may yield nothing at all.
    throw CaptureError(CaptureErrorKind::not_a_capture,
                       "capture file '" + path + "' is truncated before its first packet (" + fault.message + ")");
  }
  throw_not_a_capture(path, fault.message);
}

// Refuses content that cannot be a capture before libpcap gives a less helpful reason.
void check_content_is_readable(const CaptureFileStream& stream, const std::string& path) {
  if (stream.fault().kind != StreamFault::Kind::none && stream.content_magic_size() < 4) {
    throw_stream_fault(path, stream.fault());
  }
  if (stream.content_is_empty()) {
    if (stream.compression() == Compression::none) throw_not_a_capture(path, "the file is empty");
    throw_not_a_capture(path, std::string("the ") + compression_name(stream.compression()) + " data is empty");
  }
}

}  // namespace

std::unique_ptr<PacketSource> open_capture_file(const FileOptions& options) {
  const std::string& path = options.path;
  CaptureFileStream stream = CaptureFileStream::open(path);
  check_content_is_readable(stream, path);
  bool pcapng = stream.content_is_pcapng();

  char libpcap_error[PCAP_ERRBUF_SIZE] = "";
  pcap_t* handle = pcap_fopen_offline_with_tstamp_precision(stream.file(), PCAP_TSTAMP_PRECISION_NANO, libpcap_error);
  std::unique_ptr<PacketRecordReader> reader;
  if (handle != nullptr) {
    std::shared_ptr<const StreamFault> fault = stream.shared_fault();
    std::shared_ptr<const void> buffers = stream.stdio_buffers();
    stream.release();  // pcap_close will fclose it
    auto libpcap = std::make_unique<LibpcapFileReader>(handle, std::move(fault), std::move(buffers));
    // An uncompressed classic pcap file is read from memory mappings (libpcap from the first
    // record that is not plain, or if it cannot be mapped).
    if (stream.compression() == Compression::none && !pcapng) {
      reader = DirectPcapReader::wrap(path, std::move(libpcap));
    } else {
      reader = std::move(libpcap);
    }
  } else if (stream.fault().kind != StreamFault::Kind::none) {
    throw_stream_fault(path, stream.fault());
  } else if (pcapng) {
    // libpcap refuses some valid pcapng files (interfaces with different link types, or
    // snapshot lengths, at the start); our own reader takes them, or explains why not.
    reader = PcapngReader::open(CaptureFileStream::open(path), path);
  } else {
    std::string why = std::string("libpcap: ") + libpcap_error;
    if (stream.compression() != Compression::none) {
      why = std::string("after ") + compression_name(stream.compression()) + " decompression, " + why;
    }
    throw_not_a_capture(path, why);
  }
  return std::make_unique<FileSource>(path, std::move(reader), pcapng, options.filter);
}

}  // namespace tlslens
