// audit signature checks: ServerKeyExchange bodies split for each key exchange, and real
// signatures made here with OpenSSL (EC P-256/P-384, RSA, RSA-PSS and Ed25519 keys, made once
// per suite) verified as TLS 1.0 (RSA over bare MD5||SHA-1, ECDSA over SHA-1) and TLS 1.2
// (PKCS #1, PSS, ECDSA, legacy pairs) ServerKeyExchange and TLS 1.3 CertificateVerify
// signatures; one flipped bit anywhere in what is signed makes them invalid, with a critical
// HANDSHAKE_SIGNATURE_INVALID; keys that do not fit the scheme and unsupported schemes are
// "not checkable" without a finding. The RFC 8448 trace's own CertificateVerify verifies
// against the transcript computed from its messages, and the HelloRetryRequest rule is
// checked against a hash computed by hand. OpenSSL's error queue is empty after every call.
#include "core/audit/signature_checks.h"
#include "core/util/openssl_scope.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace tlslens::audit {
namespace {

using ByteVector = std::vector<uint8_t>;
using tls::KeyExchange;

using openssl::FreeWith;
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;

ByteVector concat(std::initializer_list<Bytes> parts) {
  ByteVector out;
  for (Bytes p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

ByteVector u16(size_t v) {
  return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

ByteVector filled(size_t n, uint8_t seed) {
  ByteVector out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

ByteVector flipped(ByteVector v, size_t at) {
  v.at(at) ^= 0x01;
  return v;
}

// ---- signing with OpenSSL -----------------------------------------------------------------

// EVP_DigestSign with `md` (nullptr for EdDSA); PSS with `salt` bytes when salt >= 0.
ByteVector sign(EVP_PKEY* key, const char* md, Bytes data, int pss_salt = -1) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  EXPECT_EQ(EVP_DigestSignInit_ex(ctx.get(), &pctx, md, nullptr, nullptr, key, nullptr), 1);
  if (pss_salt >= 0) {
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, md, nullptr), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt), 1);
  }
  size_t length = 0;
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &length, data.data(), data.size()), 1);
  ByteVector out(length);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), out.data(), &length, data.data(), data.size()), 1);
  out.resize(length);
  return out;
}

// TLS 1.0/1.1 RSA: PKCS #1 type 1 padding around MD5(data) || SHA-1(data), no DigestInfo.
ByteVector sign_md5_sha1(EVP_PKEY* key, Bytes data) {
  ByteVector digest(36);
  unsigned int n = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), digest.data(), &n, EVP_md5(), nullptr), 1);
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), digest.data() + 16, &n, EVP_sha1(), nullptr), 1);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  EXPECT_EQ(EVP_PKEY_sign_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), 1);
  size_t length = 0;
  EXPECT_EQ(EVP_PKEY_sign(ctx.get(), nullptr, &length, digest.data(), digest.size()), 1);
  ByteVector out(length);
  EXPECT_EQ(EVP_PKEY_sign(ctx.get(), out.data(), &length, digest.data(), digest.size()), 1);
  out.resize(length);
  return out;
}

X509Ptr self_signed(EVP_PKEY* key) {
  X509Ptr x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("server"), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509_set_pubkey(x.get(), key);
  EXPECT_GT(X509_sign(x.get(), key, EVP_sha256()), 0);
  return x;
}

// ---- keys, made once ----------------------------------------------------------------------

class AuditSignature : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ec256_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    ec384_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    rsa_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
    ed25519_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  }
  static void TearDownTestSuite() {
    ec256_.reset();
    ec384_.reset();
    rsa_.reset();
    ed25519_.reset();
  }
  void SetUp() override {
    ASSERT_TRUE(ec256_ && ec384_ && rsa_ && ed25519_);
    ERR_clear_error();
  }
  void TearDown() override { EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL's error queue is not empty"; }

  static inline KeyPtr ec256_, ec384_, rsa_, ed25519_;
};

const ByteVector kClientRandom = filled(32, 0x11);
const ByteVector kServerRandom = filled(32, 0x83);

// ECDHE params: named_curve secp256r1 and a 65-byte point.
ByteVector ecdhe_params() {
  return concat({ByteVector{0x03, 0x00, 0x17, 65}, filled(65, 0x04)});
}

// DHE params: p (128 bytes), g (1 byte), Ys (128 bytes).
ByteVector dhe_params() {
  return concat({u16(128), filled(128, 0xF1), u16(1), ByteVector{2}, u16(128), filled(128, 0x33)});
}

ByteVector ske_body(Bytes params, std::optional<uint16_t> scheme, Bytes signature) {
  ByteVector out(params.begin(), params.end());
  if (scheme) out = concat({out, u16(*scheme)});
  return concat({out, u16(signature.size()), signature});
}

ByteVector signed_data(Bytes params) {
  return concat({kClientRandom, kServerRandom, params});
}

void expect_invalid(const SignatureCheck& c, std::string_view message, std::string_view scheme) {
  EXPECT_EQ(c.verdict, SignatureVerdict::invalid) << c.reason;
  ASSERT_TRUE(c.finding.has_value());
  const Finding& f = *c.finding;
  EXPECT_EQ(f.code, Code::HANDSHAKE_SIGNATURE_INVALID);
  EXPECT_EQ(f.severity, Severity::critical);
  ASSERT_EQ(f.evidence.size(), 4u);
  EXPECT_EQ(f.evidence[0], (std::pair<std::string, std::string>{"message", std::string(message)}));
  EXPECT_EQ(f.evidence[1], (std::pair<std::string, std::string>{"scheme", std::string(scheme)}));
  EXPECT_EQ(f.evidence[2].first, "key_type");
  EXPECT_EQ(f.evidence[2].second, c.key_type);
  EXPECT_EQ(f.evidence[3].first, "reason");
  EXPECT_FALSE(f.evidence[3].second.empty());
}

void expect_not_checkable(const SignatureCheck& c, std::string_view reason_part) {
  EXPECT_EQ(c.verdict, SignatureVerdict::not_checkable);
  EXPECT_FALSE(c.finding.has_value());
  EXPECT_NE(c.reason.find(reason_part), std::string::npos) << c.reason;
}

// ---- splitting ServerKeyExchange ----------------------------------------------------------

TEST_F(AuditSignature, SplitsEcdheTls12) {
  const ByteVector params = ecdhe_params();
  const ByteVector sig = filled(71, 0x30);
  const ByteVector body = ske_body(params, 0x0403, sig);
  std::string error;
  auto ske = split_server_key_exchange(body, KeyExchange::ECDHE_ECDSA, 0x0303, &error);
  ASSERT_TRUE(ske.has_value()) << error;
  EXPECT_EQ(ByteVector(ske->params.begin(), ske->params.end()), params);
  EXPECT_EQ(ske->scheme, 0x0403);
  EXPECT_EQ(ByteVector(ske->signature.begin(), ske->signature.end()), sig);
  EXPECT_EQ(ske->params.data(), body.data());  // spans into the body
}

TEST_F(AuditSignature, SplitsEachKeyExchangeLayout) {
  const ByteVector sig = filled(64, 1);
  // TLS 1.0: no scheme.
  auto dhe = split_server_key_exchange(ske_body(dhe_params(), std::nullopt, sig), KeyExchange::DHE_RSA, 0x0301);
  ASSERT_TRUE(dhe.has_value());
  EXPECT_EQ(dhe->params.size(), dhe_params().size());
  EXPECT_FALSE(dhe->scheme.has_value());

  const ByteVector rsa_export = concat({u16(64), filled(64, 0xC1), u16(3), ByteVector{1, 0, 1}});
  auto exp = split_server_key_exchange(ske_body(rsa_export, std::nullopt, sig), KeyExchange::RSA_EXPORT, 0x0300);
  ASSERT_TRUE(exp.has_value());
  EXPECT_EQ(exp->params.size(), rsa_export.size());

  const ByteVector srp =
      concat({u16(4), filled(4, 9), u16(1), ByteVector{5}, ByteVector{2, 0xAA, 0xBB}, u16(4), filled(4, 3)});
  auto s = split_server_key_exchange(ske_body(srp, 0x0201, sig), KeyExchange::SRP_SHA_RSA, 0x0303);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->params.size(), srp.size());
  EXPECT_EQ(s->scheme, 0x0201);

  // An explicit prime curve: p, a, b, base, order, cofactor, then the point.
  ByteVector explicit_prime{0x01};
  for (int i = 0; i < 7; ++i) explicit_prime = concat({explicit_prime, ByteVector{2, 0x10, static_cast<uint8_t>(i)}});
  auto e = split_server_key_exchange(ske_body(explicit_prime, 0x0403, sig), KeyExchange::ECDHE_ECDSA, 0x0303);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->params.size(), explicit_prime.size());
}

TEST_F(AuditSignature, SplitFailsClosed) {
  const ByteVector body = ske_body(ecdhe_params(), 0x0403, filled(70, 2));
  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_FALSE(split_server_key_exchange(Bytes(body).first(n), KeyExchange::ECDHE_ECDSA, 0x0303)) << n;
  }
  std::string error;
  ByteVector longer = concat({body, ByteVector{0}});
  EXPECT_FALSE(split_server_key_exchange(longer, KeyExchange::ECDHE_ECDSA, 0x0303, &error));
  EXPECT_EQ(error, "1 bytes follow the signature");
  EXPECT_FALSE(split_server_key_exchange(body, KeyExchange::ECDH_anon, 0x0303, &error));
  EXPECT_NE(error.find("not signed"), std::string::npos) << error;
  EXPECT_FALSE(split_server_key_exchange(body, KeyExchange::ECDHE_PSK, 0x0303, &error));
  EXPECT_NE(error.find("not signed"), std::string::npos) << error;
  EXPECT_FALSE(split_server_key_exchange(body, KeyExchange::ECDHE_ECDSA, 0x0304, &error));
  EXPECT_NE(error.find("TLS 1.3"), std::string::npos) << error;
  // The TLS 1.2 body read as TLS 1.0: the scheme becomes part of the length: must not fit.
  EXPECT_FALSE(split_server_key_exchange(body, KeyExchange::ECDHE_ECDSA, 0x0301));
  // An empty DH prime.
  const ByteVector empty_p = concat({u16(0), u16(1), ByteVector{2}, u16(1), ByteVector{3}, u16(2), ByteVector{1, 2}});
  EXPECT_FALSE(split_server_key_exchange(empty_p, KeyExchange::DHE_RSA, 0x0301));
}

// ---- ServerKeyExchange signatures -----------------------------------------------------------

TEST_F(AuditSignature, Tls12EcdsaServerKeyExchange) {
  const ByteVector params = ecdhe_params();
  const ByteVector sig = sign(ec256_.get(), "SHA256", signed_data(params));
  const ByteVector body = ske_body(params, 0x0403, sig);
  auto ske = split_server_key_exchange(body, KeyExchange::ECDHE_ECDSA, 0x0303);
  ASSERT_TRUE(ske.has_value());

  SignatureCheck ok = verify_server_key_exchange(ec256_.get(), 0x0303, *ske, kClientRandom, kServerRandom);
  EXPECT_EQ(ok.verdict, SignatureVerdict::valid) << ok.reason;
  EXPECT_EQ(ok.scheme, "ecdsa_secp256r1_sha256 (0x0403)");
  EXPECT_EQ(ok.key_type, "EC prime256v1");
  EXPECT_TRUE(ok.reason.empty());
  EXPECT_FALSE(ok.finding.has_value());

  // In TLS 1.2 the scheme does not bind the curve: a P-384 key with ecdsa+sha256 is fine.
  const ByteVector sig384 = sign(ec384_.get(), "SHA256", signed_data(params));
  ServerKeyExchangeSignature other{params, 0x0403, sig384};
  EXPECT_EQ(verify_server_key_exchange(ec384_.get(), 0x0303, other, kClientRandom, kServerRandom).verdict,
            SignatureVerdict::valid);

  // One bit anywhere in what is signed.
  const ByteVector bad_params = flipped(params, 10);
  ServerKeyExchangeSignature tampered{bad_params, 0x0403, sig};
  expect_invalid(verify_server_key_exchange(ec256_.get(), 0x0303, tampered, kClientRandom, kServerRandom),
                 "ServerKeyExchange", "ecdsa_secp256r1_sha256 (0x0403)");
  expect_invalid(verify_server_key_exchange(ec256_.get(), 0x0303, *ske, flipped(kClientRandom, 31), kServerRandom),
                 "ServerKeyExchange", "ecdsa_secp256r1_sha256 (0x0403)");
  expect_invalid(verify_server_key_exchange(ec256_.get(), 0x0303, *ske, kClientRandom, flipped(kServerRandom, 0)),
                 "ServerKeyExchange", "ecdsa_secp256r1_sha256 (0x0403)");
  // The randoms in the wrong order.
  expect_invalid(verify_server_key_exchange(ec256_.get(), 0x0303, *ske, kServerRandom, kClientRandom),
                 "ServerKeyExchange", "ecdsa_secp256r1_sha256 (0x0403)");
  // ...and in the signature itself (a DER integer byte).
  const ByteVector bad_sig = flipped(sig, sig.size() - 1);
  ServerKeyExchangeSignature bad{params, 0x0403, bad_sig};
  SignatureCheck c = verify_server_key_exchange(ec256_.get(), 0x0303, bad, kClientRandom, kServerRandom);
  expect_invalid(c, "ServerKeyExchange", "ecdsa_secp256r1_sha256 (0x0403)");
  EXPECT_EQ(c.finding->party, Party::server);
}

TEST_F(AuditSignature, Tls12RsaSchemes) {
  const ByteVector params = dhe_params();
  const ByteVector data = signed_data(params);
  struct Case {
    uint16_t scheme;
    const char* md;
    int pss_salt;
    std::string_view name;
  };
  for (const Case& c :
       {Case{0x0401, "SHA256", -1, "rsa_pkcs1_sha256 (0x0401)"}, Case{0x0201, "SHA1", -1, "rsa_pkcs1_sha1 (0x0201)"},
        Case{0x0601, "SHA512", -1, "rsa_pkcs1_sha512 (0x0601)"}, Case{0x0101, "MD5", -1, "rsa_pkcs1_md5 (0x0101)"},
        Case{0x0804, "SHA256", 32, "rsa_pss_rsae_sha256 (0x0804)"},
        Case{0x0805, "SHA384", 48, "rsa_pss_rsae_sha384 (0x0805)"}}) {
    const ByteVector sig = sign(rsa_.get(), c.md, data, c.pss_salt);
    ServerKeyExchangeSignature ske{params, c.scheme, sig};
    SignatureCheck ok = verify_server_key_exchange(rsa_.get(), 0x0303, ske, kClientRandom, kServerRandom);
    EXPECT_EQ(ok.verdict, SignatureVerdict::valid) << c.name << ": " << ok.reason;
    EXPECT_EQ(ok.scheme, c.name);
    EXPECT_EQ(ok.key_type, "RSA 2048 bits");
    const ByteVector bad_sig = flipped(sig, 100);
    ServerKeyExchangeSignature bad{params, c.scheme, bad_sig};
    expect_invalid(verify_server_key_exchange(rsa_.get(), 0x0303, bad, kClientRandom, kServerRandom),
                   "ServerKeyExchange", c.name);
  }
  // A PKCS #1 signature presented as PSS, and the other way round.
  const ByteVector pkcs1 = sign(rsa_.get(), "SHA256", data);
  ServerKeyExchangeSignature as_pss{params, 0x0804, pkcs1};
  EXPECT_EQ(verify_server_key_exchange(rsa_.get(), 0x0303, as_pss, kClientRandom, kServerRandom).verdict,
            SignatureVerdict::invalid);
  const ByteVector pss = sign(rsa_.get(), "SHA256", data, 32);
  ServerKeyExchangeSignature as_pkcs1{params, 0x0401, pss};
  EXPECT_EQ(verify_server_key_exchange(rsa_.get(), 0x0303, as_pkcs1, kClientRandom, kServerRandom).verdict,
            SignatureVerdict::invalid);
}

TEST_F(AuditSignature, Tls12LegacyPairOutsideTheRegistry) {
  // md5+ecdsa (0x0103) is no SignatureScheme but a TLS 1.2 pair: named and checked as one.
  const ByteVector params = ecdhe_params();
  const ByteVector sig = sign(ec256_.get(), "MD5", signed_data(params));
  ServerKeyExchangeSignature ske{params, 0x0103, sig};
  SignatureCheck c = verify_server_key_exchange(ec256_.get(), 0x0303, ske, kClientRandom, kServerRandom);
  EXPECT_EQ(c.verdict, SignatureVerdict::valid) << c.reason;
  EXPECT_EQ(c.scheme, "md5+ecdsa (0x0103)");
  const ByteVector sha1 = sign(ec256_.get(), "SHA1", signed_data(params));
  ServerKeyExchangeSignature wrong_hash{params, 0x0103, sha1};
  expect_invalid(verify_server_key_exchange(ec256_.get(), 0x0303, wrong_hash, kClientRandom, kServerRandom),
                 "ServerKeyExchange", "md5+ecdsa (0x0103)");
}

TEST_F(AuditSignature, Tls10RsaSignsBareMd5Sha1) {
  const ByteVector params = dhe_params();
  const ByteVector sig = sign_md5_sha1(rsa_.get(), signed_data(params));
  const ByteVector body = ske_body(params, std::nullopt, sig);
  auto ske = split_server_key_exchange(body, KeyExchange::DHE_RSA, 0x0301);
  ASSERT_TRUE(ske.has_value());
  SignatureCheck ok = verify_server_key_exchange(rsa_.get(), 0x0301, *ske, kClientRandom, kServerRandom);
  EXPECT_EQ(ok.verdict, SignatureVerdict::valid) << ok.reason;
  EXPECT_EQ(ok.scheme, "RSA with MD5+SHA-1 (TLS 1.0)");
  // Same for TLS 1.1 and SSL 3.0.
  EXPECT_EQ(verify_server_key_exchange(rsa_.get(), 0x0302, *ske, kClientRandom, kServerRandom).verdict,
            SignatureVerdict::valid);
  EXPECT_EQ(verify_server_key_exchange(rsa_.get(), 0x0300, *ske, kClientRandom, kServerRandom).scheme,
            "RSA with MD5+SHA-1 (SSL 3.0)");

  const ByteVector bad_params = flipped(params, 200);
  ServerKeyExchangeSignature tampered{bad_params, std::nullopt, ske->signature};
  expect_invalid(verify_server_key_exchange(rsa_.get(), 0x0301, tampered, kClientRandom, kServerRandom),
                 "ServerKeyExchange", "RSA with MD5+SHA-1 (TLS 1.0)");

  // A TLS 1.2-style signature (SHA-1 in a DigestInfo) is not what TLS 1.0 signs.
  const ByteVector digest_info = sign(rsa_.get(), "SHA1", signed_data(params));
  ServerKeyExchangeSignature wrong_form{params, std::nullopt, digest_info};
  EXPECT_EQ(verify_server_key_exchange(rsa_.get(), 0x0301, wrong_form, kClientRandom, kServerRandom).verdict,
            SignatureVerdict::invalid);
}

TEST_F(AuditSignature, Tls10EcdsaSignsSha1) {
  const ByteVector params = ecdhe_params();
  const ByteVector sig = sign(ec256_.get(), "SHA1", signed_data(params));
  ServerKeyExchangeSignature ske{params, std::nullopt, sig};
  SignatureCheck ok = verify_server_key_exchange(ec256_.get(), 0x0301, ske, kClientRandom, kServerRandom);
  EXPECT_EQ(ok.verdict, SignatureVerdict::valid) << ok.reason;
  EXPECT_EQ(ok.scheme, "ECDSA with SHA-1 (TLS 1.0)");
  const ByteVector sha256 = sign(ec256_.get(), "SHA256", signed_data(params));
  ServerKeyExchangeSignature wrong{params, std::nullopt, sha256};
  expect_invalid(verify_server_key_exchange(ec256_.get(), 0x0301, wrong, kClientRandom, kServerRandom),
                 "ServerKeyExchange", "ECDSA with SHA-1 (TLS 1.0)");
}

TEST_F(AuditSignature, ServerKeyExchangeNotCheckable) {
  const ByteVector params = ecdhe_params();
  const ByteVector sig = sign(ec256_.get(), "SHA256", signed_data(params));
  ServerKeyExchangeSignature ske{params, 0x0401, sig};
  // The scheme says RSA, the certificate has an EC key.
  SignatureCheck mismatch = verify_server_key_exchange(ec256_.get(), 0x0303, ske, kClientRandom, kServerRandom);
  expect_not_checkable(mismatch, "the scheme needs an RSA key, the certificate has an EC key");
  EXPECT_EQ(mismatch.scheme, "rsa_pkcs1_sha256 (0x0401)");
  EXPECT_EQ(mismatch.key_type, "EC prime256v1");

  ske.scheme = 0x0708;  // sm2sig_sm3
  expect_not_checkable(verify_server_key_exchange(ec256_.get(), 0x0303, ske, kClientRandom, kServerRandom),
                       "not supported");
  ske.scheme = 0xFE01;
  expect_not_checkable(verify_server_key_exchange(ec256_.get(), 0x0303, ske, kClientRandom, kServerRandom),
                       "unknown signature scheme");
  ske.scheme.reset();
  expect_not_checkable(verify_server_key_exchange(ec256_.get(), 0x0303, ske, kClientRandom, kServerRandom),
                       "none was given");
  ske.scheme = 0x0403;
  SignatureCheck no_key =
      verify_server_key_exchange(static_cast<EVP_PKEY*>(nullptr), 0x0303, ske, kClientRandom, kServerRandom);
  expect_not_checkable(no_key, "no certificate key");
  EXPECT_EQ(no_key.key_type, "none");
  // A version without this signature (TLS 1.3) or unknown.
  expect_not_checkable(verify_server_key_exchange(ec256_.get(), 0x0304, ske, kClientRandom, kServerRandom),
                       "version 0x0304");
  expect_not_checkable(verify_server_key_exchange(ec256_.get(), 0, ske, kClientRandom, kServerRandom),
                       "version 0x0000");
  // TLS 1.0 with an Ed25519 key: no such thing.
  expect_not_checkable(verify_server_key_exchange(ed25519_.get(), 0x0301, ske, kClientRandom, kServerRandom),
                       "RSA, DSA or ECDSA");
}

TEST_F(AuditSignature, ServerKeyExchangeWithTheLeafCertificate) {
  const ByteVector params = ecdhe_params();
  const ByteVector sig = sign(ec256_.get(), "SHA384", signed_data(params));
  ServerKeyExchangeSignature ske{params, 0x0503, sig};
  X509Ptr leaf = self_signed(ec256_.get());
  EXPECT_EQ(verify_server_key_exchange(leaf.get(), 0x0303, ske, kClientRandom, kServerRandom).verdict,
            SignatureVerdict::valid);
  X509Ptr other = self_signed(ec384_.get());
  expect_invalid(verify_server_key_exchange(other.get(), 0x0303, ske, kClientRandom, kServerRandom),
                 "ServerKeyExchange", "ecdsa_secp384r1_sha384 (0x0503)");
  expect_not_checkable(
      verify_server_key_exchange(static_cast<X509*>(nullptr), 0x0303, ske, kClientRandom, kServerRandom),
      "no certificate key");
}

// ---- TLS 1.3 CertificateVerify --------------------------------------------------------------

TEST_F(AuditSignature, CertificateVerifyContent) {
  const ByteVector hash = filled(32, 0x55);
  const ByteVector server = certificate_verify_content(Party::server, hash);
  ASSERT_EQ(server.size(), 64u + 33u + 1u + 32u);
  EXPECT_EQ(ByteVector(server.begin(), server.begin() + 64), ByteVector(64, 0x20));
  EXPECT_EQ(std::string(server.begin() + 64, server.begin() + 97), "TLS 1.3, server CertificateVerify");
  EXPECT_EQ(server[97], 0x00);
  EXPECT_EQ(ByteVector(server.begin() + 98, server.end()), hash);
  const ByteVector client = certificate_verify_content(Party::client, hash);
  EXPECT_EQ(std::string(client.begin() + 64, client.begin() + 97), "TLS 1.3, client CertificateVerify");
  EXPECT_EQ(certificate_verify_content(Party::connection, hash), server);
}

TEST_F(AuditSignature, CertificateVerifyEachKeyKind) {
  const ByteVector hash = filled(32, 0x77);
  const ByteVector content = certificate_verify_content(Party::server, hash);
  struct Case {
    EVP_PKEY* key;
    uint16_t scheme;
    const char* md;
    int pss_salt;
    std::string_view name;
  };
  for (const Case& c : {Case{rsa_.get(), 0x0804, "SHA256", 32, "rsa_pss_rsae_sha256 (0x0804)"},
                        Case{rsa_.get(), 0x0806, "SHA512", 64, "rsa_pss_rsae_sha512 (0x0806)"},
                        Case{ec256_.get(), 0x0403, "SHA256", -1, "ecdsa_secp256r1_sha256 (0x0403)"},
                        Case{ec384_.get(), 0x0503, "SHA384", -1, "ecdsa_secp384r1_sha384 (0x0503)"},
                        Case{ed25519_.get(), 0x0807, nullptr, -1, "ed25519 (0x0807)"}}) {
    const ByteVector sig = sign(c.key, c.md, content, c.pss_salt);
    SignatureCheck ok = verify_certificate_verify(c.key, c.scheme, sig, hash, Party::server);
    EXPECT_EQ(ok.verdict, SignatureVerdict::valid) << c.name << ": " << ok.reason;
    EXPECT_EQ(ok.scheme, c.name);
    expect_invalid(verify_certificate_verify(c.key, c.scheme, sig, flipped(hash, 5), Party::server),
                   "CertificateVerify", c.name);
    expect_invalid(verify_certificate_verify(c.key, c.scheme, flipped(sig, sig.size() / 2), hash, Party::server),
                   "CertificateVerify", c.name);
    // The server's signature does not pass for a client's.
    SignatureCheck as_client = verify_certificate_verify(c.key, c.scheme, sig, hash, Party::client);
    expect_invalid(as_client, "CertificateVerify", c.name);
    EXPECT_EQ(as_client.finding->party, Party::client);
  }
}

TEST_F(AuditSignature, CertificateVerifyPssSaltMustBeTheHashLength) {
  const ByteVector hash = filled(32, 0x78);
  const ByteVector content = certificate_verify_content(Party::client, hash);
  const ByteVector salt20 = sign(rsa_.get(), "SHA256", content, 20);
  expect_invalid(verify_certificate_verify(rsa_.get(), 0x0804, salt20, hash, Party::client), "CertificateVerify",
                 "rsa_pss_rsae_sha256 (0x0804)");
  const ByteVector salt32 = sign(rsa_.get(), "SHA256", content, 32);
  EXPECT_EQ(verify_certificate_verify(rsa_.get(), 0x0804, salt32, hash, Party::client).verdict,
            SignatureVerdict::valid);
}

TEST_F(AuditSignature, CertificateVerifyRsaPssKey) {
  // EVP_PKEY_Q_keygen knows no RSA-PSS: the long way.
  PkeyCtxPtr gen(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
  ASSERT_TRUE(gen);
  ASSERT_EQ(EVP_PKEY_keygen_init(gen.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(gen.get(), 2048), 1);
  EVP_PKEY* generated = nullptr;
  ASSERT_EQ(EVP_PKEY_generate(gen.get(), &generated), 1);
  KeyPtr pss_key(generated);
  const ByteVector hash = filled(48, 0x79);
  const ByteVector content = certificate_verify_content(Party::server, hash);
  const ByteVector sig = sign(pss_key.get(), "SHA256", content, 32);
  SignatureCheck ok = verify_certificate_verify(pss_key.get(), 0x0809, sig, hash, Party::server);
  EXPECT_EQ(ok.verdict, SignatureVerdict::valid) << ok.reason;
  EXPECT_EQ(ok.key_type, "RSA-PSS 2048 bits");
  // rsae needs an rsaEncryption key, and pss an id-RSASSA-PSS key (RFC 8446 4.2.3).
  expect_not_checkable(verify_certificate_verify(pss_key.get(), 0x0804, sig, hash, Party::server),
                       "needs an RSA key, the certificate has an RSA-PSS key");
  expect_not_checkable(verify_certificate_verify(rsa_.get(), 0x0809, sig, hash, Party::server),
                       "needs an RSA-PSS key, the certificate has an RSA key");
}

TEST_F(AuditSignature, CertificateVerifyNotCheckable) {
  const ByteVector hash = filled(32, 0x7A);
  const ByteVector sig = sign(ec384_.get(), "SHA256", certificate_verify_content(Party::server, hash));
  // TLS 1.3 binds the curve to the scheme.
  expect_not_checkable(verify_certificate_verify(ec384_.get(), 0x0403, sig, hash, Party::server),
                       "needs a key on prime256v1, the certificate's key is on secp384r1");
  expect_not_checkable(verify_certificate_verify(rsa_.get(), 0x0807, sig, hash, Party::server),
                       "needs an Ed25519 key, the certificate has an RSA key");
  expect_not_checkable(verify_certificate_verify(ec384_.get(), 0x0904, sig, hash, Party::server),
                       "not supported");  // mldsa44
  // A legacy pair outside the registry has no meaning in TLS 1.3.
  expect_not_checkable(verify_certificate_verify(ec384_.get(), 0x0103, sig, hash, Party::server),
                       "unknown signature scheme");
  expect_not_checkable(verify_certificate_verify(static_cast<X509*>(nullptr), 0x0403, sig, hash, Party::server),
                       "no certificate key");
}

TEST_F(AuditSignature, SplitCertificateVerify) {
  const ByteVector sig = filled(70, 0x31);
  const ByteVector body = concat({u16(0x0403), u16(sig.size()), sig});
  auto cv = split_certificate_verify(body);
  ASSERT_TRUE(cv.has_value());
  EXPECT_EQ(cv->scheme, 0x0403);
  EXPECT_EQ(ByteVector(cv->signature.begin(), cv->signature.end()), sig);
  for (size_t n = 0; n < body.size(); ++n) EXPECT_FALSE(split_certificate_verify(Bytes(body).first(n))) << n;
  std::string error;
  EXPECT_FALSE(split_certificate_verify(concat({body, ByteVector{0}}), &error));
  EXPECT_EQ(error, "bytes follow the signature");
}

// ---- transcript hashes ---------------------------------------------------------------------

ByteVector sha256(Bytes data) {
  ByteVector out(32);
  unsigned int n = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr), 1);
  return out;
}

ByteVector handshake(uint8_t type, Bytes body) {
  return concat({ByteVector{type, 0, static_cast<uint8_t>(body.size() >> 8), static_cast<uint8_t>(body.size())}, body});
}

ByteVector server_hello(Bytes random) {
  return handshake(2, concat({ByteVector{0x03, 0x03}, random, ByteVector{0, 0x13, 0x01, 0, 0, 0}}));
}

const ByteVector kHelloRetryRandom = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                                      0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                                      0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

TEST_F(AuditSignature, TranscriptHashIsTheHashOfTheMessages) {
  const ByteVector ch = handshake(1, filled(100, 1));
  const ByteVector sh = server_hello(filled(32, 2));
  const ByteVector ee = handshake(8, ByteVector{0, 0});
  const std::vector<Bytes> messages = {ch, sh, ee};
  EXPECT_EQ(tls13_transcript_hash(crypto::Hash::sha256, messages), sha256(concat({ch, sh, ee})));
  EXPECT_EQ(tls13_transcript_hash(crypto::Hash::sha384, messages).size(), 48u);
  EXPECT_EQ(tls13_transcript_hash(crypto::Hash::sha256, {}), sha256({}));
}

TEST_F(AuditSignature, TranscriptHashAfterHelloRetryRequest) {
  const ByteVector ch1 = handshake(1, filled(120, 1));
  const ByteVector hrr = server_hello(kHelloRetryRandom);
  const ByteVector ch2 = handshake(1, filled(130, 9));
  const ByteVector sh = server_hello(filled(32, 2));
  const ByteVector cert = handshake(11, filled(300, 4));
  const std::vector<Bytes> messages = {ch1, hrr, ch2, sh, cert};
  // RFC 8446 4.4.1: message_hash (254) || 00 00 32 || Hash(ClientHello1) replaces ClientHello1.
  const ByteVector message_hash = concat({ByteVector{254, 0, 0, 32}, sha256(ch1)});
  EXPECT_EQ(tls13_transcript_hash(crypto::Hash::sha256, messages), sha256(concat({message_hash, hrr, ch2, sh, cert})));
  // A plain ServerHello in the same place changes nothing.
  const std::vector<Bytes> plain = {ch1, sh, ch2};
  EXPECT_EQ(tls13_transcript_hash(crypto::Hash::sha256, plain), sha256(concat({ch1, sh, ch2})));
}

// ---- RFC 8448 section 3: the trace's own CertificateVerify ------------------------------------

std::filesystem::path rfc8448_file() {
  std::filesystem::path root;
  if (const char* env = std::getenv("TLSLENS_SOURCE_DIR"); env != nullptr && *env != '\0') {
    root = env;
  } else {
    root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  }
  return root / "tests" / "data" / "kdf" / "tls13_rfc8448.txt";
}

ByteVector from_hex(std::string_view hex) {
  ByteVector out;
  int high = -1;
  for (char ch : hex) {
    if (std::isspace(static_cast<unsigned char>(ch))) continue;
    const int v = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : std::tolower(ch) - 'a' + 10;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

// The Message values of the first "Operation = transcript" block (continuation lines start
// with spaces).
std::vector<ByteVector> rfc8448_messages() {
  std::ifstream in(rfc8448_file());
  std::vector<ByteVector> messages;
  std::string line;
  bool in_block = false;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) messages.push_back(from_hex(current));
    current.clear();
  };
  while (std::getline(in, line)) {
    if (line == "Operation = transcript") {
      in_block = true;
      continue;
    }
    if (!in_block) continue;
    if (line.rfind("Message = ", 0) == 0) {
      flush();
      current = line.substr(10);
    } else if (line.rfind("  ", 0) == 0 && !current.empty()) {
      current += line;
    } else {
      flush();
      if (line.empty()) break;
    }
  }
  flush();
  return messages;
}

TEST_F(AuditSignature, Rfc8448ServerCertificateVerify) {
  const std::vector<ByteVector> m = rfc8448_messages();
  ASSERT_GE(m.size(), 5u) << rfc8448_file();
  ASSERT_EQ(m[3][0], 11);  // Certificate
  ASSERT_EQ(m[4][0], 15);  // CertificateVerify
  // Certificate: header(4) context(1: 00) list length(3) cert length(3) DER...
  const Bytes cert_msg = m[3];
  const size_t der_length = (size_t{cert_msg[8]} << 16) | (size_t{cert_msg[9]} << 8) | cert_msg[10];
  const Bytes der = cert_msg.subspan(11, der_length);
  const unsigned char* cursor = der.data();
  X509Ptr leaf(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  ASSERT_TRUE(leaf);

  const std::vector<Bytes> transcript = {m[0], m[1], m[2], m[3]};
  const ByteVector hash = tls13_transcript_hash(crypto::Hash::sha256, transcript);
  auto cv = split_certificate_verify(Bytes(m[4]).subspan(4));
  ASSERT_TRUE(cv.has_value());
  EXPECT_EQ(cv->scheme, 0x0804);
  SignatureCheck ok = verify_certificate_verify(leaf.get(), cv->scheme, cv->signature, hash, Party::server);
  EXPECT_EQ(ok.verdict, SignatureVerdict::valid) << ok.reason;
  EXPECT_EQ(ok.key_type, "RSA 1024 bits");
  // Leaving out EncryptedExtensions breaks it.
  const std::vector<Bytes> short_transcript = {m[0], m[1], m[3]};
  expect_invalid(
      verify_certificate_verify(leaf.get(), cv->scheme, cv->signature,
                                tls13_transcript_hash(crypto::Hash::sha256, short_transcript), Party::server),
      "CertificateVerify", "rsa_pss_rsae_sha256 (0x0804)");
}

TEST(AuditSignatureNames, VerdictNames) {
  EXPECT_EQ(to_string(SignatureVerdict::valid), "valid");
  EXPECT_EQ(to_string(SignatureVerdict::invalid), "invalid");
  EXPECT_EQ(to_string(SignatureVerdict::not_checkable), "not checkable");
}

}  // namespace
}  // namespace tlslens::audit
