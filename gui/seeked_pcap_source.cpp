#include "gui/seeked_pcap_source.h"

#include <pcap/pcap.h>
#include <sys/types.h>

#include <algorithm>
#include <cstdio>

namespace tlslens::gui {

namespace {

class SeekedPcapSource final : public PacketSource {
 public:
  SeekedPcapSource(pcap_t* handle, std::string description, uint64_t first_number)
      : handle_(handle),
        description_(std::move(description)),
        next_number_(first_number),
        link_type_(pcap_datalink(handle)),
        snaplen_(pcap_snapshot(handle)) {}
  ~SeekedPcapSource() override { pcap_close(handle_); }
  SeekedPcapSource(const SeekedPcapSource&) = delete;
  SeekedPcapSource& operator=(const SeekedPcapSource&) = delete;

  ReadStatus next(Packet& out) override {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(handle_, &header, &data);
    if (rc == 1) {
      // Opened with nanosecond precision: tv_usec holds nanoseconds (as in the core's reader).
      out.ts = Timestamp::from_sec_nsec(header->ts.tv_sec, header->ts.tv_usec);
      out.link_type = link_type_;
      out.data = std::span<const uint8_t>(data, header->caplen);
      out.memory = nullptr;
      out.wire_length = std::max(header->len, header->caplen);
      out.number = next_number_++;
      ++stats_.packets;
      if (out.cut_by_snaplen()) ++stats_.cut_by_snaplen;
      return ReadStatus::packet;
    }
    if (rc == PCAP_ERROR_BREAK) return ReadStatus::end;
    error_ = description_ + ": " + pcap_geterr(handle_);
    return error_.find("truncated") != std::string::npos ? ReadStatus::truncated : ReadStatus::error;
  }

  const std::string& error() const override { return error_; }
  CaptureStats stats() const override { return stats_; }
  int link_type() const override { return link_type_; }
  int snaplen() const override { return snaplen_; }
  const std::string& description() const override { return description_; }

 private:
  pcap_t* handle_;
  std::string description_;
  uint64_t next_number_;
  int link_type_;
  int snaplen_;
  CaptureStats stats_;
  std::string error_;
};

}  // namespace

std::unique_ptr<PacketSource> open_classic_pcap_at(const std::string& path, SeekPoint start, std::string& error) {
  char libpcap_error[PCAP_ERRBUF_SIZE] = "";
  pcap_t* handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, libpcap_error);
  if (handle == nullptr) {
    error = libpcap_error;
    return nullptr;
  }
  std::FILE* file = pcap_file(handle);
  if (file == nullptr || fseeko(file, static_cast<off_t>(start.offset), SEEK_SET) != 0) {
    error = "cannot seek to offset " + std::to_string(start.offset);
    pcap_close(handle);
    return nullptr;
  }
  return std::make_unique<SeekedPcapSource>(handle, "capture file '" + path + "'", start.first_number);
}

}  // namespace tlslens::gui
