// PcapngReader: our own small reader of the pcapng block structure, for the files libpcap
// refuses — those whose interfaces have different link types — and for what libpcap does not
// hand out (Decryption Secrets Blocks).
//
// Promises:
//  * Reads sections one after another, each in its own byte order (so big- and little-endian
//    sections may follow each other); interface ids are per section.
//  * Each packet carries the link type of its own interface; timestamps honour the
//    interface's if_tsresol (10^-n or 2^-n) and if_tsoffset, and come out in nanoseconds.
//  * Packet records: Enhanced Packet Block, Simple Packet Block (captured length bounded by
//    interface 0's snaplen; no timestamp, so 0), and the obsolete Packet Block. Every other
//    block is skipped by its length without being held in memory.
//  * Decryption Secrets Blocks are recorded, in file order, in decryption_secrets().
//  * Untrusted lengths never drive allocation: a block length that is < 12, not a multiple
//    of 4, or over 256 MiB is an error, and a block's buffer grows only as its bytes arrive.
//    A block whose trailing length differs from its leading one is an error.
//  * A file that ends inside a block yields ReadStatus::truncated, with the block's offset.
//  * All parsing goes through Reader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/capture/compressed_stream.h"
#include "core/capture/packet_record_reader.h"
#include "core/util/reader.h"

namespace tlslens {

// A pcapng Decryption Secrets Block: key material recorded with the capture.
struct DecryptionSecrets {
  static constexpr uint32_t tls_key_log = 0x544c534b;  // "TLSK": NSS key log text
  uint32_t type = 0;
  std::vector<uint8_t> data;
};

// What an Interface Description Block says about the packets of one interface.
struct PcapngInterface {
  int link_type = 0;
  uint32_t snaplen = 0;  // 0 = no limit
  bool resolution_is_power_of_two = false;
  uint8_t resolution_exponent = 6;  // timestamps count units of 10^-n (or 2^-n) seconds
  int64_t offset_seconds = 0;       // if_tsoffset: added to every timestamp
};

class PcapngReader final : public PacketRecordReader {
 public:
  static constexpr uint32_t max_block_length = 256u * 1024 * 1024;

  // Takes a stream positioned at the start of the content. Reads the Section Header Block
  // and the blocks up to the first Interface Description Block (so link_type() is known).
  // Throws CaptureError(not_a_capture) when the content does not start with a complete,
  // valid Section Header Block. `name` is used in messages.
  static std::unique_ptr<PcapngReader> open(CaptureFileStream stream, const std::string& name);

  ReadStatus next(Packet& out) override;
  const std::string& error() const override { return error_; }
  // The first interface of the file; DLT_EN10MB and 262144 when the file has none.
  int link_type() const override;
  int snaplen() const override;

  const std::vector<DecryptionSecrets>& decryption_secrets() const { return decryption_secrets_; }
  // The interfaces of the current section.
  const std::vector<PcapngInterface>& interfaces() const { return interfaces_; }
  uint64_t packets_read() const { return packets_read_; }

 private:
  explicit PcapngReader(CaptureFileStream stream);

  // How far one internal step got.
  enum class Outcome { done, packet, end, truncated, error };

  // Reads the next whole block: its type into block_type_ and, for the block types that are
  // interpreted, the bytes between the length fields into block_body_.
  Outcome read_block();
  Outcome read_section_header_start(Bytes length_bytes, uint32_t& length);
  Outcome read_body(uint32_t body_length, bool keep);
  Outcome read_exactly(std::span<uint8_t> out);
  Outcome explain_short_read();
  Outcome fail(Outcome outcome, std::string message);
  static ReadStatus to_status(Outcome outcome);

  // Interprets the block just read: done when it was consumed, packet when it filled `out`.
  Outcome handle_block(Packet& out);
  Outcome parse_section_header(Reader body);
  Outcome parse_interface(Reader body);
  Outcome parse_decryption_secrets(Reader body);
  Outcome parse_enhanced_packet(Reader body, Packet& out);
  Outcome parse_simple_packet(Reader body, Packet& out);
  Outcome parse_obsolete_packet(Reader body, Packet& out);
  Outcome deliver(uint32_t interface_id, uint64_t time_units, uint32_t captured_length, uint32_t wire_length,
                  Reader& body, Packet& out);
  std::string where() const;

  bool read_u16(Reader& r, uint16_t& v) const { return little_endian_ ? r.u16le(v) : r.u16(v); }
  bool read_u32(Reader& r, uint32_t& v) const { return little_endian_ ? r.u32le(v) : r.u32(v); }
  bool read_u64(Reader& r, uint64_t& v) const { return little_endian_ ? r.u64le(v) : r.u64(v); }

  CaptureFileStream stream_;
  uint64_t offset_ = 0;        // bytes of content consumed
  uint64_t block_offset_ = 0;  // where the current block starts
  uint32_t block_type_ = 0;
  uint32_t block_length_ = 0;
  std::vector<uint8_t> block_body_;
  std::vector<uint8_t> scratch_;  // for blocks that are skipped
  bool little_endian_ = true;
  bool have_first_interface_ = false;
  PcapngInterface first_interface_;
  std::vector<PcapngInterface> interfaces_;
  std::vector<DecryptionSecrets> decryption_secrets_;
  uint64_t packets_read_ = 0;
  // What reading ahead at open met: a packet block still to interpret, or an outcome (end,
  // truncated, error) for the first next() to return.
  bool block_pending_ = false;
  std::optional<Outcome> deferred_outcome_;
  std::string error_;
};

}  // namespace tlslens
