// The extensions block walker, the table of extension decoders, and the reading helpers
// the hello and extension decoders share (see extension_decoders.h).
#include "core/tls/extension_decoders.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <utility>

#include "core/tls/field_reading.h"
#include "core/tls/registry.h"

namespace tlslens::tls {
namespace hello_internal {

// ---- Decoding ---------------------------------------------------------------------------

bool Decoding::fail_at(size_t offset, std::string reason) {
  ++problem_count_;
  if (!first_) first_ = DecodeProblem{static_cast<uint32_t>(offset), reason};
  last_reason_ = std::move(reason);
  return false;
}

// ---- reading one value ------------------------------------------------------------------

namespace {

bool truncated(const Reader& in, Decoding& d, std::string_view what, size_t needed) {
  return d.fail(in, fmt::format("truncated {}: needs {}, {} left", what, byte_count(needed), in.remaining()));
}

// Reads an integer of sizeof-on-the-wire `size` with `read` and adds it as a uint field.
template <typename T>
bool read_uint_field(Reader& in, Decoding& d, Field& parent, std::string_view key, T& value, Show show,
                     bool (Reader::*read)(T&), size_t size) {
  size_t start = d.offset(in);
  if (!(in.*read)(value)) return truncated(in, d, key, size);
  Field& f = parent.add_uint(key, value).at(start, size);
  f.show = show;
  return true;
}

}  // namespace

bool read_uint8(Reader& in, Decoding& d, Field& parent, std::string_view key, uint8_t& value, Show show) {
  return read_uint_field(in, d, parent, key, value, show, &Reader::u8, 1);
}
bool read_uint16(Reader& in, Decoding& d, Field& parent, std::string_view key, uint16_t& value, Show show) {
  return read_uint_field(in, d, parent, key, value, show, &Reader::u16, 2);
}
bool read_uint32(Reader& in, Decoding& d, Field& parent, std::string_view key, uint32_t& value, Show show) {
  return read_uint_field(in, d, parent, key, value, show, &Reader::u32, 4);
}
bool read_uint64(Reader& in, Decoding& d, Field& parent, std::string_view key, uint64_t& value, Show show) {
  return read_uint_field(in, d, parent, key, value, show, &Reader::u64, 8);
}

bool read_code8(Reader& in, Decoding& d, Field& parent, std::string_view key, Name8 name, uint8_t& value) {
  size_t start = d.offset(in);
  if (!in.u8(value)) return truncated(in, d, key, 1);
  parent.add_code(key, value, name(value)).at(start, 1);
  return true;
}

bool read_code16(Reader& in, Decoding& d, Field& parent, std::string_view key, Name16 name, uint16_t& value) {
  size_t start = d.offset(in);
  if (!in.u16(value)) return truncated(in, d, key, 2);
  parent.add_code(key, value, name(value)).at(start, 2);
  return true;
}

bool read_bytes(Reader& in, Decoding& d, Field& parent, std::string_view key, size_t n, Bytes& value, Show show) {
  size_t start = d.offset(in);
  if (!in.bytes(n, value)) return truncated(in, d, key, n);
  Field& f = parent.add_bytes(key, value).at(start, n);
  f.show = show;
  return true;
}

namespace {

bool read_length_prefix(Reader& in, int prefix, uint32_t& length) {
  switch (prefix) {
    case 1: {
      uint8_t n;
      if (!in.u8(n)) return false;
      length = n;
      return true;
    }
    case 2: {
      uint16_t n;
      if (!in.u16(n)) return false;
      length = n;
      return true;
    }
    default:
      return in.u24(length);
  }
}

// The first bound the length breaks, "" when none.
std::string length_bound_problem(const VectorSpec& spec, size_t length) {
  if (length < spec.min) {
    if (length == 0) return fmt::format("{} is empty", spec.what);
    return fmt::format("{} length {} is below the minimum of {}", spec.what, length, spec.min);
  }
  if (length > spec.max) return fmt::format("{} length {} exceeds the maximum of {}", spec.what, length, spec.max);
  if (length % spec.unit != 0) {
    if (spec.unit == 2) return fmt::format("{} length {} is odd", spec.what, length);
    return fmt::format("{} length {} is not a multiple of {}", spec.what, length, spec.unit);
  }
  return {};
}

}  // namespace

std::optional<Reader> read_vector(Reader& in, Decoding& d, Field& parent, const VectorSpec& spec) {
  size_t start = d.offset(in);
  uint32_t length = 0;
  if (!read_length_prefix(in, spec.prefix, length)) {
    d.fail(in, fmt::format("truncated {} length: needs {}, {} left", spec.what,
                           byte_count(static_cast<size_t>(spec.prefix)), in.remaining()));
    return std::nullopt;
  }
  if (!spec.length_key.empty()) {
    Field& f = parent.add_uint(spec.length_key, length).at(start, static_cast<size_t>(spec.prefix));
    if (!spec.show_length) f.set_detail();
  }
  Reader contents;
  if (!in.sub(length, contents)) {
    d.fail_at(start, fmt::format("{} length {} exceeds the {} left", spec.what, length, byte_count(in.remaining())));
    return std::nullopt;
  }
  if (std::string problem = length_bound_problem(spec, length); !problem.empty()) d.fail_at(start, problem);
  return contents;
}

namespace {

// A vector of `item_size`-byte code points holds remaining / item_size of them: room for them
// all at once spares the list (and `collected`) growing one doubling at a time, which made
// most of a hello's allocations.
void reserve_items(const Reader& items, size_t item_size, Field& list, std::vector<uint16_t>* collected = nullptr) {
  const size_t count = items.remaining() / item_size;
  list.children.reserve(list.children.size() + count);
  if (collected != nullptr) collected->reserve(collected->size() + count);
}

}  // namespace

void read_code16_items(Reader& items, Decoding& d, Field& list, std::string_view item_key, Name16 name,
                       std::vector<uint16_t>* collected) {
  reserve_items(items, 2, list, collected);
  uint16_t value;
  while (!items.empty() && read_code16(items, d, list, item_key, name, value))
    if (collected != nullptr && !is_grease(value)) collected->push_back(value);
}

void read_code8_items(Reader& items, Decoding& d, Field& list, std::string_view item_key, Name8 name) {
  reserve_items(items, 1, list);
  uint8_t value;
  while (!items.empty() && read_code8(items, d, list, item_key, name, value)) {
  }
}

bool read_signature_scheme(Reader& in, Decoding& d, Field& parent, std::string_view key, uint16_t& value) {
  size_t start = d.offset(in);
  if (!in.u16(value)) return truncated(in, d, key, 2);
  parent.add_code(key, value, signature_scheme_display_name(value)).at(start, 2);
  return true;
}

void read_signature_scheme_items(Reader& items, Decoding& d, Field& list, std::vector<uint16_t>* collected) {
  reserve_items(items, 2, list, collected);
  uint16_t value;
  while (!items.empty() && read_signature_scheme(items, d, list, "signature_scheme", value))
    if (collected != nullptr && !is_grease(value)) collected->push_back(value);
}

void read_rest_as_bytes(Reader& in, Decoding& d, Field& parent, std::string_view key) {
  Bytes rest;
  read_bytes(in, d, parent, key, in.remaining(), rest, Show::with_all);
}

void expect_consumed(const Reader& block, Decoding& d, std::string_view what) {
  if (block.empty()) return;
  d.fail(block, fmt::format("{} left over after {}", byte_count(block.remaining()), what));
}

// ---- text -------------------------------------------------------------------------------

std::string byte_count(size_t n) {
  return fmt::format("{} byte{}", n, n == 1 ? "" : "s");
}

std::string hex_string(Bytes bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

std::string escaped_text(Bytes bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (uint8_t b : bytes) {
    if (b >= 0x20 && b < 0x7F && b != '\\')
      out += static_cast<char>(b);
    else
      out += fmt::format("\\x{:02x}", b);
  }
  return out;
}

std::string extension_label(uint16_t type) {
  if (std::string_view name = extension_name(type); !name.empty() && !is_grease(type)) return std::string(name);
  return fmt::format("{:#06x}", type);
}

// ---- the decoder table ------------------------------------------------------------------

namespace {

struct DecoderEntry {
  uint16_t type;
  ExtensionDecoder decoder;
};

// Sorted by type. Extensions missing here are shown as their type, length and data bytes.
constexpr std::array kDecoders = {
    DecoderEntry{0, decode_server_name},
    DecoderEntry{1, decode_max_fragment_length},
    DecoderEntry{2, decode_empty_extension},  // client_certificate_url
    DecoderEntry{4, decode_empty_extension},  // truncated_hmac
    DecoderEntry{5, decode_status_request},
    DecoderEntry{10, decode_supported_groups},
    DecoderEntry{11, decode_ec_point_formats},
    DecoderEntry{12, decode_srp},
    DecoderEntry{13, decode_signature_algorithms},
    DecoderEntry{14, decode_use_srtp},
    DecoderEntry{15, decode_heartbeat},
    DecoderEntry{16, decode_alpn},
    DecoderEntry{17, decode_status_request_v2},
    DecoderEntry{18, decode_signed_certificate_timestamp},
    DecoderEntry{19, decode_certificate_type},
    DecoderEntry{20, decode_certificate_type},
    DecoderEntry{21, decode_padding},
    DecoderEntry{22, decode_empty_extension},  // encrypt_then_mac
    DecoderEntry{23, decode_empty_extension},  // extended_master_secret
    DecoderEntry{24, decode_token_binding},
    DecoderEntry{27, decode_compress_certificate},
    DecoderEntry{28, decode_record_size_limit},
    DecoderEntry{34, decode_delegated_credential},
    DecoderEntry{35, decode_session_ticket},
    DecoderEntry{41, decode_pre_shared_key},
    DecoderEntry{42, decode_early_data},
    DecoderEntry{43, decode_supported_versions},
    DecoderEntry{44, decode_cookie},
    DecoderEntry{45, decode_psk_key_exchange_modes},
    DecoderEntry{46, decode_early_data},  // ticket_early_data_info (draft): max_early_data_size
    DecoderEntry{47, decode_certificate_authorities},
    DecoderEntry{48, decode_oid_filters},
    DecoderEntry{49, decode_empty_extension},       // post_handshake_auth
    DecoderEntry{50, decode_signature_algorithms},  // signature_algorithms_cert
    DecoderEntry{51, decode_key_share},
    DecoderEntry{53, decode_connection_id},  // the deprecated code point, same content
    DecoderEntry{54, decode_connection_id},
    DecoderEntry{58, decode_ticket_request},
    DecoderEntry{13172, decode_next_protocol_negotiation},
    DecoderEntry{17513, decode_application_settings},
    DecoderEntry{17613, decode_application_settings},
    DecoderEntry{30031, decode_empty_extension},  // channel_id_old
    DecoderEntry{30032, decode_empty_extension},  // channel_id
    DecoderEntry{64768, decode_ech_outer_extensions},
    DecoderEntry{65037, decode_encrypted_client_hello},
    DecoderEntry{65281, decode_renegotiation_info},
};
static_assert(std::ranges::is_sorted(kDecoders, {}, &DecoderEntry::type));

}  // namespace

ExtensionDecoder find_extension_decoder(uint16_t type) {
  auto it = std::ranges::lower_bound(kDecoders, type, {}, &DecoderEntry::type);
  return it != kDecoders.end() && it->type == type ? it->decoder : nullptr;
}

// ---- facts ------------------------------------------------------------------------------

namespace {

// clang-format off
void mark_seen(HelloExtensionsSeen& seen, uint16_t type) {
  switch (type) {
    case extension_type::server_name: seen.server_name = true; break;
    case extension_type::extended_master_secret: seen.extended_master_secret = true; break;
    case extension_type::encrypt_then_mac: seen.encrypt_then_mac = true; break;
    case extension_type::renegotiation_info: seen.renegotiation_info = true; break;
    case extension_type::session_ticket: seen.session_ticket = true; break;
    case extension_type::heartbeat: seen.heartbeat = true; break;
    case extension_type::status_request: seen.status_request = true; break;
    case extension_type::signed_certificate_timestamp: seen.signed_certificate_timestamp = true; break;
    case extension_type::pre_shared_key: seen.pre_shared_key = true; break;
    case extension_type::early_data: seen.early_data = true; break;
    case extension_type::post_handshake_auth: seen.post_handshake_auth = true; break;
    case extension_type::encrypted_client_hello: seen.encrypted_client_hello = true; break;
    case extension_type::record_size_limit: seen.record_size_limit = true; break;
    default: break;
  }
}
// clang-format on

// The facts' list of a hello's extensions in order, or nullptr for other messages.
std::vector<uint16_t>* extension_order(TlsFacts& facts, uint8_t handshake_type) {
  switch (handshake_type) {
    case handshake_type::client_hello:
      return &facts.client_extensions;
    case handshake_type::server_hello:
    case handshake_type::hello_retry_request:
      return &facts.server_extensions;
    default:
      return nullptr;
  }
}

// The hellos list their extensions in order; the server's flags also take in
// EncryptedExtensions, where TLS 1.3 servers answer most of the ClientHello's extensions.
void record_extension_seen(TlsFacts& facts, uint8_t handshake_type, uint16_t type) {
  if (std::vector<uint16_t>* order = extension_order(facts, handshake_type)) order->push_back(type);
  switch (handshake_type) {
    case handshake_type::client_hello:
      mark_seen(facts.client_ext, type);
      break;
    case handshake_type::server_hello:
    case handshake_type::hello_retry_request:
    case handshake_type::encrypted_extensions:
      mark_seen(facts.server_ext, type);
      break;
    default:
      break;
  }
}

// ---- the block walker -------------------------------------------------------------------

using SeenTypes = std::bitset<65536>;

// How many whole extensions (a 2-byte type, then 16-bit-prefixed data) `block` holds.
size_t count_extensions(Reader block) {
  size_t count = 0;
  Reader data;
  while (block.skip(2) && block.prefixed16(data)) ++count;
  return count;
}

// Decodes one extension (header and data) from `block` into `list`. Returns false when the
// block's framing is broken (the rest of the block cannot be read).
bool decode_one_extension(Reader& block, uint8_t handshake_type, Decoding& d, Field& list, SeenTypes& seen) {
  size_t start = d.offset(block);
  uint16_t type = 0;
  uint16_t length = 0;
  if (block.remaining() < 4) {
    d.fail(block, fmt::format("truncated extension header: needs 4 bytes, {} left", block.remaining()));
    return false;
  }
  block.u16(type);
  block.u16(length);
  Field& ext = list.add_group("extension");
  ext.add_code("type", type, extension_name(type)).at(start, 2);
  ext.add_uint("length", length).at(start + 2, 2).set_detail();
  Reader data;
  if (!block.sub(length, data)) {
    ext.at(start, 4 + block.remaining());
    d.fail_at(start + 2, fmt::format("{} extension length {} exceeds the {} left in extensions", extension_label(type),
                                     length, byte_count(block.remaining())));
    ext.add_text("problem", d.last_reason());
    return false;
  }
  ext.at(start, 4 + length);

  int problems_before = d.problem_count();
  if (seen.test(type)) d.fail_at(start, fmt::format("duplicate extension {}", extension_label(type)));
  seen.set(type);
  record_extension_seen(d.facts(), handshake_type, type);

  ExtensionContext e{d, handshake_type, type, ext};
  ExtensionDecoder decoder = find_extension_decoder(type);
  (decoder != nullptr ? decoder : decode_opaque_extension)(data, e);
  if (!data.empty() && d.problem_count() == problems_before) {
    d.fail(data, fmt::format("{} left over in the {} extension", byte_count(data.remaining()), extension_label(type)));
  }
  if (d.problem_count() != problems_before) ext.add_text("problem", d.last_reason());
  return true;
}

}  // namespace

void decode_extension_block(Reader& in, uint8_t handshake_type, Decoding& d, Field& out) {
  std::optional<Reader> block = read_vector(in, d, out, {.what = "extensions", .length_key = "extensions_length"});
  if (!block) return;
  Field& list = out.add_list("extensions").at(d.offset(*block), block->remaining());
  // Counting first costs a walk over the headers and spares growing the list (and the facts'
  // order of extensions) one doubling at a time: a ClientHello has a dozen or more.
  const size_t count = count_extensions(*block);
  list.children.reserve(count);
  if (std::vector<uint16_t>* order = extension_order(d.facts(), handshake_type)) order->reserve(order->size() + count);
  SeenTypes seen;
  uint16_t last_type = 0;
  size_t last_start = 0;
  while (!block->empty()) {
    size_t start = d.offset(*block);
    uint16_t type = 0;
    block->peek_u16(type);
    if (!decode_one_extension(*block, handshake_type, d, list, seen)) break;
    last_type = type;
    last_start = start;
  }
  // RFC 8446 4.2.11: the binders cover everything before them, so the PSK must come last.
  if (handshake_type == handshake_type::client_hello && seen.test(extension_type::pre_shared_key) &&
      last_type != extension_type::pre_shared_key)
    d.fail_at(last_start, "pre_shared_key is not the last extension");
}

}  // namespace hello_internal

DecodeResult decode_extensions(Reader& in, uint8_t handshake_type, DecodeContext& ctx, Field& out) {
  hello_internal::Decoding d(ctx);
  hello_internal::decode_extension_block(in, handshake_type, d, out);
  return d.result();
}

}  // namespace tlslens::tls
