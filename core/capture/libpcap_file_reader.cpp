#include "core/capture/libpcap_file_reader.h"

#include <algorithm>
#include <cstdio>

#include "core/util/reader.h"

namespace tlslens {

LibpcapFileReader::LibpcapFileReader(pcap_t* handle, std::shared_ptr<const StreamFault> stream_fault,
                                     std::shared_ptr<const void> stdio_buffers)
    : handle_(handle),
      stream_fault_(std::move(stream_fault)),
      stdio_buffers_(std::move(stdio_buffers)),
      link_type_(pcap_datalink(handle)),
      snaplen_(pcap_snapshot(handle)) {}

LibpcapFileReader::~LibpcapFileReader() {
  pcap_close(handle_);
}

ReadStatus LibpcapFileReader::next(Packet& out) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(handle_, &header, &data);
  if (rc == 1) {
    // With nanosecond precision requested at open, tv_usec holds nanoseconds.
    out.ts = Timestamp::from_sec_nsec(header->ts.tv_sec, header->ts.tv_usec);
    out.link_type = link_type_;
    out.data = Bytes(data, header->caplen);
    out.memory = nullptr;
    out.wire_length = std::max(header->len, header->caplen);
    return ReadStatus::packet;
  }
  if (rc == PCAP_ERROR_BREAK) return failed_read({});  // end of file
  return failed_read(pcap_geterr(handle_));
}

bool LibpcapFileReader::seek_to_record(uint64_t offset) {
  std::FILE* file = pcap_file(handle_);
  return file != nullptr && fseeko(file, static_cast<off_t>(offset), SEEK_SET) == 0;
}

ReadStatus LibpcapFileReader::failed_read(const std::string& libpcap_message) {
  // libpcap sees a decompression fault as a read error (or, between records, as the end);
  // the stream knows what really happened.
  if (stream_fault_ && stream_fault_->kind != StreamFault::Kind::none) {
    error_ = stream_fault_->message;
    return stream_fault_->kind == StreamFault::Kind::truncated ? ReadStatus::truncated : ReadStatus::error;
  }
  if (libpcap_message.empty()) return ReadStatus::end;
  error_ = libpcap_message;
  // "truncated dump file; tried to read ..." (pcap) and "truncated pcapng dump file; ..."
  bool truncated = libpcap_message.find("truncated") != std::string::npos;
  return truncated ? ReadStatus::truncated : ReadStatus::error;
}

}  // namespace tlslens
