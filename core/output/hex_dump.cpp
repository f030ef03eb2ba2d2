#include "core/output/hex_dump.h"

#include <algorithm>

namespace tlslens {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_byte_hex(fmt::memory_buffer& out, uint8_t b) {
  out.push_back(kHexDigits[b >> 4]);
  out.push_back(kHexDigits[b & 0xF]);
}

constexpr size_t kBytesPerRow = 16;

void append_indent(fmt::memory_buffer& out, size_t indent) {
  for (size_t i = 0; i < indent; ++i) out.push_back(' ');
}

}  // namespace

void append_hex(fmt::memory_buffer& out, Bytes bytes) {
  for (uint8_t b : bytes) append_byte_hex(out, b);
}

void append_hex_rows(fmt::memory_buffer& out, Bytes bytes, size_t indent) {
  for (size_t row = 0; row < bytes.size(); row += kBytesPerRow) {
    append_indent(out, indent);
    const size_t end = std::min(bytes.size(), row + kBytesPerRow);
    for (size_t i = row; i < end; ++i) {
      if (i != row) out.push_back(' ');
      append_byte_hex(out, bytes[i]);
    }
    out.push_back('\n');
  }
}

void append_hex_dump(fmt::memory_buffer& out, Bytes bytes, size_t indent) {
  for (size_t row = 0; row < bytes.size(); row += kBytesPerRow) {
    append_indent(out, indent);
    fmt::format_to(std::back_inserter(out), "{:04x} ", row);
    for (size_t i = row; i < row + kBytesPerRow; ++i) {
      if (i - row == kBytesPerRow / 2) out.push_back(' ');  // a gap between the two groups of eight
      out.push_back(' ');
      if (i < bytes.size()) {
        append_byte_hex(out, bytes[i]);
      } else {
        out.append(std::string_view("  "));
      }
    }
    out.append(std::string_view("  "));
    const size_t end = std::min(bytes.size(), row + kBytesPerRow);
    for (size_t i = row; i < end; ++i) {
      const uint8_t b = bytes[i];
      out.push_back(b >= 0x20 && b < 0x7F ? static_cast<char>(b) : '.');
    }
    out.push_back('\n');
  }
}

}  // namespace tlslens
