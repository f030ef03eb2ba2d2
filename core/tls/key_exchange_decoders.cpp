// Decoders of ServerKeyExchange, ClientKeyExchange and CertificateRequest. The first two
// have no self-describing form: their layout follows the key exchange of the suite the
// ServerHello chose (RFC 5246 7.4.3 and 7.4.7, RFC 4492 5.4 and 5.7, RFC 4279, RFC 5054).
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "core/tls/field_reading.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"

namespace tlslens::tls {

namespace {

// What a key exchange puts in ServerKeyExchange and ClientKeyExchange, besides a PSK
// identity (hint) and the server's signature.
enum class KeyParams : uint8_t {
  none,     // nothing more (PSK; RSA_PSK in ServerKeyExchange)
  ec,       // server: ECParameters + ECPoint; client: ECPoint
  dh,       // server: dh_p, dh_g, dh_Ys; client: dh_Yc
  rsa,      // server: a temporary RSA key (export); client: the encrypted premaster secret
  srp,      // server: N, g, s, B; client: A
  unknown,  // a key exchange tlslens does not decode (or an unknown suite): bytes only
};

struct KeyExchangeLayout {
  bool psk_identity = false;  // starts with psk_identity_hint (server) / psk_identity (client)
  KeyParams server = KeyParams::unknown;
  KeyParams client = KeyParams::unknown;
  bool server_signs = false;         // the ServerKeyExchange params are signed
  bool implicit_client_key = false;  // fixed (EC)DH client certificate: ClientKeyExchange may be empty
};

// clang-format off
KeyExchangeLayout layout_of(const TlsFacts& facts) {
  const CipherSuiteInfo* suite = cipher_suite_info(facts.cipher_suite);
  if (suite == nullptr) return {};
  using P = KeyParams;
  switch (suite->kx) {
    case KeyExchange::ECDHE_RSA:
    case KeyExchange::ECDHE_ECDSA: return {false, P::ec, P::ec, true, false};
    case KeyExchange::ECDH_anon: return {false, P::ec, P::ec, false, false};
    case KeyExchange::ECDH_RSA:
    case KeyExchange::ECDH_ECDSA: return {false, P::unknown, P::ec, false, true};
    case KeyExchange::DHE_RSA:
    case KeyExchange::DHE_DSS: return {false, P::dh, P::dh, true, false};
    case KeyExchange::DH_anon: return {false, P::dh, P::dh, false, false};
    case KeyExchange::DH_RSA:
    case KeyExchange::DH_DSS: return {false, P::unknown, P::dh, false, true};
    case KeyExchange::RSA:
    case KeyExchange::RSA_EXPORT: return {false, P::rsa, P::rsa, true, false};
    case KeyExchange::PSK: return {true, P::none, P::none, false, false};
    case KeyExchange::RSA_PSK: return {true, P::none, P::rsa, false, false};
    case KeyExchange::DHE_PSK: return {true, P::dh, P::dh, false, false};
    case KeyExchange::ECDHE_PSK: return {true, P::ec, P::ec, false, false};
    case KeyExchange::SRP_SHA: return {false, P::srp, P::srp, false, false};
    case KeyExchange::SRP_SHA_RSA:
    case KeyExchange::SRP_SHA_DSS: return {false, P::srp, P::srp, true, false};
    default: return {};
  }
}
// clang-format on

std::string_view curve_type_name(uint16_t code) {
  return ec_curve_type_name(static_cast<uint8_t>(code));
}
std::string_view certificate_type_name16(uint16_t code) {
  return client_certificate_type_name(static_cast<uint8_t>(code));
}

// The rest of the message as bytes, for a key exchange tlslens does not decode.
DecodeResult take_undecoded(Reader& body, DecodeContext& ctx, Field& out) {
  const uint32_t at = offset_in_message(body, ctx);
  const size_t size = body.remaining();
  Bytes data;
  body.bytes(size, data);
  out.add_uint("data_length", size).at(at, size);
  out.add_bytes("data", data).at(at, size).set_detail();
  return std::nullopt;
}

// ---- ServerKeyExchange parameters

// RFC 4492 5.4 ServerECDHParams (named curves only; explicit curves were never deployed).
DecodeResult take_server_ec_params(Reader& body, DecodeContext& ctx, Field& out) {
  const uint32_t curve_type_at = offset_in_message(body, ctx);
  uint32_t curve_type = 0;
  if (auto p = take_code(body, ctx, 1, "curve_type", curve_type_name, out, &curve_type)) return p;
  if (curve_type != 3)
    return DecodeProblem{curve_type_at,
                         fmt::format("curve_type {}: only named_curve (3) parameters are decoded", curve_type)};
  uint32_t group = 0;
  if (auto p = take_code(body, ctx, 2, "named_curve", group_name, out, &group)) return p;
  ctx.facts.key_exchange_group = static_cast<uint16_t>(group);
  return take_opaque(body, ctx, 1, "public_key_length", "public_key", out, nullptr, 1);
}

// An unsigned big integer: its length, bytes (-A) and, for the ones whose size matters, bits.
DecodeResult take_big_integer(Reader& body, DecodeContext& ctx, std::string_view length_key, std::string_view key,
                              std::string_view bits_key, Field& out, uint32_t* bits = nullptr) {
  Bytes value;
  if (auto p = take_opaque(body, ctx, 2, length_key, key, out, &value, 1)) return p;
  const uint32_t value_bits = bit_length(value);
  if (!bits_key.empty()) {
    out.add_uint(bits_key, value_bits).at(static_cast<size_t>(value.data() - ctx.message.data()), value.size());
  }
  if (bits != nullptr) *bits = value_bits;
  return std::nullopt;
}

// RFC 5246 7.4.3 ServerDHParams.
DecodeResult take_server_dh_params(Reader& body, DecodeContext& ctx, Field& out) {
  uint32_t prime_bits = 0;
  if (auto p = take_big_integer(body, ctx, "dh_p_length", "dh_p", "dh_p_bits", out, &prime_bits)) return p;
  ctx.facts.dhe_prime_bits = prime_bits;
  if (auto p = take_big_integer(body, ctx, "dh_g_length", "dh_g", "", out)) return p;
  return take_big_integer(body, ctx, "dh_ys_length", "dh_ys", "", out);
}

// RFC 2246 7.4.3 ServerRSAParams: the temporary key of the export suites.
DecodeResult take_server_rsa_params(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = take_big_integer(body, ctx, "rsa_modulus_length", "rsa_modulus", "rsa_modulus_bits", out)) return p;
  return take_big_integer(body, ctx, "rsa_exponent_length", "rsa_exponent", "", out);
}

// RFC 5054 2.8.1 ServerSRPParams.
DecodeResult take_server_srp_params(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = take_big_integer(body, ctx, "srp_n_length", "srp_n", "srp_n_bits", out)) return p;
  if (auto p = take_big_integer(body, ctx, "srp_g_length", "srp_g", "", out)) return p;
  if (auto p = take_opaque(body, ctx, 1, "srp_salt_length", "srp_salt", out, nullptr, 1)) return p;
  return take_big_integer(body, ctx, "srp_b_length", "srp_b", "", out);
}

DecodeResult take_server_params(KeyParams params, Reader& body, DecodeContext& ctx, Field& out) {
  switch (params) {
    case KeyParams::ec:
      return take_server_ec_params(body, ctx, out);
    case KeyParams::dh:
      return take_server_dh_params(body, ctx, out);
    case KeyParams::rsa:
      return take_server_rsa_params(body, ctx, out);
    case KeyParams::srp:
      return take_server_srp_params(body, ctx, out);
    case KeyParams::none:
      return std::nullopt;
    case KeyParams::unknown:
      break;
  }
  return take_undecoded(body, ctx, out);
}

// The digitally-signed params: a scheme from TLS 1.2 on, then the signature.
DecodeResult take_server_signature(Reader& body, DecodeContext& ctx, Field& out) {
  if (signatures_name_their_scheme(ctx.facts.negotiated_version)) {
    uint16_t scheme = 0;
    if (auto p = take_signature_scheme(body, ctx, "signature_scheme", out, scheme)) return p;
    ctx.facts.server_signature_scheme = scheme;
  }
  return take_opaque(body, ctx, 2, "signature_length", "signature", out, nullptr, 1);
}

// ---- ClientKeyExchange

// RFC 5246 7.4.7.1: the premaster secret encrypted to the server's RSA key. SSL 3.0 sends
// the ciphertext bare; TLS prefixes it with its length.
DecodeResult take_encrypted_premaster(Reader& body, DecodeContext& ctx, Field& out, bool psk) {
  const bool ssl3 = ctx.facts.negotiated_version == 0x0300 && !psk;
  if (!ssl3) return take_opaque(body, ctx, 2, "encrypted_premaster_length", "encrypted_premaster", out, nullptr, 1);
  const uint32_t at = offset_in_message(body, ctx);
  const size_t size = body.remaining();
  Bytes ciphertext;
  body.bytes(size, ciphertext);
  out.add_uint("encrypted_premaster_length", size).at(at, size);
  out.add_bytes("encrypted_premaster", ciphertext).at(at, size).set_detail();
  if (size == 0) return DecodeProblem{at, "empty encrypted_premaster"};
  return std::nullopt;
}

DecodeResult take_client_params(const KeyExchangeLayout& layout, Reader& body, DecodeContext& ctx, Field& out) {
  // A fixed (EC)DH client certificate carries the client's key: the message is empty
  // (RFC 4492 5.7, RFC 5246 7.4.7.2).
  if (layout.implicit_client_key && body.empty()) {
    out.add_bool("implicit_public_key", true).at(offset_in_message(body, ctx), 0);
    return std::nullopt;
  }
  switch (layout.client) {
    case KeyParams::ec:
      return take_opaque(body, ctx, 1, "public_key_length", "public_key", out, nullptr, 1);
    case KeyParams::dh:
      return take_big_integer(body, ctx, "dh_yc_length", "dh_yc", "", out);
    case KeyParams::rsa:
      return take_encrypted_premaster(body, ctx, out, layout.psk_identity);
    case KeyParams::srp:
      return take_big_integer(body, ctx, "srp_a_length", "srp_a", "", out);
    case KeyParams::none:
      return std::nullopt;
    case KeyParams::unknown:
      break;
  }
  return take_undecoded(body, ctx, out);
}

// ---- CertificateRequest

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509NameDeleter {
  void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};

// A DER DistinguishedName as one RFC 2253 line ("CN=tlslens Test Root CA,O=tlslens"), or
// "" when OpenSSL cannot parse it (or bytes follow it).
std::string distinguished_name_text(Bytes der) {
  const unsigned char* cursor = der.data();
  std::unique_ptr<X509_NAME, X509NameDeleter> name(d2i_X509_NAME(nullptr, &cursor, static_cast<long>(der.size())));
  if (!name || cursor != der.data() + der.size()) return "";
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name.get(), 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

DecodeResult take_certificate_types(Reader& body, DecodeContext& ctx, Field& out) {
  uint32_t length_at = 0;
  Reader types;
  if (auto p = read_vector(body, ctx, 1, "certificate_types", types, &length_at)) return p;
  if (types.empty()) return DecodeProblem{length_at, "certificate_types is empty"};
  Field& list = out.add_list("certificate_types").at(length_at, 1 + types.remaining());
  while (!types.empty())
    if (auto p = take_code(types, ctx, 1, "certificate_type", certificate_type_name16, list)) return p;
  return std::nullopt;
}

DecodeResult take_signature_algorithms(Reader& body, DecodeContext& ctx, Field& out) {
  uint32_t length_at = 0;
  Reader schemes;
  if (auto p = read_vector(body, ctx, 2, "signature_algorithms", schemes, &length_at)) return p;
  if (schemes.remaining() % 2 != 0)
    return DecodeProblem{length_at, fmt::format("signature_algorithms length {} is odd", schemes.remaining())};
  Field& list = out.add_list("signature_algorithms").at(length_at, 2 + schemes.remaining());
  uint16_t scheme = 0;
  while (!schemes.empty())
    if (auto p = take_signature_scheme(schemes, ctx, "signature_algorithm", list, scheme)) return p;
  return std::nullopt;
}

DecodeResult take_certificate_authorities(Reader& body, DecodeContext& ctx, Field& out) {
  uint32_t length_at = 0;
  Reader names;
  if (auto p = read_vector(body, ctx, 2, "certificate_authorities", names, &length_at)) return p;
  Field& list = out.add_list("certificate_authorities").at(length_at, 2 + names.remaining());
  while (!names.empty()) {
    uint32_t name_at = 0;
    Reader der;
    if (auto p = read_vector(names, ctx, 2, "distinguished_name", der, &name_at)) return p;
    std::string text = distinguished_name_text(der.rest());
    if (text.empty())
      list.add_bytes("unparseable_distinguished_name", der.rest()).at(name_at + 2, der.remaining());
    else
      list.add_text("distinguished_name", std::move(text)).at(name_at + 2, der.remaining());
  }
  return std::nullopt;
}

// RFC 5246 7.4.4 (TLS 1.0/1.1 have no signature_algorithms).
DecodeResult decode_tls12_certificate_request(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = take_certificate_types(body, ctx, out)) return p;
  if (signatures_name_their_scheme(ctx.facts.negotiated_version)) {
    if (auto p = take_signature_algorithms(body, ctx, out)) return p;
  }
  if (auto p = take_certificate_authorities(body, ctx, out)) return p;
  return expect_end(body, ctx, "certificate_authorities");
}

// RFC 8446 4.3.2.
DecodeResult decode_tls13_certificate_request(Reader& body, DecodeContext& ctx, Field& out) {
  if (auto p = take_short_opaque(body, ctx, 1, "certificate_request_context", out)) return p;
  if (auto p = decode_extensions(body, handshake_type::certificate_request, ctx, out)) return p;
  return expect_end(body, ctx, "extensions");
}

}  // namespace

DecodeResult decode_server_key_exchange(Reader& body, DecodeContext& ctx, Field& out) {
  const KeyExchangeLayout layout = layout_of(ctx.facts);
  if (layout.server == KeyParams::unknown) return take_undecoded(body, ctx, out);
  if (layout.psk_identity) {
    if (auto p = take_identity(body, ctx, 2, "psk_identity_hint", out)) return p;
  }
  if (auto p = take_server_params(layout.server, body, ctx, out)) return p;
  if (layout.server_signs) {
    if (auto p = take_server_signature(body, ctx, out)) return p;
  }
  return expect_end(body, ctx, layout.server_signs ? "signature" : "the key exchange parameters");
}

DecodeResult decode_client_key_exchange(Reader& body, DecodeContext& ctx, Field& out) {
  const KeyExchangeLayout layout = layout_of(ctx.facts);
  if (layout.client == KeyParams::unknown) return take_undecoded(body, ctx, out);
  if (layout.psk_identity) {
    if (auto p = take_identity(body, ctx, 2, "psk_identity", out)) return p;
  }
  if (auto p = take_client_params(layout, body, ctx, out)) return p;
  return expect_end(body, ctx, "the client key exchange parameters");
}

DecodeResult decode_certificate_request(Reader& body, DecodeContext& ctx, Field& out) {
  ctx.facts.certificate_request_seen = true;
  return ctx.facts.tls13() ? decode_tls13_certificate_request(body, ctx, out)
                           : decode_tls12_certificate_request(body, ctx, out);
}

}  // namespace tlslens::tls
