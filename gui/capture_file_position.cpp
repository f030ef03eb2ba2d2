#include "gui/capture_file_position.h"

#include <algorithm>
#include <array>

#include <QFile>

namespace tlslens::gui {

namespace {

constexpr uint64_t kPcapFileHeaderBytes = 24;
constexpr uint64_t kPcapRecordHeaderBytes = 16;
// Section Header + Interface Description blocks without options, before the first packet.
constexpr uint64_t kPcapngHeaderEstimate = 28 + 20;
constexpr uint64_t kPcapngPacketBlockOverhead = 32;

// The classic pcap magics libpcap reads with 16-byte record headers (µs and ns, either byte
// order). The "modified" formats with longer record headers are left as unknown.
bool is_classic_pcap(const std::array<uint8_t, 4>& m) {
  static constexpr std::array<std::array<uint8_t, 4>, 4> kMagics{{
      {0xd4, 0xc3, 0xb2, 0xa1},  // µs, little-endian
      {0xa1, 0xb2, 0xc3, 0xd4},  // µs, big-endian
      {0x4d, 0x3c, 0xb2, 0xa1},  // ns, little-endian
      {0xa1, 0xb2, 0x3c, 0x4d},  // ns, big-endian
  }};
  return std::find(kMagics.begin(), kMagics.end(), m) != kMagics.end();
}

}  // namespace

CaptureFilePosition CaptureFilePosition::of_file(const QString& path) {
  CaptureFilePosition position;
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return position;
  std::array<uint8_t, 4> magic{};
  if (file.read(reinterpret_cast<char*>(magic.data()), 4) != 4) return position;
  position.file_size_ = static_cast<uint64_t>(file.size());
  if (is_classic_pcap(magic)) {
    position.layout_ = Layout::classic_pcap;
    position.next_record_offset_ = kPcapFileHeaderBytes;
  } else if (magic == std::array<uint8_t, 4>{0x0a, 0x0d, 0x0d, 0x0a}) {
    position.layout_ = Layout::pcapng;
    position.next_record_offset_ = kPcapngHeaderEstimate;
  }
  return position;
}

CaptureFilePosition CaptureFilePosition::classic_pcap_at(uint64_t offset, uint64_t file_size) {
  CaptureFilePosition position;
  position.layout_ = Layout::classic_pcap;
  position.file_size_ = file_size;
  position.next_record_offset_ = offset;
  return position;
}

void CaptureFilePosition::advance(const Packet& packet) {
  current_record_offset_ = next_record_offset_;
  const uint64_t captured = packet.data.size();
  switch (layout_) {
    case Layout::classic_pcap:
      next_record_offset_ += kPcapRecordHeaderBytes + captured;
      break;
    case Layout::pcapng:
      next_record_offset_ += kPcapngPacketBlockOverhead + ((captured + 3) & ~uint64_t{3});
      break;
    case Layout::unknown:
      break;
  }
}

uint64_t CaptureFilePosition::bytes_read() const {
  return std::min(next_record_offset_, file_size_);
}

}  // namespace tlslens::gui
