#include "core/tls/field_reading.h"

#include <fmt/format.h>

#include <bit>
#include <utility>

#include "core/tls/registry.h"

namespace tlslens::tls {

namespace {

std::string plural_bytes(size_t n) {
  return fmt::format("{} byte{}", n, n == 1 ? "" : "s");
}

}  // namespace

uint32_t offset_in_message(const Reader& in, const DecodeContext& ctx) {
  return static_cast<uint32_t>(in.offset_in(ctx.message));
}

DecodeProblem problem_at(const Reader& in, const DecodeContext& ctx, std::string reason) {
  return DecodeProblem{offset_in_message(in, ctx), std::move(reason)};
}

DecodeResult read_uint(Reader& in, const DecodeContext& ctx, size_t size, std::string_view name, uint32_t& value) {
  if (in.remaining() < size)
    return problem_at(in, ctx,
                      fmt::format("truncated {}: needs {}, {} left", name, plural_bytes(size), in.remaining()));
  Bytes raw;
  in.bytes(size, raw);
  value = 0;
  for (uint8_t b : raw) value = value << 8 | b;
  return std::nullopt;
}

DecodeResult read_vector(Reader& in, const DecodeContext& ctx, size_t width, std::string_view name, Reader& body,
                         uint32_t* length_offset) {
  const uint32_t at = offset_in_message(in, ctx);
  uint32_t length = 0;
  Reader probe = in;
  if (probe.remaining() < width)
    return DecodeProblem{
        at, fmt::format("truncated {} length: needs {}, {} left", name, plural_bytes(width), probe.remaining())};
  read_uint(probe, ctx, width, name, length);
  if (length > probe.remaining())
    return DecodeProblem{
        at, fmt::format("{} length {} exceeds the {} left", name, length, plural_bytes(probe.remaining()))};
  probe.sub(length, body);
  in = probe;
  if (length_offset != nullptr) *length_offset = at;
  return std::nullopt;
}

DecodeResult expect_end(const Reader& in, const DecodeContext& ctx, std::string_view after) {
  if (in.empty()) return std::nullopt;
  return problem_at(in, ctx, fmt::format("{} left over after {}", plural_bytes(in.remaining()), after));
}

DecodeResult take_uint(Reader& in, const DecodeContext& ctx, size_t size, std::string_view key, Field& out,
                       uint32_t* value) {
  const uint32_t at = offset_in_message(in, ctx);
  uint32_t v = 0;
  if (auto p = read_uint(in, ctx, size, key, v)) return p;
  out.add_uint(key, v).at(at, size);
  if (value != nullptr) *value = v;
  return std::nullopt;
}

DecodeResult take_code(Reader& in, const DecodeContext& ctx, size_t size, std::string_view key, CodeNamer name_of,
                       Field& out, uint32_t* value) {
  const uint32_t at = offset_in_message(in, ctx);
  uint32_t v = 0;
  if (auto p = read_uint(in, ctx, size, key, v)) return p;
  out.add_code(key, v, name_of(static_cast<uint16_t>(v))).at(at, size);
  if (value != nullptr) *value = v;
  return std::nullopt;
}

DecodeResult take_opaque(Reader& in, const DecodeContext& ctx, size_t width, std::string_view length_key,
                         std::string_view key, Field& out, Bytes* value, size_t min_length) {
  uint32_t length_at = 0;
  Reader body;
  Reader probe = in;
  if (auto p = read_vector(probe, ctx, width, key, body, &length_at)) return p;
  if (body.remaining() < min_length)
    return DecodeProblem{length_at,
                         fmt::format("{} length {} is below the minimum of {}", key, body.remaining(), min_length)};
  in = probe;
  out.add_uint(length_key, body.remaining()).at(length_at, width);
  out.add_bytes(key, body.rest()).at(length_at + width, body.remaining()).set_detail();
  if (value != nullptr) *value = body.rest();
  return std::nullopt;
}

DecodeResult take_short_opaque(Reader& in, const DecodeContext& ctx, size_t width, std::string_view key, Field& out) {
  uint32_t length_at = 0;
  Reader body;
  if (auto p = read_vector(in, ctx, width, key, body, &length_at)) return p;
  out.add_bytes(key, body.rest()).at(length_at + width, body.remaining());
  return std::nullopt;
}

DecodeResult take_identity(Reader& in, const DecodeContext& ctx, size_t width, std::string_view key, Field& out) {
  uint32_t length_at = 0;
  Reader body;
  if (auto p = read_vector(in, ctx, width, key, body, &length_at)) return p;
  Bytes value = body.rest();
  Field& field = is_printable_ascii(value) ? out.add_text(key, std::string(value.begin(), value.end()))
                                           : out.add_bytes(key, value);
  field.at(length_at + width, value.size());
  return std::nullopt;
}

FieldText signature_scheme_display_name(uint16_t code) {
  std::string_view name = signature_scheme_name(code);
  if (!name.empty()) return FieldText::of_static(name);
  std::string_view hash = hash_algorithm_name(static_cast<uint8_t>(code >> 8));
  std::string_view signature = signature_algorithm_name(static_cast<uint8_t>(code & 0xFF));
  if (hash.empty() || signature.empty()) return {};
  return fmt::format("{}+{}", hash, signature);
}

DecodeResult take_signature_scheme(Reader& in, const DecodeContext& ctx, std::string_view key, Field& out,
                                   uint16_t& scheme) {
  const uint32_t at = offset_in_message(in, ctx);
  uint32_t v = 0;
  if (auto p = read_uint(in, ctx, 2, key, v)) return p;
  scheme = static_cast<uint16_t>(v);
  out.add_code(key, scheme, signature_scheme_display_name(scheme)).at(at, 2);
  return std::nullopt;
}

bool signatures_name_their_scheme(uint16_t negotiated_version) {
  if (negotiated_version == 0) return true;
  const bool dtls = negotiated_version >= 0xFE00;
  // DTLS versions count down: 1.0 is 0xFEFF, 1.2 is 0xFEFD.
  return dtls ? negotiated_version <= 0xFEFD : negotiated_version >= 0x0303;
}

void place_unlocated(Field& field, uint32_t offset, uint32_t length) {
  for (Field& child : field.children) {
    if (child.offset == 0 && child.length == 0) child.at(offset, length);
    place_unlocated(child, offset, length);
  }
}

uint32_t bit_length(Bytes big_endian) {
  size_t i = 0;
  while (i < big_endian.size() && big_endian[i] == 0) ++i;
  if (i == big_endian.size()) return 0;
  const auto remaining_bytes = static_cast<uint32_t>(big_endian.size() - i);
  return (remaining_bytes - 1) * 8 + static_cast<uint32_t>(std::bit_width(big_endian[i]));
}

bool is_printable_ascii(Bytes bytes) {
  for (uint8_t b : bytes)
    if (b < 0x20 || b > 0x7E) return false;
  return true;
}

}  // namespace tlslens::tls
