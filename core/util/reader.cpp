#include "core/util/reader.h"

namespace tlslens {

bool Reader::take(size_t n, const uint8_t*& p) {
  if (n > remaining()) return false;
  p = data_.data() + pos_;
  pos_ += n;
  return true;
}

bool Reader::u8(uint8_t& out) {
  const uint8_t* p;
  if (!take(1, p)) return false;
  out = p[0];
  return true;
}

bool Reader::u16(uint16_t& out) {
  const uint8_t* p;
  if (!take(2, p)) return false;
  out = static_cast<uint16_t>(p[0] << 8 | p[1]);
  return true;
}

bool Reader::u24(uint32_t& out) {
  const uint8_t* p;
  if (!take(3, p)) return false;
  out = uint32_t{p[0]} << 16 | uint32_t{p[1]} << 8 | p[2];
  return true;
}

bool Reader::u32(uint32_t& out) {
  const uint8_t* p;
  if (!take(4, p)) return false;
  out = uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
  return true;
}

bool Reader::u64(uint64_t& out) {
  const uint8_t* p;
  if (!take(8, p)) return false;
  out = 0;
  for (int i = 0; i < 8; ++i) out = out << 8 | p[i];
  return true;
}

bool Reader::u16le(uint16_t& out) {
  const uint8_t* p;
  if (!take(2, p)) return false;
  out = static_cast<uint16_t>(p[1] << 8 | p[0]);
  return true;
}

bool Reader::u32le(uint32_t& out) {
  const uint8_t* p;
  if (!take(4, p)) return false;
  out = uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
  return true;
}

bool Reader::u64le(uint64_t& out) {
  const uint8_t* p;
  if (!take(8, p)) return false;
  out = 0;
  for (int i = 7; i >= 0; --i) out = out << 8 | p[i];
  return true;
}

bool Reader::peek_u8(uint8_t& out) const {
  if (remaining() < 1) return false;
  out = data_[pos_];
  return true;
}

bool Reader::peek_u16(uint16_t& out) const {
  if (remaining() < 2) return false;
  out = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
  return true;
}

bool Reader::bytes(size_t n, Bytes& out) {
  const uint8_t* p;
  if (!take(n, p)) return false;
  out = Bytes(p, n);
  return true;
}

bool Reader::skip(size_t n) {
  const uint8_t* p;
  return take(n, p);
}

bool Reader::sub(size_t n, Reader& out) {
  Bytes b;
  if (!bytes(n, b)) return false;
  out = Reader(b);
  return true;
}

bool Reader::prefixed8(Reader& out) {
  size_t saved = pos_;
  uint8_t n;
  if (u8(n) && sub(n, out)) return true;
  pos_ = saved;
  return false;
}

bool Reader::prefixed16(Reader& out) {
  size_t saved = pos_;
  uint16_t n;
  if (u16(n) && sub(n, out)) return true;
  pos_ = saved;
  return false;
}

bool Reader::prefixed24(Reader& out) {
  size_t saved = pos_;
  uint32_t n;
  if (u24(n) && sub(n, out)) return true;
  pos_ = saved;
  return false;
}

}  // namespace tlslens
