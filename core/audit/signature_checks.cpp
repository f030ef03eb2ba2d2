#include "core/audit/signature_checks.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include "core/audit/verify_contexts.h"
#include "core/crypto/algorithms.h"
#include "core/util/openssl_scope.h"

namespace tlslens::audit {
namespace {

using tls::KeyExchange;
using tls::SignatureHash;
using tls::SignatureKind;

using openssl::ErrorQueueScope;

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, openssl::FreeWith<EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, openssl::FreeWith<EVP_PKEY_CTX_free>>;

// OpenSSL's reason for the latest error, or `fallback`; the queue is emptied.
std::string openssl_reason(std::string_view fallback) {
  unsigned long code = ERR_peek_last_error();
  std::string text;
  if (code != 0) {
    const char* reason = ERR_reason_error_string(code);
    if (reason != nullptr) text = reason;
  }
  ERR_clear_error();
  return text.empty() ? std::string(fallback) : text;
}

// ---- keys

enum class KeyKind : uint8_t { none, rsa, rsa_pss, dsa, ec, ed25519, ed448, other };

KeyKind key_kind(EVP_PKEY* key) {
  if (key == nullptr) return KeyKind::none;
  if (EVP_PKEY_is_a(key, "RSA")) return KeyKind::rsa;
  if (EVP_PKEY_is_a(key, "RSA-PSS")) return KeyKind::rsa_pss;
  if (EVP_PKEY_is_a(key, "DSA")) return KeyKind::dsa;
  if (EVP_PKEY_is_a(key, "EC")) return KeyKind::ec;
  if (EVP_PKEY_is_a(key, "ED25519")) return KeyKind::ed25519;
  if (EVP_PKEY_is_a(key, "ED448")) return KeyKind::ed448;
  return KeyKind::other;
}

std::string_view key_kind_name(KeyKind kind) {
  switch (kind) {
    case KeyKind::none:
      return "no";
    case KeyKind::rsa:
      return "an RSA";
    case KeyKind::rsa_pss:
      return "an RSA-PSS";
    case KeyKind::dsa:
      return "a DSA";
    case KeyKind::ec:
      return "an EC";
    case KeyKind::ed25519:
      return "an Ed25519";
    case KeyKind::ed448:
      return "an Ed448";
    case KeyKind::other:
      return "another kind of";
  }
  return "?";
}

std::string ec_group_name(EVP_PKEY* key) {
  std::array<char, 80> name{};
  size_t length = 0;
  if (EVP_PKEY_get_group_name(key, name.data(), name.size(), &length) != 1) {
    ERR_clear_error();
    return {};
  }
  return std::string(name.data(), length);
}

std::string key_type_text(EVP_PKEY* key) {
  if (key == nullptr) return "none";
  const char* type = EVP_PKEY_get0_type_name(key);
  const std::string name = type != nullptr ? type : "unknown";
  switch (key_kind(key)) {
    case KeyKind::rsa:
    case KeyKind::rsa_pss:
    case KeyKind::dsa:
      return fmt::format("{} {} bits", name, EVP_PKEY_get_bits(key));
    case KeyKind::ec: {
      const std::string group = ec_group_name(key);
      return group.empty() ? fmt::format("EC {} bits", EVP_PKEY_get_bits(key)) : "EC " + group;
    }
    default:
      return name;
  }
}

// ---- schemes

// How to verify one scheme.
struct Method {
  SignatureKind kind = SignatureKind::RSA_PKCS1;
  const char* digest = nullptr;  // OpenSSL digest name; nullptr for EdDSA
  std::string name;              // for the evidence
  std::string_view curve;        // TLS 1.3 ECDSA: the group the key must be on ("" for any)
  bool ed448 = false;
};

const char* digest_name(SignatureHash hash) {
  switch (hash) {
    case SignatureHash::MD5:
      return "MD5";
    case SignatureHash::SHA1:
      return "SHA1";
    case SignatureHash::SHA224:
      return "SHA224";
    case SignatureHash::SHA256:
      return "SHA256";
    case SignatureHash::SHA384:
      return "SHA384";
    case SignatureHash::SHA512:
      return "SHA512";
    default:
      return nullptr;
  }
}

std::string_view tls13_ecdsa_curve(uint16_t scheme) {
  switch (scheme) {
    case 0x0403:
      return "prime256v1";
    case 0x0503:
      return "secp384r1";
    case 0x0603:
      return "secp521r1";
    case 0x081A:
      return "brainpoolP256r1";
    case 0x081B:
      return "brainpoolP384r1";
    case 0x081C:
      return "brainpoolP512r1";
    default:
      return "";
  }
}

std::string scheme_text(uint16_t code) {
  std::string_view name = tls::signature_scheme_name(code);
  if (name.empty()) {
    // A TLS 1.2 hash+signature pair the scheme registry does not list ("md5+dsa").
    const std::string_view hash = tls::hash_algorithm_name(static_cast<uint8_t>(code >> 8));
    const std::string_view sig = tls::signature_algorithm_name(static_cast<uint8_t>(code & 0xFF));
    if (!hash.empty() && !sig.empty()) return fmt::format("{}+{} (0x{:04x})", hash, sig, code);
    return fmt::format("0x{:04x}", code);
  }
  return fmt::format("{} (0x{:04x})", name, code);
}

// The verification method for a scheme, or nullopt (with `why`) when it cannot be checked.
std::optional<Method> method_for(uint16_t code, bool tls13, std::string& why) {
  Method m;
  m.name = scheme_text(code);
  if (const tls::SignatureSchemeInfo* info = tls::signature_scheme_info(code); info != nullptr) {
    m.kind = info->kind;
    switch (info->kind) {
      case SignatureKind::RSA_PKCS1:
      case SignatureKind::RSA_PSS_RSAE:
      case SignatureKind::RSA_PSS_PSS:
      case SignatureKind::DSA:
      case SignatureKind::ECDSA:
        m.digest = digest_name(info->hash);
        if (m.digest == nullptr) {
          why = "the scheme's hash is not supported by this check";
          return std::nullopt;
        }
        if (info->kind == SignatureKind::ECDSA && tls13) m.curve = tls13_ecdsa_curve(code);
        return m;
      case SignatureKind::EdDSA:
        m.ed448 = code == 0x0808;
        return m;
      default:
        why = fmt::format("{} signatures are not supported by this check", tls::to_string(info->kind));
        return std::nullopt;
    }
  }
  // TLS 1.2 pairs outside the scheme registry: HashAlgorithm byte, SignatureAlgorithm byte.
  const uint8_t hash = static_cast<uint8_t>(code >> 8);
  const uint8_t sig = static_cast<uint8_t>(code & 0xFF);
  static constexpr std::array<SignatureHash, 7> kHashes = {
      SignatureHash::None,   SignatureHash::MD5,    SignatureHash::SHA1,  SignatureHash::SHA224,
      SignatureHash::SHA256, SignatureHash::SHA384, SignatureHash::SHA512};
  if (!tls13 && hash >= 1 && hash <= 6 && sig >= 1 && sig <= 3) {
    m.digest = digest_name(kHashes[hash]);
    m.kind = sig == 1 ? SignatureKind::RSA_PKCS1 : sig == 2 ? SignatureKind::DSA : SignatureKind::ECDSA;
    return m;
  }
  why = "unknown signature scheme";
  return std::nullopt;
}

// Whether `key` fits the method; `why` says how it does not.
bool key_fits(const Method& m, EVP_PKEY* key, std::string& why) {
  const KeyKind kind = key_kind(key);
  KeyKind wanted = KeyKind::other;
  switch (m.kind) {
    case SignatureKind::RSA_PKCS1:
    case SignatureKind::RSA_PSS_RSAE:
      wanted = KeyKind::rsa;
      break;
    case SignatureKind::RSA_PSS_PSS:
      wanted = KeyKind::rsa_pss;
      break;
    case SignatureKind::DSA:
      wanted = KeyKind::dsa;
      break;
    case SignatureKind::ECDSA:
      wanted = KeyKind::ec;
      break;
    case SignatureKind::EdDSA:
      wanted = m.ed448 ? KeyKind::ed448 : KeyKind::ed25519;
      break;
    default:
      break;
  }
  if (kind != wanted) {
    why =
        fmt::format("the scheme needs {} key, the certificate has {} key", key_kind_name(wanted), key_kind_name(kind));
    return false;
  }
  if (!m.curve.empty()) {
    const std::string group = ec_group_name(key);
    if (group != m.curve) {
      why = fmt::format("in TLS 1.3 the scheme needs a key on {}, the certificate's key is on {}", m.curve,
                        group.empty() ? "an unknown curve" : group);
      return false;
    }
  }
  return true;
}

SignatureCheck make_result(SignatureVerdict verdict, std::string scheme, EVP_PKEY* key, std::string reason, Party party,
                           std::string_view message) {
  SignatureCheck out;
  out.verdict = verdict;
  out.scheme = std::move(scheme);
  out.key_type = key_type_text(key);
  out.reason = std::move(reason);
  if (verdict == SignatureVerdict::invalid) {
    out.finding = Finding(Code::HANDSHAKE_SIGNATURE_INVALID, party,
                          fmt::format("the {}'s {} signature does not verify with its certificate's key",
                                      to_string(party), message))
                      .with("message", std::string(message))
                      .with("scheme", out.scheme)
                      .with("key_type", out.key_type)
                      .with("reason", out.reason);
  }
  return out;
}

// Outcome of one OpenSSL verification: set up or not, and the answer.
struct Outcome {
  bool set_up = false;
  bool valid = false;
  std::string reason;
};

// A verification context for (key, m), set up once per thread and key (see VerifyContexts), or
// nullptr with the reason in `out`.
const EVP_MD_CTX* ready_context(const Method& m, EVP_PKEY* key, Outcome& out) {
  const bool pss = m.kind == SignatureKind::RSA_PSS_RSAE || m.kind == SignatureKind::RSA_PSS_PSS;
  const std::string_view digest = m.digest != nullptr ? m.digest : "";
  VerifyContexts& contexts = VerifyContexts::for_this_thread();
  if (const EVP_MD_CTX* ready = contexts.find(key, digest, pss)) return ready;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, m.digest, nullptr, nullptr, key, nullptr) != 1) {
    out.reason = "OpenSSL cannot set up the verification: " + openssl_reason("unknown error");
    return nullptr;
  }
  if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
              EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, m.digest, nullptr) != 1 ||
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    out.reason = "OpenSSL cannot set up RSA-PSS with this key: " + openssl_reason("unknown error");
    return nullptr;
  }
  const EVP_MD_CTX* ready = contexts.insert(key, digest, pss, std::move(ctx));
  if (ready == nullptr) out.reason = "OpenSSL cannot set up the verification: " + openssl_reason("unknown error");
  return ready;
}

Outcome digest_verify(const Method& m, EVP_PKEY* key, Bytes data, Bytes signature) {
  Outcome out;
  const EVP_MD_CTX* ready = ready_context(m, key, out);
  if (ready == nullptr) return out;
  // A copy of the set-up context, used once: FINALISE tells OpenSSL it need not keep it usable
  // after the final step (else it would duplicate it once more).
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), ready) != 1) {
    out.reason = "OpenSSL cannot set up the verification: " + openssl_reason("unknown error");
    return out;
  }
  EVP_MD_CTX_set_flags(ctx.get(), EVP_MD_CTX_FLAG_FINALISE);
  out.set_up = true;
  const int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size());
  out.valid = rc == 1;
  if (!out.valid) out.reason = "the signature does not match: " + openssl_reason("bad signature");
  return out;
}

// TLS 1.0/1.1 RSA: PKCS #1 type 1 padding around the bare 36-byte MD5 || SHA-1.
Outcome rsa_md5_sha1_verify(EVP_PKEY* key, Bytes data, Bytes signature) {
  Outcome out;
  std::array<uint8_t, 36> digest{};
  unsigned int md5_length = 0;
  unsigned int sha1_length = 0;
  // Fetched digests: EVP_md5() and EVP_sha1() would be looked up in the provider store each time.
  const EVP_MD* md5 = crypto::fetched_digest("MD5");
  const EVP_MD* sha1 = crypto::fetched_digest("SHA1");
  if (md5 == nullptr || sha1 == nullptr ||
      EVP_Digest(data.data(), data.size(), digest.data(), &md5_length, md5, nullptr) != 1 ||
      EVP_Digest(data.data(), data.size(), digest.data() + 16, &sha1_length, sha1, nullptr) != 1 || md5_length != 16 ||
      sha1_length != 20) {
    out.reason = "OpenSSL cannot compute MD5 and SHA-1: " + openssl_reason("unknown error");
    return out;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    out.reason = "OpenSSL cannot set up the verification: " + openssl_reason("unknown error");
    return out;
  }
  out.set_up = true;
  const int rc = EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size());
  out.valid = rc == 1;
  if (!out.valid) out.reason = "the signature does not match: " + openssl_reason("bad signature");
  return out;
}

SignatureCheck finish(const Outcome& outcome, std::string scheme, EVP_PKEY* key, Party party,
                      std::string_view message) {
  if (!outcome.set_up) {
    return make_result(SignatureVerdict::not_checkable, std::move(scheme), key, outcome.reason, party, message);
  }
  return make_result(outcome.valid ? SignatureVerdict::valid : SignatureVerdict::invalid, std::move(scheme), key,
                     outcome.valid ? std::string() : outcome.reason, party, message);
}

bool signatures_name_their_scheme(uint16_t version) {
  return version == 0x0303 || version == 0xFEFD;
}

// SSL 3.0, TLS 1.0, TLS 1.1 and DTLS 1.0: the signature's form follows the key.
bool signature_form_follows_key(uint16_t version) {
  return (version >= 0x0300 && version <= 0x0302) || version == 0xFEFF;
}

// ---- ServerKeyExchange layout

bool take_nonempty8(Reader& r) {
  Reader field;
  return r.prefixed8(field) && !field.empty();
}
bool take_nonempty16(Reader& r) {
  Reader field;
  return r.prefixed16(field) && !field.empty();
}

// RFC 4492 5.4 ECParameters and the ECPoint that follows.
bool take_ec_params(Reader& r, std::string& error) {
  uint8_t curve_type = 0;
  if (!r.u8(curve_type)) return false;
  switch (curve_type) {
    case 1:                                  // explicit_prime
      if (!take_nonempty8(r)) return false;  // prime_p
      break;
    case 2: {  // explicit_char2
      uint16_t m = 0;
      uint8_t basis = 0;
      if (!r.u16(m) || !r.u8(basis)) return false;
      if (basis == 1) {
        if (!take_nonempty8(r)) return false;  // k
      } else if (basis == 2) {
        if (!take_nonempty8(r) || !take_nonempty8(r) || !take_nonempty8(r)) return false;  // k1 k2 k3
      } else {
        error = fmt::format("unknown ECBasisType {}", basis);
        return false;
      }
      break;
    }
    case 3: {  // named_curve
      uint16_t group = 0;
      if (!r.u16(group)) return false;
      return take_nonempty8(r);  // the public point
    }
    default:
      error = fmt::format("unknown ECCurveType {}", curve_type);
      return false;
  }
  // Explicit curves: curve a and b, base point, order, cofactor, then the public point.
  for (int i = 0; i < 6; ++i) {
    if (!take_nonempty8(r)) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(SignatureVerdict verdict) {
  switch (verdict) {
    case SignatureVerdict::valid:
      return "valid";
    case SignatureVerdict::invalid:
      return "invalid";
    case SignatureVerdict::not_checkable:
      return "not checkable";
  }
  return "?";
}

std::optional<ServerKeyExchangeSignature> split_server_key_exchange(Bytes body, tls::KeyExchange kx, uint16_t version,
                                                                    std::string* error) {
  std::string why;
  auto fail = [&](std::string text) -> std::optional<ServerKeyExchangeSignature> {
    if (error != nullptr) *error = std::move(text);
    return std::nullopt;
  };
  if (version == 0x0304 || version == 0xFEFC || (version >> 8) == 0x7F) {
    return fail("TLS 1.3 has no ServerKeyExchange");
  }
  Reader r(body);
  bool ok = false;
  switch (kx) {
    case KeyExchange::ECDHE_RSA:
    case KeyExchange::ECDHE_ECDSA:
      ok = take_ec_params(r, why);
      break;
    case KeyExchange::DHE_RSA:
    case KeyExchange::DHE_DSS:
      ok = take_nonempty16(r) && take_nonempty16(r) && take_nonempty16(r);  // p, g, Ys
      break;
    case KeyExchange::RSA:
    case KeyExchange::RSA_EXPORT:
      ok = take_nonempty16(r) && take_nonempty16(r);  // modulus, exponent
      break;
    case KeyExchange::SRP_SHA_RSA:
    case KeyExchange::SRP_SHA_DSS:
      ok = take_nonempty16(r) && take_nonempty16(r) && take_nonempty8(r) && take_nonempty16(r);  // N g s B
      break;
    case KeyExchange::DH_anon:
    case KeyExchange::ECDH_anon:
    case KeyExchange::PSK:
    case KeyExchange::DHE_PSK:
    case KeyExchange::ECDHE_PSK:
    case KeyExchange::RSA_PSK:
    case KeyExchange::SRP_SHA:
    case KeyExchange::DH_RSA:
    case KeyExchange::DH_DSS:
    case KeyExchange::ECDH_RSA:
    case KeyExchange::ECDH_ECDSA:
      return fail(fmt::format("a {} ServerKeyExchange is not signed", tls::to_string(kx)));
    default:
      return fail(fmt::format("the {} ServerKeyExchange is not supported by this check", tls::to_string(kx)));
  }
  if (!ok) return fail(why.empty() ? "the key exchange parameters are truncated or have an empty field" : why);

  ServerKeyExchangeSignature out;
  out.params = body.first(r.offset());
  if (signatures_name_their_scheme(version)) {
    uint16_t scheme = 0;
    if (!r.u16(scheme)) return fail("the signature scheme is missing");
    out.scheme = scheme;
  }
  Reader signature;
  if (!r.prefixed16(signature)) return fail("the signature is truncated");
  if (!r.empty()) return fail(fmt::format("{} bytes follow the signature", r.remaining()));
  out.signature = signature.rest();
  return out;
}

SignatureCheck verify_server_key_exchange(EVP_PKEY* key, uint16_t version, const ServerKeyExchangeSignature& ske,
                                          Bytes client_random, Bytes server_random) {
  ErrorQueueScope guard;
  constexpr std::string_view kMessage = "ServerKeyExchange";
  constexpr Party kParty = Party::server;

  std::vector<uint8_t> data;
  data.reserve(client_random.size() + server_random.size() + ske.params.size());
  data.insert(data.end(), client_random.begin(), client_random.end());
  data.insert(data.end(), server_random.begin(), server_random.end());
  data.insert(data.end(), ske.params.begin(), ske.params.end());

  if (signatures_name_their_scheme(version)) {
    if (!ske.scheme) {
      return make_result(SignatureVerdict::not_checkable, "none", key,
                         "TLS 1.2 names a signature scheme, and none was given", kParty, kMessage);
    }
    std::string why;
    std::optional<Method> m = method_for(*ske.scheme, false, why);
    if (!m) return make_result(SignatureVerdict::not_checkable, scheme_text(*ske.scheme), key, why, kParty, kMessage);
    if (key == nullptr) {
      return make_result(SignatureVerdict::not_checkable, m->name, key, "no certificate key", kParty, kMessage);
    }
    if (!key_fits(*m, key, why)) {
      return make_result(SignatureVerdict::not_checkable, m->name, key, why, kParty, kMessage);
    }
    return finish(digest_verify(*m, key, data, ske.signature), m->name, key, kParty, kMessage);
  }

  const std::string_view label = tls::version_name(version);
  if (!signature_form_follows_key(version)) {
    return make_result(SignatureVerdict::not_checkable, "unknown", key,
                       fmt::format("no ServerKeyExchange signature form for version 0x{:04x}", version), kParty,
                       kMessage);
  }
  switch (key_kind(key)) {
    case KeyKind::rsa: {
      std::string scheme = fmt::format("RSA with MD5+SHA-1 ({})", label);
      return finish(rsa_md5_sha1_verify(key, data, ske.signature), std::move(scheme), key, kParty, kMessage);
    }
    case KeyKind::dsa:
    case KeyKind::ec: {
      Method m;
      m.kind = key_kind(key) == KeyKind::dsa ? SignatureKind::DSA : SignatureKind::ECDSA;
      m.digest = "SHA1";
      m.name = fmt::format("{} with SHA-1 ({})", m.kind == SignatureKind::DSA ? "DSA" : "ECDSA", label);
      return finish(digest_verify(m, key, data, ske.signature), m.name, key, kParty, kMessage);
    }
    case KeyKind::none:
      return make_result(SignatureVerdict::not_checkable, fmt::format("implied by the key ({})", label), key,
                         "no certificate key", kParty, kMessage);
    default:
      return make_result(SignatureVerdict::not_checkable, fmt::format("implied by the key ({})", label), key,
                         fmt::format("{} signs only with RSA, DSA or ECDSA keys", label), kParty, kMessage);
  }
}

SignatureCheck verify_server_key_exchange(X509* leaf, uint16_t version, const ServerKeyExchangeSignature& ske,
                                          Bytes client_random, Bytes server_random) {
  ErrorQueueScope guard;
  EVP_PKEY* key = leaf != nullptr ? X509_get0_pubkey(leaf) : nullptr;
  return verify_server_key_exchange(key, version, ske, client_random, server_random);
}

std::optional<CertificateVerifyParts> split_certificate_verify(Bytes body, std::string* error) {
  auto fail = [&](std::string_view text) -> std::optional<CertificateVerifyParts> {
    if (error != nullptr) *error = std::string(text);
    return std::nullopt;
  };
  Reader r(body);
  CertificateVerifyParts out;
  Reader signature;
  if (!r.u16(out.scheme)) return fail("the signature scheme is truncated");
  if (!r.prefixed16(signature)) return fail("the signature is truncated");
  if (!r.empty()) return fail("bytes follow the signature");
  out.signature = signature.rest();
  return out;
}

std::vector<uint8_t> certificate_verify_content(Party signer, Bytes transcript_hash) {
  const std::string_view context =
      signer == Party::client ? "TLS 1.3, client CertificateVerify" : "TLS 1.3, server CertificateVerify";
  // Built byte by byte: GCC 12's -Warray-bounds misfires on a range insert after a fill.
  std::vector<uint8_t> out;
  out.reserve(64 + context.size() + 1 + transcript_hash.size());
  out.resize(64, 0x20);
  for (char c : context) out.push_back(static_cast<uint8_t>(c));
  out.push_back(0x00);
  for (uint8_t b : transcript_hash) out.push_back(b);
  return out;
}

SignatureCheck verify_certificate_verify(EVP_PKEY* key, uint16_t scheme, Bytes signature, Bytes transcript_hash,
                                         Party signer) {
  ErrorQueueScope guard;
  constexpr std::string_view kMessage = "CertificateVerify";
  if (signer == Party::connection) signer = Party::server;
  std::string why;
  std::optional<Method> m = method_for(scheme, true, why);
  if (!m) return make_result(SignatureVerdict::not_checkable, scheme_text(scheme), key, why, signer, kMessage);
  if (key == nullptr) {
    return make_result(SignatureVerdict::not_checkable, m->name, key, "no certificate key", signer, kMessage);
  }
  if (!key_fits(*m, key, why)) return make_result(SignatureVerdict::not_checkable, m->name, key, why, signer, kMessage);
  const std::vector<uint8_t> content = certificate_verify_content(signer, transcript_hash);
  return finish(digest_verify(*m, key, content, signature), m->name, key, signer, kMessage);
}

SignatureCheck verify_certificate_verify(X509* leaf, uint16_t scheme, Bytes signature, Bytes transcript_hash,
                                         Party signer) {
  ErrorQueueScope guard;
  EVP_PKEY* key = leaf != nullptr ? X509_get0_pubkey(leaf) : nullptr;
  return verify_certificate_verify(key, scheme, signature, transcript_hash, signer);
}

std::vector<uint8_t> tls13_transcript_hash(crypto::Hash hash, std::span<const Bytes> messages) {
  static constexpr std::array<uint8_t, 32> kHelloRetryRandom = {
      0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
      0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
  constexpr uint8_t kServerHello = 2;
  constexpr size_t kRandomOffset = 4 + 2;  // handshake header, legacy_version
  ErrorQueueScope guard;
  crypto::TranscriptHash transcript(hash);
  for (size_t i = 0; i < messages.size(); ++i) {
    const Bytes message = messages[i];
    const bool hello_retry =
        i > 0 && message.size() >= kRandomOffset + kHelloRetryRandom.size() && message[0] == kServerHello &&
        std::equal(kHelloRetryRandom.begin(), kHelloRetryRandom.end(), message.begin() + kRandomOffset);
    if (hello_retry) transcript.restart_with_message_hash();
    transcript.update(message);
  }
  return transcript.current();
}

}  // namespace tlslens::audit
