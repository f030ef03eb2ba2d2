#include "core/output/json_writer.h"

#include <cassert>

#include "core/output/hex_dump.h"

namespace tlslens {

Utf8Sequence scan_utf8(std::string_view text, size_t pos) {
  const auto byte_at = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte_at(pos);
  if (lead < 0x80) return {1, true, lead};

  // RFC 3629's table of well-formed sequences: the lead byte fixes the length and the
  // range of the first continuation byte, which is where overlong forms (E0, F0),
  // surrogates (ED) and values above U+10FFFF (F4) are excluded.
  size_t continuation_bytes = 0;
  uint32_t code_point = 0;
  uint8_t first_min = 0x80;
  uint8_t first_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation_bytes = 1;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuation_bytes = 2;
    code_point = lead & 0x0F;
    if (lead == 0xE0) first_min = 0xA0;
    if (lead == 0xED) first_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuation_bytes = 3;
    code_point = lead & 0x07;
    if (lead == 0xF0) first_min = 0x90;
    if (lead == 0xF4) first_max = 0x8F;
  } else {
    return {1, false, 0};  // a continuation byte without a lead, C0/C1 (overlong), F5..FF
  }
  for (size_t i = 1; i <= continuation_bytes; ++i) {
    // The bytes read so far are a prefix of a well-formed sequence: together they are the
    // maximal subpart that one U+FFFD replaces.
    if (pos + i >= text.size()) return {i, false, 0};
    const uint8_t b = byte_at(pos + i);
    const uint8_t min = i == 1 ? first_min : 0x80;
    const uint8_t max = i == 1 ? first_max : 0xBF;
    if (b < min || b > max) return {i, false, 0};
    code_point = (code_point << 6) | (b & 0x3F);
  }
  return {continuation_bytes + 1, true, code_point};
}

namespace {

// RFC 8259's two-character escapes; "" for characters that need \u00XX.
std::string_view short_escape(char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return "";
  }
}

}  // namespace

void JsonWriter::append_escaped(fmt::memory_buffer& out, std::string_view text) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  static constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";
  size_t run_start = 0;  // plain characters are copied in runs, not one by one
  size_t i = 0;
  while (i < text.size()) {
    const uint8_t c = static_cast<uint8_t>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(text.substr(run_start, i - run_start));
    if (c >= 0x80) {
      const Utf8Sequence seq = scan_utf8(text, i);
      out.append(seq.valid ? text.substr(i, seq.length) : kReplacementCharacter);
      i += seq.length;
    } else {
      const std::string_view escape = short_escape(static_cast<char>(c));
      if (!escape.empty()) {
        out.append(escape);
      } else {
        const char unicode_escape[] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
        out.append(unicode_escape, unicode_escape + sizeof unicode_escape);
      }
      ++i;
    }
    run_start = i;
  }
  out.append(text.substr(run_start));
}

void JsonWriter::before_value() {
  assert(after_key_ || open_.empty() || open_.back() == Container::array);
  if (need_comma_ && !after_key_) out_.push_back(',');
  after_key_ = false;
}

void JsonWriter::key(std::string_view name) {
  assert(!open_.empty() && open_.back() == Container::object && !after_key_);
  if (need_comma_) out_.push_back(',');
  out_.push_back('"');
  append_escaped(out_, name);
  out_.append(std::string_view("\":"));
  after_key_ = true;
}

void JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  open_.push_back(Container::object);
  need_comma_ = false;
}

void JsonWriter::end_object() {
  assert(!open_.empty() && open_.back() == Container::object && !after_key_);
  out_.push_back('}');
  open_.pop_back();
  need_comma_ = true;
}

void JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  open_.push_back(Container::array);
  need_comma_ = false;
}

void JsonWriter::end_array() {
  assert(!open_.empty() && open_.back() == Container::array);
  out_.push_back(']');
  open_.pop_back();
  need_comma_ = true;
}

void JsonWriter::string(std::string_view text) {
  before_value();
  out_.push_back('"');
  append_escaped(out_, text);
  out_.push_back('"');
  need_comma_ = true;
}

void JsonWriter::uint(uint64_t value) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", value);
  need_comma_ = true;
}

void JsonWriter::integer(int64_t value) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", value);
  need_comma_ = true;
}

void JsonWriter::decimal(int64_t value, int fraction_digits) {
  before_value();
  uint64_t scale = 1;
  for (int i = 0; i < fraction_digits; ++i) scale *= 10;
  // Work on the magnitude so that -1.5 is "-1.500000", not "-2.500000".
  const bool negative = value < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (negative) out_.push_back('-');
  if (fraction_digits <= 0) {
    fmt::format_to(std::back_inserter(out_), "{}", magnitude);
  } else {
    fmt::format_to(std::back_inserter(out_), "{}.{:0{}}", magnitude / scale, magnitude % scale, fraction_digits);
  }
  need_comma_ = true;
}

void JsonWriter::boolean(bool value) {
  before_value();
  out_.append(value ? std::string_view("true") : std::string_view("false"));
  need_comma_ = true;
}

void JsonWriter::null() {
  before_value();
  out_.append(std::string_view("null"));
  need_comma_ = true;
}

void JsonWriter::hex(Bytes bytes) {
  before_value();
  out_.push_back('"');
  append_hex(out_, bytes);
  out_.push_back('"');
  need_comma_ = true;
}

}  // namespace tlslens
