// Field reading: the small steps every message decoder repeats — read one wire field
// through Reader, describe it in the Field tree at its offset within the message, and turn
// a short read or a length that overruns its enclosing block into a DecodeProblem whose
// reason names the field ("ticket length 400 exceeds the 200 bytes left").
//
// Each function returns nullopt on success; on failure it adds nothing to the tree and
// leaves the reader where it was, so a decoder can stop with `if (auto p = ...) return p;`.
// `name`/`key` arguments are snake_case literals: keys must have static storage, and the
// same words name the field in problem reasons.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/tls/field.h"
#include "core/tls/handshake_decoders.h"
#include "core/util/reader.h"

namespace tlslens::tls {

// The offset of the reader's next byte within the message being decoded.
uint32_t offset_in_message(const Reader& in, const DecodeContext& ctx);

// A problem located at the reader's next byte.
DecodeProblem problem_at(const Reader& in, const DecodeContext& ctx, std::string reason);

// Reads a big-endian unsigned integer of `size` bytes (1 to 4).
DecodeResult read_uint(Reader& in, const DecodeContext& ctx, size_t size, std::string_view name, uint32_t& value);

// Reads a vector: a `width`-byte length (1 to 3) and that many bytes, as a sub-reader.
// `length_offset` (optional) gets the offset of the length field within the message.
DecodeResult read_vector(Reader& in, const DecodeContext& ctx, size_t width, std::string_view name, Reader& body,
                         uint32_t* length_offset = nullptr);

// A problem when bytes remain: "3 bytes left over after extensions".
DecodeResult expect_end(const Reader& in, const DecodeContext& ctx, std::string_view after);

// Reads an integer and adds it as a uint field over its bytes.
DecodeResult take_uint(Reader& in, const DecodeContext& ctx, size_t size, std::string_view key, Field& out,
                       uint32_t* value = nullptr);

// Reads a 1- or 2-byte code point and adds it as a code field named by `name_of`.
using CodeNamer = std::string_view (*)(uint16_t);
DecodeResult take_code(Reader& in, const DecodeContext& ctx, size_t size, std::string_view key, CodeNamer name_of,
                       Field& out, uint32_t* value = nullptr);

// Reads an opaque vector with a `width`-byte length and adds two fields: `length_key` (a
// uint over the length bytes) and `key` (the bytes, shown in text only with -A). A vector
// shorter than `min_length` (the protocol's <1..2^16-1> lower bound) is a problem.
DecodeResult take_opaque(Reader& in, const DecodeContext& ctx, size_t width, std::string_view length_key,
                         std::string_view key, Field& out, Bytes* value = nullptr, size_t min_length = 0);

// Reads a short opaque vector (a nonce, a request context) and adds it as one bytes field,
// shown in text like any other field.
DecodeResult take_short_opaque(Reader& in, const DecodeContext& ctx, size_t width, std::string_view key, Field& out);

// Reads an identity or hint (opaque, usually printable): a text field when every byte is
// printable ASCII, else a bytes field.
DecodeResult take_identity(Reader& in, const DecodeContext& ctx, size_t width, std::string_view key, Field& out);

// Name of a TLS 1.2/1.3 signature scheme; for a pair not in the registry, "hash+signature"
// from the TLS 1.2 byte registries ("md5+dsa"); "" when neither is known. Only the pair's
// name is built (and owned); the others refer to static storage, so naming the dozens of
// schemes a hello offers allocates nothing.
FieldText signature_scheme_display_name(uint16_t code);

// Reads a 2-byte signature scheme and adds it as the code field `key`.
DecodeResult take_signature_scheme(Reader& in, const DecodeContext& ctx, std::string_view key, Field& out,
                                   uint16_t& scheme);

// True when the negotiated version's digitally-signed struct starts with a signature
// scheme (TLS 1.2, 1.3, DTLS 1.2, and an unknown version, assumed modern); SSL 3.0 and
// TLS 1.0/1.1 sign without naming the algorithm.
bool signatures_name_their_scheme(uint16_t negotiated_version);

// Places every descendant of `field` that has no location yet (offset and length 0: the
// describers of certificates and OCSP responses know no offsets) over the bytes
// [offset, offset + length) of the message, so a front end highlights the whole object.
void place_unlocated(Field& field, uint32_t offset, uint32_t length);

// Size in bits of a big-endian unsigned integer (leading zero bits not counted).
uint32_t bit_length(Bytes big_endian);

// True when every byte is printable ASCII (so an identity or hint can be shown as text).
bool is_printable_ascii(Bytes bytes);

}  // namespace tlslens::tls
