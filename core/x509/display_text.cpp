#include "core/x509/display_text.h"

#include <cstdint>

namespace tlslens::x509 {
namespace {

void append_escaped(std::string& out, uint8_t byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0x0f];
}

// Length of the valid UTF-8 sequence at the start of `s` (1..4), or 0 when it is not one;
// `code_point` receives its value. Strict: the shortest form only, no surrogates, at most
// U+10FFFF (RFC 3629).
size_t utf8_sequence(std::string_view s, uint32_t& code_point) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t lead = byte(0);
  size_t length;
  uint32_t min;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2;
    min = 0x80;
    code_point = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    min = 0x800;
    code_point = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    min = 0x10000;
    code_point = lead & 0x07;
  } else {
    return 0;  // a continuation byte or 0xf8..0xff cannot start a character
  }
  if (s.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3f);
  }
  if (code_point < min || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return 0;
  return length;
}

bool printable(uint32_t code_point) {
  return code_point >= 0x20 && code_point != 0x7f && !(code_point >= 0x80 && code_point <= 0x9f);
}

}  // namespace

std::string display_text(std::string_view raw, Backslash backslash) {
  std::string out;
  out.reserve(raw.size());
  while (!raw.empty()) {
    uint32_t code_point = 0;
    size_t length = utf8_sequence(raw, code_point);
    if (length == 0) {
      append_escaped(out, static_cast<uint8_t>(raw[0]));
      raw.remove_prefix(1);
      continue;
    }
    if (!printable(code_point) || (code_point == '\\' && backslash == Backslash::escape)) {
      for (size_t i = 0; i < length; ++i) append_escaped(out, static_cast<uint8_t>(raw[i]));
    } else {
      out.append(raw.substr(0, length));
    }
    raw.remove_prefix(length);
  }
  return out;
}

}  // namespace tlslens::x509
