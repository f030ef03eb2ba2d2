// JsonWriter: a small streaming JSON writer that appends to a fmt::memory_buffer.
//
// What it promises:
//  * The output is valid JSON (RFC 8259) whatever bytes it is given, as long as the calls
//    are balanced (begin/end pairs, a key before each value inside an object; misuse is
//    caught by assertions in debug builds). Commas are placed automatically.
//  * Strings are escaped: `"` and `\` with a backslash; \b \f \n \r \t in their short
//    forms; every other control character (U+0000..U+001F) and DEL (0x7F) as \u00XX.
//    The input is treated as UTF-8: well-formed sequences are copied through unchanged,
//    and every ill-formed sequence (stray continuation bytes, overlong forms, surrogates,
//    values above U+10FFFF, truncated sequences) is replaced by U+FFFD, one per maximal
//    ill-formed subpart as Unicode recommends (chapter 3, "U+FFFD Substitution of Maximal
//    Subparts"). Byte strings that must survive exactly are written as hex instead (hex()).
//  * Numbers are written exactly: unsigned and signed 64-bit integers, and fixed-point
//    decimals (decimal(1796057891791655, 6) is 1796057891.791655) so timestamps never pass
//    through a double.
//  * No allocation per value: the writer appends to a buffer the caller reuses, and keeps
//    only a small nesting stack whose capacity survives reset().
//
// One writer produces one JSON text at a time; reset() starts the next (JSON lines: one
// object per line, the caller adds the newline).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/util/reader.h"

namespace tlslens {

// What starts at text[pos] (pos < text.size()), read as UTF-8: either a well-formed
// sequence of `length` bytes, or an ill-formed one whose `length` bytes (at least 1) are
// the maximal subpart to replace by one U+FFFD.
struct Utf8Sequence {
  size_t length = 1;
  bool valid = false;
  uint32_t code_point = 0;  // when valid
};
Utf8Sequence scan_utf8(std::string_view text, size_t pos);

class JsonWriter {
 public:
  explicit JsonWriter(fmt::memory_buffer& out) : out_(out) { open_.reserve(16); }

  // Forgets the nesting state, to begin a new JSON text in the same buffer.
  void reset() {
    open_.clear();
    need_comma_ = false;
  }

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The key of the next member of the current object.
  void key(std::string_view name);

  void string(std::string_view text);
  void uint(uint64_t value);
  void integer(int64_t value);
  // value / 10^fraction_digits, written with exactly `fraction_digits` digits after the point.
  void decimal(int64_t value, int fraction_digits);
  void boolean(bool value);
  void null();
  // A string of lowercase hex digits, two per byte, no separators.
  void hex(Bytes bytes);

  // Shorthands for a member of the current object.
  void member(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  void member(std::string_view name, const char* text) {
    key(name);
    string(text);
  }
  void member_uint(std::string_view name, uint64_t value) {
    key(name);
    uint(value);
  }
  void member_bool(std::string_view name, bool value) {
    key(name);
    boolean(value);
  }

  // Nesting depth: 0 once the top-level value is complete.
  size_t depth() const { return open_.size(); }

  // Appends `text` as the contents of a JSON string (no quotes), escaped as described above.
  static void append_escaped(fmt::memory_buffer& out, std::string_view text);

 private:
  enum class Container : uint8_t { object, array };

  // Before any value or key: the comma separating it from the previous one.
  void before_value();

  fmt::memory_buffer& out_;
  std::vector<Container> open_;
  bool need_comma_ = false;  // a value was completed at this level: the next needs a comma
  bool after_key_ = false;   // a key was written: the next thing must be its value
};

}  // namespace tlslens
