// Hex renderings of bytes for the text and JSON outputs, appended to a fmt::memory_buffer
// without allocating (digits come from a table, not from a formatter per byte).
#pragma once

#include <cstddef>

#include <fmt/format.h>

#include "core/util/reader.h"

namespace tlslens {

// Lowercase hex digits, two per byte, no separators: "160303".
void append_hex(fmt::memory_buffer& out, Bytes bytes);

// Rows of 16 space-separated byte values, each row indented by `indent` spaces and ending
// with '\n' (how field values such as a random or a session id are shown):
//   5f 3a 9c 11 02 ...
void append_hex_rows(fmt::memory_buffer& out, Bytes bytes, size_t indent);

// The classic dump (-x): offset, 16 byte values in two groups of eight, and the bytes as
// ASCII ('.' for anything not printable), one row per 16 bytes, each indented by `indent`
// spaces; the last row is padded so its ASCII column lines up:
//   0000  16 03 01 00 a5 01 00 00  a1 03 03 5f 3a 9c 11 02  ...........=:...
// Offsets have four hex digits, more when the bytes are longer than 64 KiB.
void append_hex_dump(fmt::memory_buffer& out, Bytes bytes, size_t indent);

}  // namespace tlslens
