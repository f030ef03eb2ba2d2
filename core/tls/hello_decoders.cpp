// Decoders of ClientHello, ServerHello (and HelloRetryRequest, which is a ServerHello with a
// special random) and the SSLv2-compatible ClientHello. RFC 8446 4.1.2-4.1.4, RFC 5246
// 7.4.1.2-3 and appendix E.2.
//
// Each reads on after a problem wherever the message's framing still allows (an odd
// cipher_suites length does not hide the extensions), so the tree shows as much as can be
// known; the first problem is the one returned.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/tls/extension_decoders.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"

namespace tlslens::tls {
namespace {

using hello_internal::byte_count;
using hello_internal::Decoding;
using hello_internal::read_bytes;
using hello_internal::read_code16;
using hello_internal::read_code8;
using hello_internal::read_vector;

constexpr size_t kRandomLength = 32;
constexpr size_t kMaxSessionIdLength = 32;
constexpr uint16_t kRenegotiationInfoScsv = 0x00FF;

// RFC 8446 4.1.3: SHA-256("HelloRetryRequest"), the random of a ServerHello that is an HRR.
constexpr std::array<uint8_t, kRandomLength> kHelloRetryRequestRandom = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

// RFC 8446 4.1.3: a TLS 1.3 server negotiating an older version ends its random with
// "DOWNGRD" and 01 (TLS 1.2) or 00 (TLS 1.1 or below), so a client can detect an attacker's
// downgrade.
constexpr std::array<uint8_t, 7> kDowngradePrefix = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44};

bool equal_bytes(Bytes a, Bytes b) {
  return std::ranges::equal(a, b);
}

// ---- facts

// A new ClientHello replaces what the last one offered (after a HelloRetryRequest, the second
// hello is the one that counts).
void start_client_hello(TlsFacts& f) {
  f.client_hello_seen = true;
  ++f.client_hello_count;
  f.sslv2_client_hello = false;
  f.client_legacy_version = 0;
  f.client_supported_versions.clear();
  f.client_random = {};
  f.client_session_id.clear();
  f.offered_cipher_suites.clear();
  f.offered_compression_methods.clear();
  f.sni.clear();
  f.alpn_offered.clear();
  f.offered_groups.clear();
  f.client_key_share_groups.clear();
  f.signature_algorithms.clear();
  f.client_extensions.clear();
  f.client_ext = {};
  f.client_ticket_nonempty = false;
  f.client_psk_identities = 0;
}

// The ServerHello after a HelloRetryRequest replaces what the HRR said (hello_retry_request
// and hrr_selected_group stay: they record that there was one).
void start_server_hello(TlsFacts& f) {
  f.server_extensions.clear();
  f.server_ext = {};
  f.alpn.clear();
  f.key_exchange_group = 0;
  f.psk_selected_identity.reset();
}

void copy_random(Bytes random, std::array<uint8_t, kRandomLength>& to) {
  std::copy_n(random.begin(), std::min(random.size(), to.size()), to.begin());
}

// ---- fields both hellos share

// legacy_version and random. Returns the random through `random`.
bool read_version_and_random(Reader& body, Decoding& d, Field& out, uint16_t& version, Bytes& random) {
  return read_code16(body, d, out, "legacy_version", version_name, version) &&
         read_bytes(body, d, out, "random", kRandomLength, random);
}

// opaque legacy_session_id<0..32>.
bool read_session_id(Reader& body, Decoding& d, Field& out, std::vector<uint8_t>& to) {
  std::optional<Reader> id = read_vector(
      body, d, out, {.what = "session_id", .length_key = "session_id_length", .prefix = 1, .max = kMaxSessionIdLength});
  if (!id) return false;
  Bytes bytes = id->rest();
  out.add_bytes("session_id", bytes).at(d.offset(*id), bytes.size());
  to.assign(bytes.begin(), bytes.end());
  return true;
}

// ---- ClientHello

// CipherSuite cipher_suites<2..2^16-2>.
bool read_cipher_suites(Reader& body, Decoding& d, Field& out) {
  std::optional<Reader> suites =
      read_vector(body, d, out, {.what = "cipher_suites", .length_key = "cipher_suites_length", .min = 2, .unit = 2});
  if (!suites) return false;
  Field& list = out.add_list("cipher_suites").at(d.offset(*suites), suites->remaining());
  TlsFacts& facts = d.facts();
  hello_internal::read_code16_items(*suites, d, list, "cipher_suite", cipher_suite_name, &facts.offered_cipher_suites);
  // RFC 5746 3.3: the SCSV stands for an empty renegotiation_info extension.
  if (std::ranges::find(facts.offered_cipher_suites, kRenegotiationInfoScsv) != facts.offered_cipher_suites.end())
    facts.client_ext.renegotiation_info = true;
  return true;
}

// opaque legacy_compression_methods<1..2^8-1>.
bool read_compression_methods(Reader& body, Decoding& d, Field& out) {
  std::optional<Reader> methods = read_vector(
      body, d, out, {.what = "compression_methods", .length_key = "compression_methods_length", .prefix = 1, .min = 1});
  if (!methods) return false;
  Field& list = out.add_list("compression_methods").at(d.offset(*methods), methods->remaining());
  for (uint8_t method : methods->rest()) d.facts().offered_compression_methods.push_back(method);
  hello_internal::read_code8_items(*methods, d, list, "compression_method", compression_method_name);
  return true;
}

// Extensions are optional before TLS 1.3: a hello may end after its last fixed field.
void read_optional_extensions(Reader& body, uint8_t handshake_type, Decoding& d, Field& out) {
  if (body.empty()) return;
  hello_internal::decode_extension_block(body, handshake_type, d, out);
  hello_internal::expect_consumed(body, d, "extensions");
}

void decode_client_hello_fields(Reader& body, Decoding& d, Field& out) {
  TlsFacts& facts = d.facts();
  uint16_t version;
  Bytes random;
  if (!read_version_and_random(body, d, out, version, random)) return;
  facts.client_legacy_version = version;
  copy_random(random, facts.client_random);
  if (!read_session_id(body, d, out, facts.client_session_id) || !read_cipher_suites(body, d, out) ||
      !read_compression_methods(body, d, out))
    return;
  read_optional_extensions(body, handshake_type::client_hello, d, out);
}

// ---- ServerHello

bool is_hello_retry_request(Bytes random) {
  return equal_bytes(random, kHelloRetryRequestRandom);
}

void add_downgrade_sentinel(Bytes random, size_t random_offset, Field& out) {
  Bytes tail = random.subspan(kRandomLength - 8);
  if (!equal_bytes(tail.first(7), kDowngradePrefix)) return;
  std::string_view meaning = tail[7] == 0x01 ? "TLS 1.2" : tail[7] == 0x00 ? "TLS 1.1 or below" : "";
  if (meaning.empty()) return;
  out.add_text("downgrade_sentinel", std::string(meaning)).at(random_offset + kRandomLength - 8, 8);
}

void decode_server_hello_fields(Reader& body, Decoding& d, Field& out) {
  TlsFacts& facts = d.facts();
  uint16_t version;
  Bytes random;
  size_t random_offset = d.offset(body) + 2;
  if (!read_version_and_random(body, d, out, version, random)) return;
  bool hrr = is_hello_retry_request(random);
  if (hrr) {
    out.key = "hello_retry_request";
    facts.hello_retry_request = true;
  } else {
    facts.server_hello_seen = true;
    copy_random(random, facts.server_random);
    add_downgrade_sentinel(random, random_offset, out);
  }
  facts.server_legacy_version = version;
  facts.negotiated_version = version;  // until supported_versions says otherwise

  uint16_t suite;
  uint8_t compression;
  if (!read_session_id(body, d, out, facts.server_session_id) ||
      !read_code16(body, d, out, "cipher_suite", cipher_suite_name, suite))
    return;
  facts.cipher_suite = suite;
  if (!read_code8(body, d, out, "compression_method", compression_method_name, compression)) return;
  facts.compression_method = compression;
  read_optional_extensions(body, hrr ? handshake_type::hello_retry_request : handshake_type::server_hello, d, out);
}

// ---- SSLv2-compatible ClientHello

constexpr uint8_t kSsl2ClientHello = 1;
constexpr size_t kSsl2CipherSpecLength = 3;

std::string_view ssl2_cipher_spec_name(uint32_t code) {
  // A spec whose first byte is 0 is a TLS cipher suite (RFC 5246 E.2).
  return code <= 0xFFFF ? cipher_suite_name(static_cast<uint16_t>(code)) : ssl2_cipher_kind_name(code);
}

struct Ssl2Lengths {
  uint16_t cipher_specs = 0;
  uint16_t session_id = 0;
  uint16_t challenge = 0;
};

// The three lengths that precede the data (unlike TLS, they are not prefixes of their fields).
bool read_ssl2_lengths(Reader& body, Decoding& d, Field& out, Ssl2Lengths& lengths) {
  using hello_internal::read_uint16;
  if (!read_uint16(body, d, out, "cipher_specs_length", lengths.cipher_specs, Show::with_all) ||
      !read_uint16(body, d, out, "session_id_length", lengths.session_id, Show::with_all) ||
      !read_uint16(body, d, out, "challenge_length", lengths.challenge, Show::with_all))
    return false;
  size_t at = d.offset(body) - 6;
  if (lengths.cipher_specs == 0)
    d.fail_at(at, "cipher_specs is empty");
  else if (lengths.cipher_specs % kSsl2CipherSpecLength != 0)
    d.fail_at(at, fmt::format("cipher_specs length {} is not a multiple of 3", lengths.cipher_specs));
  // SSLv2: 0, or 16 when resuming.
  if (lengths.session_id != 0 && lengths.session_id != 16)
    d.fail_at(at + 2, fmt::format("session_id length {} is neither 0 nor 16", lengths.session_id));
  if (lengths.challenge < 16 || lengths.challenge > kRandomLength)
    d.fail_at(at + 4, fmt::format("challenge length {} is outside 16..32", lengths.challenge));
  return true;
}

void read_ssl2_cipher_specs(Reader& specs, Decoding& d, Field& out) {
  Field& list = out.add_list("cipher_specs").at(d.offset(specs), specs.remaining());
  list.children.reserve(specs.remaining() / kSsl2CipherSpecLength);
  TlsFacts& facts = d.facts();
  while (specs.remaining() >= kSsl2CipherSpecLength) {
    size_t start = d.offset(specs);
    uint32_t code = 0;
    for (size_t i = 0; i < kSsl2CipherSpecLength; ++i) {
      uint8_t b = 0;
      specs.u8(b);
      code = code << 8 | b;
    }
    list.add_code("cipher_spec", code, ssl2_cipher_spec_name(code)).at(start, kSsl2CipherSpecLength);
    if (code <= 0xFFFF && !is_grease(static_cast<uint16_t>(code)))
      facts.offered_cipher_suites.push_back(static_cast<uint16_t>(code));
  }
  if (std::ranges::find(facts.offered_cipher_suites, kRenegotiationInfoScsv) != facts.offered_cipher_suites.end())
    facts.client_ext.renegotiation_info = true;
}

// RFC 5246 E.2: the challenge, right-aligned and zero-padded on the left, is the client random.
void record_ssl2_challenge(Bytes challenge, TlsFacts& facts) {
  facts.client_random = {};
  if (challenge.size() > kRandomLength) return;
  std::ranges::copy(challenge, facts.client_random.begin() + (kRandomLength - challenge.size()));
}

void decode_ssl2_hello_body(Reader& body, Decoding& d, Field& out) {
  TlsFacts& facts = d.facts();
  uint8_t message_type;
  if (!read_code8(body, d, out, "msg_type", ssl2_message_type_name, message_type)) return;
  if (message_type != kSsl2ClientHello) {
    d.fail_at(d.offset(body) - 1, fmt::format("SSLv2 message type {} is not CLIENT-HELLO", message_type));
    return;
  }
  uint16_t version;
  if (!read_code16(body, d, out, "version", version_name, version)) return;
  facts.client_legacy_version = version;
  Ssl2Lengths lengths;
  if (!read_ssl2_lengths(body, d, out, lengths)) return;

  Reader specs;
  if (!body.sub(lengths.cipher_specs, specs)) {
    d.fail(body, fmt::format("truncated cipher_specs: needs {}, {} left", byte_count(lengths.cipher_specs),
                             body.remaining()));
    return;
  }
  read_ssl2_cipher_specs(specs, d, out);
  Bytes session_id;
  Bytes challenge;
  if (!read_bytes(body, d, out, "session_id", lengths.session_id, session_id) ||
      !read_bytes(body, d, out, "challenge", lengths.challenge, challenge))
    return;
  facts.client_session_id.assign(session_id.begin(), session_id.end());
  record_ssl2_challenge(challenge, facts);
  hello_internal::expect_consumed(body, d, "the challenge");
}

}  // namespace

DecodeResult decode_client_hello(Reader& body, DecodeContext& ctx, Field& out) {
  start_client_hello(ctx.facts);
  Decoding d(ctx);
  decode_client_hello_fields(body, d, out);
  return d.result();
}

DecodeResult decode_server_hello(Reader& body, DecodeContext& ctx, Field& out) {
  start_server_hello(ctx.facts);
  Decoding d(ctx);
  decode_server_hello_fields(body, d, out);
  return d.result();
}

DecodeResult decode_sslv2_client_hello(DecodeContext& ctx, Field& out) {
  start_client_hello(ctx.facts);
  ctx.facts.sslv2_client_hello = true;
  Decoding d(ctx);
  Reader record(ctx.message);
  uint16_t header = 0;
  if (!record.u16(header)) {
    d.fail_at(0, fmt::format("truncated SSLv2 record header: needs 2 bytes, {} left", record.remaining()));
    return d.result();
  }
  // A 2-byte SSLv2 header has the high bit set; the rest is the record length.
  uint16_t length = header & 0x7FFF;
  out.add_uint("record_length", length).at(0, 2).set_detail();
  if ((header & 0x8000) == 0) {
    d.fail_at(0, "not an SSLv2 record with a 2-byte header");
    return d.result();
  }
  Reader body;
  if (!record.sub(length, body)) {
    // Decode what is there: the field-level truncation says where it ends.
    d.fail_at(0, fmt::format("SSLv2 record length {} exceeds the {} present", length, byte_count(record.remaining())));
    body = Reader(record.rest());
    record.skip(record.remaining());
  }
  decode_ssl2_hello_body(body, d, out);
  hello_internal::expect_consumed(record, d, "the SSLv2 record");
  return d.result();
}

}  // namespace tlslens::tls
