#include "core/capture/pcapng_reader.h"

#include <pcap/dlt.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "core/capture/pcapng_format.h"

namespace tlslens {
namespace {

using pcapng::kBlockFramingSize;
using pcapng::kByteOrderMagic;
using pcapng::kDecryptionSecretsBlock;
using pcapng::kEnhancedPacketBlock;
using pcapng::kInterfaceDescriptionBlock;
using pcapng::kObsoletePacketBlock;
using pcapng::kSectionHeaderBlock;
using pcapng::kSimplePacketBlock;

constexpr uint16_t kOptionEnd = 0;
constexpr uint16_t kOptionTimestampResolution = 9;
constexpr uint16_t kOptionTimestampOffset = 14;

constexpr size_t kBlockHeaderSize = 8;    // type, leading length
constexpr size_t kFirstBodyChunk = 64 * 1024;
constexpr int kDefaultSnaplen = 262144;

// Seconds are kept within what an int64 count of nanoseconds can hold (about ±292 years),
// so that hostile timestamps cannot overflow.
constexpr int64_t kMaxSeconds = 9'000'000'000;

bool is_packet_block(uint32_t type) {
  return type == kEnhancedPacketBlock || type == kSimplePacketBlock || type == kObsoletePacketBlock;
}

// Blocks we interpret are read into memory; every other block is skipped.
bool is_interpreted_block(uint32_t type) {
  return is_packet_block(type) || type == kSectionHeaderBlock || type == kInterfaceDescriptionBlock ||
         type == kDecryptionSecretsBlock;
}

uint64_t shift_right(uint64_t value, unsigned bits) {
  return bits >= 64 ? 0 : value >> bits;
}

uint64_t power_of_ten(unsigned exponent) {
  uint64_t result = 1;
  for (unsigned i = 0; i < exponent; ++i) result *= 10;
  return result;
}

int64_t clamp_seconds(int64_t seconds) {
  return std::clamp(seconds, -kMaxSeconds, kMaxSeconds);
}

// Converts a count of the interface's time units into a Timestamp, without overflow.
Timestamp timestamp_from_units(uint64_t units, const PcapngInterface& interface) {
  uint64_t seconds = 0;
  uint64_t nanoseconds = 0;
  unsigned exponent = interface.resolution_exponent;
  if (interface.resolution_is_power_of_two) {
    seconds = shift_right(units, exponent);
    uint64_t fraction = exponent >= 64 ? units : units & ((uint64_t{1} << exponent) - 1);
    // fraction < 2^34 keeps fraction * 10^9 below 2^64; finer bits are below a nanosecond.
    if (exponent > 34) {
      fraction = shift_right(fraction, exponent - 34);
      exponent = 34;
    }
    nanoseconds = (fraction * 1'000'000'000) >> exponent;
  } else if (exponent > 19) {
    // 10^20 exceeds any 64-bit count: the whole value is a fraction of a second.
    unsigned divisor_exponent = exponent - 9;
    nanoseconds = divisor_exponent > 19 ? 0 : units / power_of_ten(divisor_exponent);
  } else {
    uint64_t units_per_second = power_of_ten(exponent);
    seconds = units / units_per_second;
    uint64_t fraction = units % units_per_second;
    nanoseconds = exponent <= 9 ? fraction * power_of_ten(9 - exponent) : fraction / power_of_ten(exponent - 9);
  }
  int64_t whole = clamp_seconds(static_cast<int64_t>(std::min<uint64_t>(seconds, kMaxSeconds)) +
                                clamp_seconds(interface.offset_seconds));
  return Timestamp::from_sec_nsec(whole, static_cast<int64_t>(nanoseconds));
}

}  // namespace

std::unique_ptr<PcapngReader> PcapngReader::open(CaptureFileStream stream, const std::string& name) {
  auto not_pcapng = [&](const std::string& why) {
    return CaptureError(CaptureErrorKind::not_a_capture,
                        "'" + name + "' is not a pcap or pcapng capture (" + why + ")");
  };
  if (!stream.content_is_pcapng()) throw not_pcapng("it does not start with a pcapng section header block");

  std::unique_ptr<PcapngReader> reader(new PcapngReader(std::move(stream)));
  Packet unused;
  if (reader->read_block() != Outcome::done || reader->handle_block(unused) != Outcome::done) {
    throw not_pcapng(reader->error_);
  }
  // Read on to the first interface, so that link_type() and the filter know it; a packet
  // block met before it is left for next() (which reports it as an error).
  while (!reader->have_first_interface_) {
    Outcome outcome = reader->read_block();
    if (outcome != Outcome::done) {
      reader->deferred_outcome_ = outcome;
      break;
    }
    if (is_packet_block(reader->block_type_)) {
      reader->block_pending_ = true;
      break;
    }
    if (reader->handle_block(unused) == Outcome::error) {
      reader->deferred_outcome_ = Outcome::error;
      break;
    }
  }
  return reader;
}

PcapngReader::PcapngReader(CaptureFileStream stream) : stream_(std::move(stream)) {}

int PcapngReader::link_type() const {
  return have_first_interface_ ? first_interface_.link_type : DLT_EN10MB;
}

int PcapngReader::snaplen() const {
  if (!have_first_interface_ || first_interface_.snaplen == 0 || first_interface_.snaplen > kDefaultSnaplen) {
    return kDefaultSnaplen;
  }
  return static_cast<int>(first_interface_.snaplen);
}

ReadStatus PcapngReader::next(Packet& out) {
  for (;;) {
    if (deferred_outcome_) return to_status(*deferred_outcome_);
    if (!block_pending_) {
      Outcome outcome = read_block();
      if (outcome != Outcome::done) {
        deferred_outcome_ = outcome;  // end, truncated and error are final
        continue;
      }
    }
    block_pending_ = false;
    Outcome outcome = handle_block(out);
    if (outcome == Outcome::packet) return ReadStatus::packet;
    if (outcome == Outcome::error) deferred_outcome_ = outcome;
  }
}

ReadStatus PcapngReader::to_status(Outcome outcome) {
  switch (outcome) {
    case Outcome::packet:
      return ReadStatus::packet;
    case Outcome::end:
      return ReadStatus::end;
    case Outcome::truncated:
      return ReadStatus::truncated;
    case Outcome::done:
    case Outcome::error:
      break;
  }
  return ReadStatus::error;
}

// ---- framing --------------------------------------------------------------------------

PcapngReader::Outcome PcapngReader::read_block() {
  block_offset_ = offset_;
  block_length_ = 0;
  std::array<uint8_t, kBlockHeaderSize> header{};
  size_t got = std::fread(header.data(), 1, header.size(), stream_.file());
  offset_ += got;
  if (got == 0 && !std::ferror(stream_.file()) && stream_.fault().kind == StreamFault::Kind::none) {
    return Outcome::end;
  }
  if (got < header.size()) return explain_short_read();

  Reader reader(header);
  uint32_t length = 0;
  // The section header's type reads the same in both byte orders; its length can only be
  // read once the byte-order magic that follows it has said which order the section uses.
  if (!read_u32(reader, block_type_)) return fail(Outcome::error, "cannot read block header");
  if (block_type_ == kSectionHeaderBlock) {
    Outcome outcome = read_section_header_start(reader.rest(), length);
    if (outcome != Outcome::done) return outcome;
  } else if (!read_u32(reader, length)) {
    return fail(Outcome::error, "cannot read block header");
  }

  block_length_ = length;
  if (length < kBlockFramingSize || length % 4 != 0 || length > max_block_length) {
    std::string why = length > max_block_length ? fmt::format("over the {} MiB limit", max_block_length >> 20)
                      : length % 4 != 0         ? std::string("not a multiple of 4")
                                                : std::string("shorter than a block header");
    return fail(Outcome::error, fmt::format("block at offset {} has length {}, {}", block_offset_, length, why));
  }
  // The section header's byte-order magic has been read already.
  uint32_t already_read = block_type_ == kSectionHeaderBlock ? 4 : 0;
  if (length < kBlockFramingSize + already_read) {
    return fail(Outcome::error, fmt::format("section header block at offset {} is too short", block_offset_));
  }
  Outcome outcome = read_body(length - kBlockFramingSize - already_read, is_interpreted_block(block_type_));
  if (outcome != Outcome::done) return outcome;

  std::array<uint8_t, 4> trailer_bytes{};
  outcome = read_exactly(trailer_bytes);
  if (outcome != Outcome::done) return outcome;
  Reader trailer(trailer_bytes);
  uint32_t trailing_length = 0;
  read_u32(trailer, trailing_length);
  if (trailing_length != length) {
    return fail(Outcome::error, fmt::format("block at offset {} has trailing length {} but leading length {}",
                                            block_offset_, trailing_length, length));
  }
  return Outcome::done;
}

PcapngReader::Outcome PcapngReader::read_section_header_start(Bytes length_bytes, uint32_t& length) {
  std::array<uint8_t, 4> magic_bytes{};
  Outcome outcome = read_exactly(magic_bytes);
  if (outcome != Outcome::done) return outcome;
  uint32_t magic = 0;
  Reader(magic_bytes).u32(magic);
  if (magic == kByteOrderMagic) {
    little_endian_ = false;
  } else {
    Reader(magic_bytes).u32le(magic);
    if (magic != kByteOrderMagic) {
      return fail(Outcome::error,
                  fmt::format("section header block at offset {} has no valid byte-order magic", block_offset_));
    }
    little_endian_ = true;
  }
  Reader length_reader(length_bytes);
  read_u32(length_reader, length);
  return Outcome::done;
}

PcapngReader::Outcome PcapngReader::read_body(uint32_t body_length, bool keep) {
  block_body_.clear();
  if (!keep) {
    scratch_.resize(kFirstBodyChunk);
    size_t left = body_length;
    while (left > 0) {
      size_t chunk = std::min(left, scratch_.size());
      Outcome outcome = read_exactly(std::span<uint8_t>(scratch_).first(chunk));
      if (outcome != Outcome::done) return outcome;
      left -= chunk;
    }
    return Outcome::done;
  }
  // Grow only as bytes arrive, so a bogus length in a short file cannot make us allocate it.
  while (block_body_.size() < body_length) {
    size_t have = block_body_.size();
    size_t target = std::min<size_t>(body_length, std::max(have * 2, kFirstBodyChunk));
    block_body_.resize(target);
    Outcome outcome = read_exactly(std::span<uint8_t>(block_body_).subspan(have));
    if (outcome != Outcome::done) return outcome;
  }
  return Outcome::done;
}

PcapngReader::Outcome PcapngReader::read_exactly(std::span<uint8_t> out) {
  size_t got = std::fread(out.data(), 1, out.size(), stream_.file());
  offset_ += got;
  return got == out.size() ? Outcome::done : explain_short_read();
}

// Why the stream gave fewer bytes than the block needs: a decompression fault, a read
// error, or the end of the file inside the block.
PcapngReader::Outcome PcapngReader::explain_short_read() {
  const StreamFault& fault = stream_.fault();
  uint64_t block_bytes_read = offset_ - block_offset_;
  if (fault.kind == StreamFault::Kind::truncated) {
    return fail(Outcome::truncated, fmt::format("{}, inside the block at offset {}", fault.message, block_offset_));
  }
  if (fault.kind != StreamFault::Kind::none) {
    return fail(Outcome::error, fmt::format("{}, inside the block at offset {}", fault.message, block_offset_));
  }
  if (std::ferror(stream_.file())) {
    return fail(Outcome::error, fmt::format("read error at offset {}: {}", offset_, std::strerror(errno)));
  }
  if (block_length_ == 0) {
    return fail(Outcome::truncated,
                fmt::format("the file ends inside the header of the block at offset {}", block_offset_));
  }
  return fail(Outcome::truncated, fmt::format("the block at offset {} is {} bytes long, but the file ends after {}",
                                              block_offset_, block_length_, block_bytes_read));
}

PcapngReader::Outcome PcapngReader::fail(Outcome outcome, std::string message) {
  error_ = std::move(message);
  return outcome;
}

std::string PcapngReader::where() const {
  return fmt::format("block at offset {}", block_offset_);
}

// ---- block contents -------------------------------------------------------------------

PcapngReader::Outcome PcapngReader::handle_block(Packet& out) {
  Reader body(block_body_);
  switch (block_type_) {
    case kSectionHeaderBlock:
      return parse_section_header(body);
    case kInterfaceDescriptionBlock:
      return parse_interface(body);
    case kEnhancedPacketBlock:
      return parse_enhanced_packet(body, out);
    case kSimplePacketBlock:
      return parse_simple_packet(body, out);
    case kObsoletePacketBlock:
      return parse_obsolete_packet(body, out);
    case kDecryptionSecretsBlock:
      return parse_decryption_secrets(body);
    default:
      return Outcome::done;  // NRB, ISB, custom and unknown blocks carry nothing we use
  }
}

PcapngReader::Outcome PcapngReader::parse_section_header(Reader body) {
  uint16_t major = 0;
  uint16_t minor = 0;
  uint64_t section_length = 0;  // may be -1 (unknown); we read sections to their end anyway
  if (!read_u16(body, major) || !read_u16(body, minor) || !read_u64(body, section_length)) {
    return fail(Outcome::error, "malformed section header " + where());
  }
  if (major != 1) {
    return fail(Outcome::error,
                fmt::format("unsupported pcapng version {}.{} in the section header {}", major, minor, where()));
  }
  interfaces_.clear();  // interface ids start again in every section
  return Outcome::done;
}

PcapngReader::Outcome PcapngReader::parse_interface(Reader body) {
  PcapngInterface interface;
  uint16_t link_type = 0;
  uint16_t reserved = 0;
  if (!read_u16(body, link_type) || !read_u16(body, reserved) || !read_u32(body, interface.snaplen)) {
    return fail(Outcome::error, "malformed interface description " + where());
  }
  interface.link_type = link_type;
  // Options: code, length, value padded to 4 bytes. A malformed option list ends the list
  // rather than the file: the fixed part above is what packets need.
  for (;;) {
    uint16_t code = 0;
    uint16_t length = 0;
    Reader value;
    if (!read_u16(body, code) || !read_u16(body, length) || !body.sub(length, value)) break;
    if (code == kOptionEnd) break;
    body.skip((4 - length % 4) % 4);
    if (code == kOptionTimestampResolution && length == 1) {
      uint8_t resolution = 0;
      value.u8(resolution);
      interface.resolution_is_power_of_two = (resolution & 0x80) != 0;
      interface.resolution_exponent = resolution & 0x7f;
    } else if (code == kOptionTimestampOffset && length == 8) {
      uint64_t offset = 0;
      read_u64(value, offset);
      interface.offset_seconds = static_cast<int64_t>(offset);
    }
  }
  if (!have_first_interface_) {
    first_interface_ = interface;
    have_first_interface_ = true;
  }
  interfaces_.push_back(interface);
  return Outcome::done;
}

PcapngReader::Outcome PcapngReader::parse_decryption_secrets(Reader body) {
  DecryptionSecrets secrets;
  if (!pcapng::parse_decryption_secrets(body, little_endian_, secrets)) {
    return fail(Outcome::error, "malformed decryption secrets " + where());
  }
  decryption_secrets_.push_back(std::move(secrets));
  return Outcome::done;
}

PcapngReader::Outcome PcapngReader::parse_enhanced_packet(Reader body, Packet& out) {
  uint32_t interface_id = 0;
  uint32_t time_high = 0;
  uint32_t time_low = 0;
  uint32_t captured_length = 0;
  uint32_t wire_length = 0;
  if (!read_u32(body, interface_id) || !read_u32(body, time_high) || !read_u32(body, time_low) ||
      !read_u32(body, captured_length) || !read_u32(body, wire_length)) {
    return fail(Outcome::error, "malformed enhanced packet " + where());
  }
  return deliver(interface_id, uint64_t{time_high} << 32 | time_low, captured_length, wire_length, body, out);
}

PcapngReader::Outcome PcapngReader::parse_obsolete_packet(Reader body, Packet& out) {
  uint16_t interface_id = 0;
  uint16_t drops = 0;
  uint32_t time_high = 0;
  uint32_t time_low = 0;
  uint32_t captured_length = 0;
  uint32_t wire_length = 0;
  if (!read_u16(body, interface_id) || !read_u16(body, drops) || !read_u32(body, time_high) ||
      !read_u32(body, time_low) || !read_u32(body, captured_length) || !read_u32(body, wire_length)) {
    return fail(Outcome::error, "malformed packet " + where());
  }
  return deliver(interface_id, uint64_t{time_high} << 32 | time_low, captured_length, wire_length, body, out);
}

PcapngReader::Outcome PcapngReader::parse_simple_packet(Reader body, Packet& out) {
  uint32_t wire_length = 0;
  if (!read_u32(body, wire_length)) return fail(Outcome::error, "malformed simple packet " + where());
  if (interfaces_.empty()) {
    return fail(Outcome::error, "simple packet " + where() + " comes before any interface description");
  }
  // The block holds min(wire length, interface 0's snaplen) bytes, padded to 4.
  size_t captured_length = std::min<size_t>(wire_length, body.remaining());
  if (interfaces_[0].snaplen != 0) captured_length = std::min<size_t>(captured_length, interfaces_[0].snaplen);
  Bytes data;
  body.bytes(captured_length, data);
  // A simple packet block has no timestamp; libpcap reports 0 for it too.
  out.ts = Timestamp{};
  out.link_type = interfaces_[0].link_type;
  out.data = data;
  out.memory = nullptr;
  out.wire_length = wire_length;
  out.number = ++packets_read_;
  return Outcome::packet;
}

PcapngReader::Outcome PcapngReader::deliver(uint32_t interface_id, uint64_t time_units, uint32_t captured_length,
                                            uint32_t wire_length, Reader& body, Packet& out) {
  if (interface_id >= interfaces_.size()) {
    return fail(Outcome::error, fmt::format("packet {} refers to interface {}, but its section describes {}", where(),
                                            interface_id, interfaces_.size()));
  }
  Bytes data;
  if (!body.bytes(captured_length, data)) {
    return fail(Outcome::error,
                fmt::format("packet {} claims {} captured bytes, more than the block holds", where(), captured_length));
  }
  const PcapngInterface& interface = interfaces_[interface_id];
  out.ts = timestamp_from_units(time_units, interface);
  out.link_type = interface.link_type;
  out.data = data;
  out.memory = nullptr;
  out.wire_length = std::max<uint32_t>(wire_length, captured_length);
  out.number = ++packets_read_;
  return Outcome::packet;
}

}  // namespace tlslens
