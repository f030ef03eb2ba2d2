// PcapngWriter: writes what was read as a pcapng file, with key material embedded in a
// Decryption Secrets Block so that the file decrypts on its own (in tlslens and Wireshark).
//
// Promises:
//  * One section, little-endian: a Section Header Block, then one Interface Description Block
//    per distinct link type met (written when the first packet of that link type arrives),
//    each with if_tsresol = 9 so timestamps keep their nanoseconds.
//  * add_secrets() writes a Decryption Secrets Block of type "TLSK" (NSS key log text). It must
//    come before the first packet: Wireshark only applies secrets to the packets after them.
//  * Every packet becomes an Enhanced Packet Block with the interface of its link type, its
//    timestamp, captured and original length, its bytes padded to 4.
//  * Writes are buffered; the first write error is kept and reported by close(), so a full disk
//    is never silent.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/capture/packet.h"

namespace tlslens {

class PcapngWriter {
 public:
  static constexpr uint32_t section_header_block = 0x0A0D0D0A;
  static constexpr uint32_t interface_description_block = 0x00000001;
  static constexpr uint32_t enhanced_packet_block = 0x00000006;
  static constexpr uint32_t decryption_secrets_block = 0x0000000A;
  static constexpr uint32_t tls_key_log_secrets = 0x544c534b;  // "TLSK"

  PcapngWriter() = default;
  // Closes without reporting errors; call close() to learn about them.
  ~PcapngWriter();
  PcapngWriter(const PcapngWriter&) = delete;
  PcapngWriter& operator=(const PcapngWriter&) = delete;

  // Creates (or truncates) `path` and writes the Section Header Block. `snaplen` is recorded
  // in every Interface Description Block (0 = no limit). Throws CaptureError on failure.
  void open(const std::string& path, uint32_t snaplen = 0);

  // Writes a Decryption Secrets Block holding `key_log_text`. Empty text writes nothing.
  // Throws std::logic_error when a packet was already written (the secrets would come too late).
  void add_secrets(std::string_view key_log_text);
  // Writes a Decryption Secrets Block here, between packets: live capture, where a key log
  // grows while we capture. tlslens (which reads every block first) and `tshark -2` apply it
  // to the whole file; a single-pass reader only to the packets after it.
  void append_secrets(std::string_view key_log_text);

  // Writes one packet (an Interface Description Block first if its link type is new).
  void write(const Packet& packet);

  // Flushes and closes. Throws CaptureError naming the file if any write failed.
  void close();

  bool is_open() const { return file_ != nullptr; }
  uint64_t packets_written() const { return packets_written_; }

 private:
  // The interface id of `link_type`, writing its Interface Description Block when new.
  uint32_t interface_for(int link_type);
  void begin_block(uint32_t type);
  void end_block();
  void append_u16(uint16_t v);
  void append_u32(uint32_t v);
  void append_u64(uint64_t v);
  void append_bytes(const void* data, size_t size);
  void append_padding();
  void flush_buffer();

  std::FILE* file_ = nullptr;
  std::string path_;
  uint32_t snaplen_ = 0;
  std::vector<uint8_t> buffer_;
  size_t block_start_ = 0;  // offset in buffer_ of the block being built
  std::unordered_map<int, uint32_t> interface_ids_;
  uint64_t packets_written_ = 0;
  int write_errno_ = 0;  // the first failure, reported by close()
};

}  // namespace tlslens
