// Reader: the one bounds-checked cursor every wire parser in tlslens reads through.
//
// Promise: no read ever goes past the end of the span it was given. Every read returns
// false (and leaves the reader unchanged) when the bytes are not there, so callers chain
// reads with && and fail closed, in the manner of BoringSSL's CBS. Length-prefixed fields
// yield a sub-reader limited to exactly that field; callers check it is fully consumed
// (`empty()`) where the protocol says the field must be used up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tlslens {

using Bytes = std::span<const uint8_t>;

class Reader {
 public:
  Reader() = default;
  explicit Reader(Bytes data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  // Bytes consumed since construction: the offset of the next read within the span.
  size_t offset() const { return pos_; }
  Bytes rest() const { return data_.subspan(pos_); }
  // Offset of the next read within `base`, a span that contains this reader's bytes (for
  // reporting field positions relative to a whole message from nested sub-readers).
  size_t offset_in(Bytes base) const { return static_cast<size_t>(data_.data() + pos_ - base.data()); }

  // Big-endian (network order) integers.
  bool u8(uint8_t& out);
  bool u16(uint16_t& out);
  bool u24(uint32_t& out);
  bool u32(uint32_t& out);
  bool u64(uint64_t& out);
  // Little-endian integers (pcapng sections, DLT_NULL headers written on little-endian hosts).
  bool u16le(uint16_t& out);
  bool u32le(uint32_t& out);
  bool u64le(uint64_t& out);

  bool peek_u8(uint8_t& out) const;
  bool peek_u16(uint16_t& out) const;

  bool bytes(size_t n, Bytes& out);
  bool skip(size_t n);
  // A sub-reader over the next n bytes; the parent moves past them.
  bool sub(size_t n, Reader& out);
  // A sub-reader over a field preceded by a 1-, 2- or 3-byte big-endian length.
  bool prefixed8(Reader& out);
  bool prefixed16(Reader& out);
  bool prefixed24(Reader& out);

 private:
  bool take(size_t n, const uint8_t*& p);

  Bytes data_;
  size_t pos_ = 0;
};

}  // namespace tlslens
