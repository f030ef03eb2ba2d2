// Internals shared by the hello decoders (hello_decoders.cpp) and the extension decoders
// (extension_decoders*.cpp); not part of the TLS layer's interface (that is
// handshake_decoders.h).
//
// Three pieces:
//  * Decoding keeps the first problem of a message (the one the decoder returns) and places
//    fields: every offset is relative to the first byte of ctx.message.
//  * read_* helpers read one value through Reader and add it to a Field tree, located at its
//    bytes. A truncated value becomes a problem ("truncated cipher_suite: needs 2 bytes, 1
//    left") and the helper returns false, so callers chain them with && as with Reader.
//  * One decoder per extension, looked up by extension type. A decoder reads the extension's
//    data (the bytes after its 4-byte header) in the form the handshake message gives it,
//    adds fields to the extension's group and records facts; the block walker
//    (decode_extension_block) reports what the decoder left unread.
//
// A note on Field references: adding a child may move its siblings (they live in a vector),
// so code here only ever holds a reference to the child it added last.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/tls/field.h"
#include "core/tls/handshake_decoders.h"
#include "core/util/reader.h"

namespace tlslens::tls::hello_internal {

class Decoding {
 public:
  explicit Decoding(DecodeContext& ctx) : ctx_(ctx) {}

  TlsFacts& facts() const { return ctx_.facts; }
  // Offset of the reader's next byte within the message.
  size_t offset(const Reader& r) const { return r.offset_in(ctx_.message); }

  // Records a problem. Returns false so that a reading helper can `return d.fail(...)`.
  bool fail_at(size_t offset, std::string reason);
  bool fail(const Reader& at, std::string reason) { return fail_at(offset(at), std::move(reason)); }

  // Every problem counts, though only the first is returned: the extension walker marks each
  // extension in which a problem arose, even when an earlier one is the one reported.
  int problem_count() const { return problem_count_; }
  const std::string& last_reason() const { return last_reason_; }
  DecodeResult result() const { return first_; }

 private:
  DecodeContext& ctx_;
  DecodeResult first_;
  std::string last_reason_;
  int problem_count_ = 0;
};

using Name8 = std::string_view (*)(uint8_t);
using Name16 = std::string_view (*)(uint16_t);

// ---- reading one value into a located field

bool read_uint8(Reader& in, Decoding& d, Field& parent, std::string_view key, uint8_t& value, Show show = Show::always);
bool read_uint16(Reader& in, Decoding& d, Field& parent, std::string_view key, uint16_t& value,
                 Show show = Show::always);
bool read_uint32(Reader& in, Decoding& d, Field& parent, std::string_view key, uint32_t& value,
                 Show show = Show::always);
bool read_uint64(Reader& in, Decoding& d, Field& parent, std::string_view key, uint64_t& value,
                 Show show = Show::always);
bool read_code8(Reader& in, Decoding& d, Field& parent, std::string_view key, Name8 name, uint8_t& value);
bool read_code16(Reader& in, Decoding& d, Field& parent, std::string_view key, Name16 name, uint16_t& value);
bool read_bytes(Reader& in, Decoding& d, Field& parent, std::string_view key, size_t n, Bytes& value,
                Show show = Show::always);

// A length-prefixed vector, as the RFCs' presentation language writes `opaque x<min..max>`
// or `T x<min..max>`.
struct VectorSpec {
  std::string_view what = {};        // its name in problems ("cipher_suites")
  std::string_view length_key = {};  // key of its length field ("cipher_suites_length"); "" for none
  int prefix = 2;                    // bytes of the length prefix: 1, 2 or 3
  size_t min = 0;                    // the protocol's bounds on the length in bytes
  size_t max = std::numeric_limits<size_t>::max();
  size_t unit = 1;           // the length must be a multiple of this (2 for a list of uint16)
  bool show_length = false;  // length fields are -A detail unless the length says something
};

// Reads a vector's length prefix and returns a reader over its contents, adding the length
// as a field. A length outside the bounds is a problem, but the vector is still returned
// since its extent is known; nullopt (and a problem) when it runs past the end of `in`.
std::optional<Reader> read_vector(Reader& in, Decoding& d, Field& parent, const VectorSpec& spec);

// Reads the whole vector `items` as 16-bit code points into `list`, one code field keyed
// `item_key` each, appending the non-GREASE values to `collected` when given.
void read_code16_items(Reader& items, Decoding& d, Field& list, std::string_view item_key, Name16 name,
                       std::vector<uint16_t>* collected = nullptr);
void read_code8_items(Reader& items, Decoding& d, Field& list, std::string_view item_key, Name8 name);
// A signature scheme code point, named by signature_scheme_display_name.
bool read_signature_scheme(Reader& in, Decoding& d, Field& parent, std::string_view key, uint16_t& value);
void read_signature_scheme_items(Reader& items, Decoding& d, Field& list, std::vector<uint16_t>* collected = nullptr);

// Reads the rest of `in` as a bytes field (-A detail): the data of an extension whose
// content is not decoded, or of an opaque field.
void read_rest_as_bytes(Reader& in, Decoding& d, Field& parent, std::string_view key);

// A problem when `block` has bytes left: "3 bytes left over after <what>".
void expect_consumed(const Reader& block, Decoding& d, std::string_view what);

// ---- text

std::string byte_count(size_t n);     // "1 byte", "2 bytes"
std::string hex_string(Bytes bytes);  // lowercase, no separators
// Printable ASCII as is; every other byte, and the backslash, as \xNN (so the text is valid
// UTF-8 and unambiguous): protocol names and host names are sent as bytes, not text.
std::string escaped_text(Bytes bytes);
// "server_name", or "0xfe0d" for an unknown type (for problems).
std::string extension_label(uint16_t type);

// ---- extension blocks

// Reads an extensions block (with its 2-byte length) of the given handshake message type into
// `out` ("extensions_length" and the list "extensions") and records the extension facts.
void decode_extension_block(Reader& in, uint8_t handshake_type, Decoding& d, Field& out);

// The extension types the decoders treat specially.
namespace extension_type {
inline constexpr uint16_t server_name = 0;
inline constexpr uint16_t status_request = 5;
inline constexpr uint16_t signature_algorithms = 13;
inline constexpr uint16_t heartbeat = 15;
inline constexpr uint16_t signed_certificate_timestamp = 18;
inline constexpr uint16_t encrypt_then_mac = 22;
inline constexpr uint16_t extended_master_secret = 23;
inline constexpr uint16_t record_size_limit = 28;
inline constexpr uint16_t session_ticket = 35;
inline constexpr uint16_t pre_shared_key = 41;
inline constexpr uint16_t early_data = 42;
inline constexpr uint16_t post_handshake_auth = 49;
inline constexpr uint16_t encrypted_client_hello = 65037;
inline constexpr uint16_t renegotiation_info = 65281;
}  // namespace extension_type

struct ExtensionContext {
  Decoding& d;
  uint8_t handshake_type;  // the message carrying the extension (handshake_type::...)
  uint16_t type;           // the extension type
  Field& out;              // the extension's group

  TlsFacts& facts() const { return d.facts(); }
  bool in_client_hello() const { return handshake_type == handshake_type::client_hello; }
  bool in_server_hello() const { return handshake_type == handshake_type::server_hello; }
  bool in_hello_retry_request() const { return handshake_type == handshake_type::hello_retry_request; }
  bool in_encrypted_extensions() const { return handshake_type == handshake_type::encrypted_extensions; }
  bool in_certificate_entry() const { return handshake_type == handshake_type::certificate; }
  bool in_certificate_request() const { return handshake_type == handshake_type::certificate_request; }
  bool in_new_session_ticket() const { return handshake_type == handshake_type::new_session_ticket; }
};

// Decoders read `data` (the extension's contents) and add fields to e.out.
using ExtensionDecoder = void (*)(Reader& data, ExtensionContext& e);

// nullptr for an extension whose content is not decoded (its bytes are shown as "data").
ExtensionDecoder find_extension_decoder(uint16_t type);

// extension_decoders_common.cpp: the extensions of TLS up to 1.2 (and still in use)
void decode_empty_extension(Reader& data, ExtensionContext& e);
void decode_opaque_extension(Reader& data, ExtensionContext& e);
void decode_server_name(Reader& data, ExtensionContext& e);
void decode_max_fragment_length(Reader& data, ExtensionContext& e);
void decode_supported_groups(Reader& data, ExtensionContext& e);
void decode_ec_point_formats(Reader& data, ExtensionContext& e);
void decode_signature_algorithms(Reader& data, ExtensionContext& e);  // also signature_algorithms_cert
void decode_use_srtp(Reader& data, ExtensionContext& e);
void decode_heartbeat(Reader& data, ExtensionContext& e);
void decode_alpn(Reader& data, ExtensionContext& e);
void decode_next_protocol_negotiation(Reader& data, ExtensionContext& e);
void decode_application_settings(Reader& data, ExtensionContext& e);
void decode_padding(Reader& data, ExtensionContext& e);
void decode_session_ticket(Reader& data, ExtensionContext& e);
void decode_renegotiation_info(Reader& data, ExtensionContext& e);
void decode_record_size_limit(Reader& data, ExtensionContext& e);
void decode_token_binding(Reader& data, ExtensionContext& e);
void decode_srp(Reader& data, ExtensionContext& e);
void decode_certificate_type(Reader& data, ExtensionContext& e);  // client_ and server_certificate_type
void decode_connection_id(Reader& data, ExtensionContext& e);
void decode_ticket_request(Reader& data, ExtensionContext& e);

// extension_decoders_tls13.cpp: TLS 1.3 and ECH
void decode_supported_versions(Reader& data, ExtensionContext& e);
void decode_key_share(Reader& data, ExtensionContext& e);
void decode_psk_key_exchange_modes(Reader& data, ExtensionContext& e);
void decode_pre_shared_key(Reader& data, ExtensionContext& e);
void decode_early_data(Reader& data, ExtensionContext& e);  // also the draft ticket_early_data_info
void decode_cookie(Reader& data, ExtensionContext& e);
void decode_encrypted_client_hello(Reader& data, ExtensionContext& e);
void decode_ech_outer_extensions(Reader& data, ExtensionContext& e);

// extension_decoders_certificate.cpp: about certificates and their status
void decode_status_request(Reader& data, ExtensionContext& e);
void decode_status_request_v2(Reader& data, ExtensionContext& e);
void decode_signed_certificate_timestamp(Reader& data, ExtensionContext& e);
void decode_compress_certificate(Reader& data, ExtensionContext& e);
void decode_certificate_authorities(Reader& data, ExtensionContext& e);
void decode_oid_filters(Reader& data, ExtensionContext& e);
void decode_delegated_credential(Reader& data, ExtensionContext& e);

}  // namespace tlslens::tls::hello_internal
