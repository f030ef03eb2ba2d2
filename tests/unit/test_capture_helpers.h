// Helpers for the capture tests: temporary files, pcap files written through libpcap,
// pcapng files written byte by byte (either byte order), compression with the real
// libraries, and a loop that drains a PacketSource.
#pragma once

#include <gtest/gtest.h>
#include <lz4frame.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/capture/packet_source.h"

namespace tlslens::capture_test {

using ByteVector = std::vector<uint8_t>;

// A directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tlslens-capture-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, const ByteVector& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline ByteVector read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return ByteVector(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline ByteVector first_bytes(const ByteVector& bytes, size_t n) {
  return ByteVector(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min(n, bytes.size())));
}

// ---- frames ---------------------------------------------------------------------------

inline void append_be16(ByteVector& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// An IPv4 + TCP packet (no payload unless given) between 10.0.0.1 and 10.0.0.2.
inline ByteVector ipv4_tcp(uint16_t src_port, uint16_t dst_port, size_t payload_size = 0) {
  ByteVector ip = {0x45, 0x00};
  append_be16(ip, static_cast<uint16_t>(20 + 20 + payload_size));
  ip.insert(ip.end(), {0x12, 0x34, 0x40, 0x00, 64, 6, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2});
  append_be16(ip, src_port);
  append_be16(ip, dst_port);
  ip.insert(ip.end(), {0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0});
  ip.insert(ip.end(), payload_size, 0xab);
  return ip;
}

inline ByteVector ethernet_tcp(uint16_t src_port, uint16_t dst_port, size_t payload_size = 0) {
  ByteVector frame = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00};
  ByteVector ip = ipv4_tcp(src_port, dst_port, payload_size);
  frame.insert(frame.end(), ip.begin(), ip.end());
  return frame;
}

// DLT_NULL: the address family in the capturing host's order (little-endian here).
inline ByteVector null_tcp(uint16_t src_port, uint16_t dst_port) {
  ByteVector frame = {2, 0, 0, 0};
  ByteVector ip = ipv4_tcp(src_port, dst_port);
  frame.insert(frame.end(), ip.begin(), ip.end());
  return frame;
}

// ---- pcap through libpcap -------------------------------------------------------------

struct TestRecord {
  int64_t seconds = 0;
  int64_t fraction = 0;  // µs or ns, as the file's precision says
  ByteVector data;
  uint32_t wire_length = 0;  // 0: data.size()
};

inline void write_pcap(const std::string& path, int link_type, const std::vector<TestRecord>& records,
                       bool nanosecond = false, int snaplen = 262144) {
  pcap_t* dead = pcap_open_dead_with_tstamp_precision(
      link_type, snaplen, nanosecond ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
  ASSERT_NE(dead, nullptr);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  ASSERT_NE(dumper, nullptr) << pcap_geterr(dead);
  for (const TestRecord& record : records) {
    pcap_pkthdr header{};
    header.ts.tv_sec = record.seconds;
    header.ts.tv_usec = record.fraction;
    header.caplen = static_cast<bpf_u_int32>(record.data.size());
    header.len = record.wire_length != 0 ? record.wire_length : header.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, record.data.data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
}

// ---- pcapng by hand -------------------------------------------------------------------

// Writes pcapng blocks in one byte order; every block is framed correctly unless the test
// asks for a raw one.
class PcapngWriter {
 public:
  explicit PcapngWriter(bool little_endian = true) : little_endian_(little_endian) {}

  ByteVector& bytes() { return bytes_; }

  PcapngWriter& section_header() {
    ByteVector body;
    put32(body, 0x1a2b3c4d);
    put16(body, 1);
    put16(body, 0);
    put64(body, ~uint64_t{0});  // section length unknown
    return block(0x0a0d0d0a, body);
  }

  // `resolution`: the if_tsresol byte (absent when nullopt); `offset_seconds`: if_tsoffset.
  PcapngWriter& interface(uint16_t link_type, uint32_t snaplen = 262144, std::optional<uint8_t> resolution = {},
                          std::optional<int64_t> offset_seconds = {}) {
    ByteVector body;
    put16(body, link_type);
    put16(body, 0);
    put32(body, snaplen);
    ByteVector name = {'e', 't', 'h', '0', 'x'};  // if_name, length 5: exercises option padding
    option(body, 2, name);
    if (resolution) option(body, 9, ByteVector{*resolution});
    if (offset_seconds) {
      ByteVector value;
      put64(value, static_cast<uint64_t>(*offset_seconds));
      option(body, 14, value);
    }
    option(body, 0, {});
    return block(1, body);
  }

  PcapngWriter& enhanced_packet(uint32_t interface_id, uint64_t time_units, const ByteVector& data,
                                uint32_t wire_length = 0) {
    ByteVector body;
    put32(body, interface_id);
    put32(body, static_cast<uint32_t>(time_units >> 32));
    put32(body, static_cast<uint32_t>(time_units));
    put32(body, static_cast<uint32_t>(data.size()));
    put32(body, wire_length != 0 ? wire_length : static_cast<uint32_t>(data.size()));
    padded(body, data);
    return block(6, body);
  }

  // `stored` bytes are in the block: the writer cut the packet to interface 0's snaplen.
  PcapngWriter& simple_packet(uint32_t wire_length, const ByteVector& stored) {
    ByteVector body;
    put32(body, wire_length);
    padded(body, stored);
    return block(3, body);
  }

  PcapngWriter& obsolete_packet(uint16_t interface_id, uint64_t time_units, const ByteVector& data) {
    ByteVector body;
    put16(body, interface_id);
    put16(body, 0);
    put32(body, static_cast<uint32_t>(time_units >> 32));
    put32(body, static_cast<uint32_t>(time_units));
    put32(body, static_cast<uint32_t>(data.size()));
    put32(body, static_cast<uint32_t>(data.size()));
    padded(body, data);
    return block(2, body);
  }

  PcapngWriter& decryption_secrets(uint32_t type, const ByteVector& data) {
    ByteVector body;
    put32(body, type);
    put32(body, static_cast<uint32_t>(data.size()));
    padded(body, data);
    return block(0x0a, body);
  }

  PcapngWriter& block(uint32_t type, const ByteVector& body) {
    uint32_t length = static_cast<uint32_t>(12 + body.size());
    put32(bytes_, type);
    put32(bytes_, length);
    bytes_.insert(bytes_.end(), body.begin(), body.end());
    put32(bytes_, length);
    return *this;
  }

  // Type, then `length` as both leading and trailing length, around `body` as given.
  PcapngWriter& raw_block(uint32_t type, uint32_t leading_length, const ByteVector& body, uint32_t trailing_length) {
    put32(bytes_, type);
    put32(bytes_, leading_length);
    bytes_.insert(bytes_.end(), body.begin(), body.end());
    put32(bytes_, trailing_length);
    return *this;
  }

 private:
  void put16(ByteVector& out, uint16_t v) const {
    if (little_endian_) {
      out.insert(out.end(), {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)});
    } else {
      out.insert(out.end(), {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
    }
  }
  void put32(ByteVector& out, uint32_t v) const {
    for (int i = 0; i < 4; ++i) {
      int shift = little_endian_ ? 8 * i : 8 * (3 - i);
      out.push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  void put64(ByteVector& out, uint64_t v) const {
    for (int i = 0; i < 8; ++i) {
      int shift = little_endian_ ? 8 * i : 8 * (7 - i);
      out.push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  static void padded(ByteVector& out, const ByteVector& data) {
    out.insert(out.end(), data.begin(), data.end());
    out.insert(out.end(), (4 - data.size() % 4) % 4, 0);
  }
  void option(ByteVector& out, uint16_t code, const ByteVector& value) const {
    put16(out, code);
    put16(out, static_cast<uint16_t>(value.size()));
    padded(out, value);
  }

  bool little_endian_;
  ByteVector bytes_;
};

// ---- compression ----------------------------------------------------------------------

inline ByteVector gzip_compress(const ByteVector& input) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  ByteVector output(deflateBound(&stream, static_cast<uLong>(input.size())) + 64);
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = output.data();
  stream.avail_out = static_cast<uInt>(output.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  output.resize(stream.total_out);
  deflateEnd(&stream);
  return output;
}

inline ByteVector zstd_compress(const ByteVector& input) {
  ByteVector output(ZSTD_compressBound(input.size()));
  size_t size = ZSTD_compress(output.data(), output.size(), input.data(), input.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  output.resize(size);
  return output;
}

inline ByteVector lz4_compress(const ByteVector& input) {
  ByteVector output(LZ4F_compressFrameBound(input.size(), nullptr));
  size_t size = LZ4F_compressFrame(output.data(), output.size(), input.data(), input.size(), nullptr);
  EXPECT_FALSE(LZ4F_isError(size));
  output.resize(size);
  return output;
}

// ---- reading --------------------------------------------------------------------------

struct ReadPacket {
  uint64_t number = 0;
  int64_t ts_ns = 0;
  int link_type = 0;
  ByteVector data;
  uint32_t wire_length = 0;
};

struct ReadResult {
  std::vector<ReadPacket> packets;
  ReadStatus final_status = ReadStatus::error;
  std::string error;
  CaptureStats stats;
};

inline ReadResult read_all(PacketSource& source, size_t limit = 1'000'000) {
  ReadResult result;
  Packet packet;
  for (size_t i = 0; i <= limit; ++i) {
    ReadStatus status = source.next(packet);
    if (status != ReadStatus::packet) {
      result.final_status = status;
      result.error = source.error();
      break;
    }
    result.packets.push_back(ReadPacket{packet.number, packet.ts.ns, packet.link_type,
                                        ByteVector(packet.data.begin(), packet.data.end()), packet.wire_length});
  }
  result.stats = source.stats();
  return result;
}

inline ReadResult read_file_capture(const std::string& path, const std::string& filter = {}) {
  auto source = open_capture_file(FileOptions{path, filter});
  return read_all(*source);
}

// Where the shared corpus lives: $TLSLENS_SHARED_DIR, or ../shared beside the source tree.
inline std::optional<std::filesystem::path> shared_corpus_dir() {
  std::filesystem::path shared;
  if (const char* env = std::getenv("TLSLENS_SHARED_DIR"); env != nullptr && *env != '\0') {
    shared = env;
  } else {
    // This file is tests/unit/test_capture_helpers.h in the source tree.
    shared = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared";
  }
  std::filesystem::path corpus = shared / "corpus";
  if (!std::filesystem::is_directory(corpus)) return std::nullopt;
  return corpus;
}

}  // namespace tlslens::capture_test
