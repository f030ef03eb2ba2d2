#include "core/capture/pcapng_writer.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <pcap/pcap.h>

#include "core/capture/packet_source.h"

namespace tlslens {

namespace {

// Blocks are gathered in memory and handed to stdio in large pieces: one fwrite per packet
// would cost more than the analysis of the packet.
constexpr size_t flush_threshold = 1024 * 1024;

constexpr uint16_t option_end = 0;
constexpr uint16_t option_shb_userappl = 4;
constexpr uint16_t option_if_tsresol = 9;
constexpr uint8_t nanosecond_resolution = 9;  // 10^-9 s

constexpr uint32_t byte_order_magic = 0x1A2B3C4D;
constexpr uint64_t section_length_unknown = ~uint64_t{0};

std::string describe_errno(int error) { return std::strerror(error); }

// Files carry LINKTYPE_* values, libpcap hands out DLT_* values; they differ for raw IP, whose
// DLT value even differs between systems (12, or 14 on OpenBSD). The others we meet are equal.
constexpr uint16_t linktype_raw = 101;
uint16_t file_link_type(int dlt) {
  if (dlt == DLT_RAW || dlt == 14) return linktype_raw;
  return static_cast<uint16_t>(dlt);
}

}  // namespace

PcapngWriter::~PcapngWriter() {
  if (file_) std::fclose(file_);
}

void PcapngWriter::open(const std::string& path, uint32_t snaplen) {
  if (file_) throw std::logic_error("PcapngWriter::open: already open");
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) {
    const int error = errno;
    throw CaptureError(error == EACCES ? CaptureErrorKind::permission_denied : CaptureErrorKind::other,
                       "cannot write " + path + ": " + describe_errno(error));
  }
  path_ = path;
  snaplen_ = snaplen;
  buffer_.clear();
  buffer_.reserve(flush_threshold + 64 * 1024);
  interface_ids_.clear();
  packets_written_ = 0;
  write_errno_ = 0;

  begin_block(section_header_block);
  append_u32(byte_order_magic);
  append_u16(1);  // major version
  append_u16(0);  // minor version
  append_u64(section_length_unknown);
  static constexpr std::string_view application = "tlslens " TLSLENS_VERSION;
  append_u16(option_shb_userappl);
  append_u16(static_cast<uint16_t>(application.size()));
  append_bytes(application.data(), application.size());
  append_padding();
  append_u16(option_end);
  append_u16(0);
  end_block();
}

void PcapngWriter::add_secrets(std::string_view key_log_text) {
  if (!file_) throw std::logic_error("PcapngWriter::add_secrets: not open");
  if (packets_written_ > 0)
    throw std::logic_error("PcapngWriter::add_secrets: secrets must come before the first packet");
  append_secrets(key_log_text);
}

void PcapngWriter::append_secrets(std::string_view key_log_text) {
  if (!file_) throw std::logic_error("PcapngWriter::append_secrets: not open");
  if (key_log_text.empty()) return;
  begin_block(decryption_secrets_block);
  append_u32(tls_key_log_secrets);
  append_u32(static_cast<uint32_t>(key_log_text.size()));
  append_bytes(key_log_text.data(), key_log_text.size());
  append_padding();
  end_block();
}

void PcapngWriter::write(const Packet& packet) {
  if (!file_) throw std::logic_error("PcapngWriter::write: not open");
  const uint32_t interface_id = interface_for(packet.link_type);
  const auto captured = static_cast<uint32_t>(packet.data.size());
  const auto time_units = static_cast<uint64_t>(packet.ts.ns);
  begin_block(enhanced_packet_block);
  append_u32(interface_id);
  append_u32(static_cast<uint32_t>(time_units >> 32));
  append_u32(static_cast<uint32_t>(time_units));
  append_u32(captured);
  // A source that does not know the wire length reports 0; never claim less than we hold.
  append_u32(packet.wire_length > captured ? packet.wire_length : captured);
  append_bytes(packet.data.data(), packet.data.size());
  append_padding();
  end_block();
  ++packets_written_;
  if (buffer_.size() >= flush_threshold) flush_buffer();
}

void PcapngWriter::close() {
  if (!file_) return;
  flush_buffer();
  if (std::fflush(file_) != 0 && write_errno_ == 0) write_errno_ = errno;
  if (std::fclose(file_) != 0 && write_errno_ == 0) write_errno_ = errno;
  file_ = nullptr;
  if (write_errno_ != 0)
    throw CaptureError(CaptureErrorKind::other, "cannot write " + path_ + ": " + describe_errno(write_errno_));
}

uint32_t PcapngWriter::interface_for(int link_type) {
  auto found = interface_ids_.find(link_type);
  if (found != interface_ids_.end()) return found->second;
  const auto id = static_cast<uint32_t>(interface_ids_.size());
  interface_ids_.emplace(link_type, id);
  begin_block(interface_description_block);
  append_u16(file_link_type(link_type));
  append_u16(0);  // reserved
  append_u32(snaplen_);
  append_u16(option_if_tsresol);
  append_u16(1);
  buffer_.push_back(nanosecond_resolution);
  append_padding();
  append_u16(option_end);
  append_u16(0);
  end_block();
  return id;
}

void PcapngWriter::begin_block(uint32_t type) {
  block_start_ = buffer_.size();
  append_u32(type);
  append_u32(0);  // total length, filled in by end_block()
}

void PcapngWriter::end_block() {
  const auto total_length = static_cast<uint32_t>(buffer_.size() - block_start_ + 4);
  append_u32(total_length);
  for (size_t i = 0; i < 4; ++i) buffer_[block_start_ + 4 + i] = static_cast<uint8_t>(total_length >> (8 * i));
}

void PcapngWriter::append_u16(uint16_t v) {
  buffer_.push_back(static_cast<uint8_t>(v));
  buffer_.push_back(static_cast<uint8_t>(v >> 8));
}

void PcapngWriter::append_u32(uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) buffer_.push_back(static_cast<uint8_t>(v >> shift));
}

void PcapngWriter::append_u64(uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) buffer_.push_back(static_cast<uint8_t>(v >> shift));
}

void PcapngWriter::append_bytes(const void* data, size_t size) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  buffer_.insert(buffer_.end(), bytes, bytes + size);
}

void PcapngWriter::append_padding() {
  // Every field of variable length is padded to 32 bits, counted from the block start.
  while ((buffer_.size() - block_start_) % 4 != 0) buffer_.push_back(0);
}

void PcapngWriter::flush_buffer() {
  if (buffer_.empty()) return;
  errno = 0;
  if (write_errno_ == 0 && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
    write_errno_ = errno ? errno : EIO;
  buffer_.clear();
}

}  // namespace tlslens
