// tlslens_bench, the cryptographic stages: chain verification, handshake signatures, record
// decryption.
//
//   BM_ChainAudit/<chain>   audit::audit_chain (OpenSSL's X509_verify_cert with the audit's verify
//                           callback, hostname check, the findings) on a real chain, every time
//                           afresh: captures/certs/server-chain.pem (RSA 2048 leaf "localhost" +
//                           intermediate, the chain the project's captures send; root ca.pem in
//                           the store) and captures/certs/audit/good-chain.pem (the audit PKI's
//                           clean chain, root-ca.pem in the store, at its ANCHOR date)
//   BM_ChainAuditReuse      audit::ChainVerifications::reuse() hit: the stored verification of
//                           the same chain (a copy of the ChainAudit)
//   BM_ChainAuditCachedConnection  what AuditingSink::on_certificate does per connection when the
//                           chain was verified before: the certificates from the thread's
//                           CertificateCache (hits), the cache key (party|name|key use|SHA-256
//                           fingerprints), reuse(), remember_intermediates(). Against
//                           BM_ChainAudit/captures: what 13 000 connections to one server cost
//                           with and without the cache
//   BM_SignatureServerKeyExchange  audit::verify_server_key_exchange on the ServerKeyExchange of
//                           captures/tls12-ecdhe-aes128gcm.pcap (RSA 2048 leaf, PKCS#1 or PSS as
//                           negotiated), split_server_key_exchange included
//   BM_SignatureCertificateVerify  audit::verify_certificate_verify on the server's TLS 1.3
//                           CertificateVerify of captures/tls13-aes128gcm.pcap (decrypted with its
//                           key log; the transcript hash computed once in the setup)
//   BM_Decrypt/<suite>/<bytes>  crypto::RecordCipher::decrypt of one record of 1 KiB or 16 KiB of
//                           application data, for each suite the bench capture uses (TLS 1.3
//                           AES-128/256-GCM and ChaCha20-Poly1305; TLS 1.2 AES-128/256-GCM,
//                           ChaCha20-Poly1305, and the CBC suites AES-128-SHA, AES-256-SHA384,
//                           AES-256-SHA256, each MAC-then-encrypt and encrypt-then-MAC). The record
//                           is sealed once in the setup with OpenSSL's EVP (fixed keys, sequence
//                           number 7), independently of tlslens's code; the setup checks that it
//                           decrypts to the same bytes and that a record with one bit flipped is
//                           rejected (bad_record_mac), so the loop times a verified decryption.
//
// Each verification, signature or decryption is checked in the loop; any failure skips the
// benchmark with the reason (it never times an error path). items/s: chains, signatures or
// records; bytes/s (decryption): plaintext bytes.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.h"
#include "core/audit/chain_audit.h"
#include "core/audit/chain_verifications.h"
#include "core/audit/signature_checks.h"
#include "core/audit/trust_store.h"
#include "core/crypto/kdf.h"
#include "core/crypto/providers.h"
#include "core/crypto/record_cipher.h"
#include "core/output/event_sink.h"
#include "core/tls/registry.h"
#include "core/x509/certificate.h"
#include "core/x509/certificate_cache.h"

namespace {

using namespace tlslens;

// ---- chain verification -----------------------------------------------------------------------

// The DER of every certificate in a PEM file, in order; empty (and the benchmark skipped) on error.
std::vector<std::vector<uint8_t>> read_pem_ders(benchmark::State& state, const std::string& relative) {
  const std::string path = bench::source_path(relative);
  std::vector<std::vector<uint8_t>> out;
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) {
    state.SkipWithError((path + ": cannot open (set TLSLENS_SOURCE_DIR to the source tree)").c_str());
    return out;
  }
  while (X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr)) {
    unsigned char* p = nullptr;
    const int n = i2d_X509(x, &p);
    X509_free(x);
    if (n <= 0) break;
    out.emplace_back(p, p + n);
    OPENSSL_free(p);
  }
  std::fclose(f);
  ERR_clear_error();  // PEM_read_X509's "no start line" at the end of the file
  if (out.empty()) state.SkipWithError((path + ": no certificate").c_str());
  return out;
}

struct ChainFixture {
  std::vector<std::vector<uint8_t>> ders;  // as sent, leaf first
  std::vector<x509::Certificate> chain;
  audit::TrustStore trust;
  std::string name;
  Timestamp captured;
  audit::ChainAuditInput input() const {
    audit::ChainAuditInput in;
    in.chain = chain;
    in.captured = captured;
    in.party = audit::Party::server;
    in.name = name;
    in.key_use = audit::KeyUse::signature;  // ECDHE or TLS 1.3
    in.now = captured;
    return in;
  }
};

// chain: 0 = the captures' chain (captures/certs), 1 = the audit PKI's good chain.
std::unique_ptr<ChainFixture> chain_fixture(benchmark::State& state, int which) {
  auto fx = std::make_unique<ChainFixture>();
  const std::string chain_file = which == 0 ? "captures/certs/server-chain.pem" : "captures/certs/audit/good-chain.pem";
  const std::string root_file = which == 0 ? "captures/certs/ca.pem" : "captures/certs/audit/root-ca.pem";
  fx->ders = read_pem_ders(state, chain_file);
  const auto roots = read_pem_ders(state, root_file);
  if (fx->ders.empty() || roots.empty()) return nullptr;
  for (const auto& der : fx->ders) fx->chain.push_back(x509::Certificate::parse(Bytes(der)));
  for (const auto& der : roots) {
    x509::Certificate root = x509::Certificate::parse(Bytes(der));
    if (!root.x509() || !fx->trust.add_certificate(root.x509())) {
      state.SkipWithError((root_file + ": cannot add the root to the trust store").c_str());
      return nullptr;
    }
  }
  fx->name = "localhost";
  // captures/certs: valid 2024-2124, the captures were made in 2025; the audit PKI is valid
  // around its ANCHOR date, 2026-12-05.
  fx->captured = Timestamp::from_sec_nsec(which == 0 ? 1748736000 /* 2025-06-01 */ : 1796428800 /* 2026-12-05 */, 0);
  return fx;
}

// The chain must reach the store's root without an OpenSSL error: otherwise the benchmark would
// time a failure path.
bool chain_verified(benchmark::State& state, const audit::ChainAudit& a) {
  if (a.reaches_trusted_root && a.error_code == 0) return true;
  state.SkipWithError(("the chain did not verify: " + a.error_text).c_str());
  return false;
}

void BM_ChainAudit(benchmark::State& state, int which) {
  auto fx = chain_fixture(state, which);
  if (!fx) return;
  const audit::ChainAuditInput in = fx->input();
  std::string findings;
  for (auto _ : state) {
    audit::ChainAudit a = audit::audit_chain(in, fx->trust);
    if (!chain_verified(state, a)) return;
    benchmark::DoNotOptimize(a.findings.data());
    if (findings.empty()) {
      for (const audit::Finding& f : a.findings) {
        if (!findings.empty()) findings += ' ';
        findings += to_string(f.code);
      }
      if (findings.empty()) findings = "no findings";
    }
  }
  state.SetLabel(findings);  // the 100-year leaf of captures/certs: CERT_LONG_VALIDITY
  state.counters["certificates"] = static_cast<double>(fx->chain.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ChainAudit, captures, 0);
BENCHMARK_CAPTURE(BM_ChainAudit, audit_good, 1);

// The cache key AuditingSink::on_certificate builds (core/audit/auditor.cpp).
std::string chain_key(const ChainFixture& fx, const std::vector<x509::Certificate>& chain) {
  std::string key =
      fmt::format("{}|{}|{}", to_string(audit::Party::server), fx.name, static_cast<int>(audit::KeyUse::signature));
  for (const x509::Certificate& c : chain) key += "|" + (c.info().parsed ? c.info().sha256_fingerprint : "?");
  return key;
}

// A ChainVerifications holding the fixture's chain, verified once.
bool prime(benchmark::State& state, const ChainFixture& fx, audit::ChainVerifications& verifications) {
  audit::ChainAudit a = audit::audit_chain(fx.input(), fx.trust);
  if (!chain_verified(state, a)) return false;
  verifications.store(chain_key(fx, fx.chain), a, /*depends_on_seen=*/false);
  verifications.remember_intermediates(fx.chain);
  return true;
}

void BM_ChainAuditReuse(benchmark::State& state) {
  auto fx = chain_fixture(state, 0);
  if (!fx) return;
  audit::ChainVerifications verifications;
  if (!prime(state, *fx, verifications)) return;
  const std::string key = chain_key(*fx, fx->chain);
  const int64_t captured = fx->captured.whole_seconds();
  for (auto _ : state) {
    std::optional<audit::ChainAudit> a = verifications.reuse(key, captured);
    if (!a) {
      state.SkipWithError("reuse() missed");
      return;
    }
    benchmark::DoNotOptimize(a->findings.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainAuditReuse);

void BM_ChainAuditCachedConnection(benchmark::State& state) {
  auto fx = chain_fixture(state, 0);
  if (!fx) return;
  audit::ChainVerifications verifications;
  if (!prime(state, *fx, verifications)) return;
  x509::CertificateCache& cache = x509::CertificateCache::for_this_thread();
  for (const auto& der : fx->ders) (void)cache.parse(Bytes(der));  // earlier connections parsed them
  const int64_t captured = fx->captured.whole_seconds();
  std::vector<x509::Certificate> chain;
  std::optional<audit::ChainAudit> slot;
  for (auto _ : state) {
    chain.clear();
    for (const auto& der : fx->ders) chain.push_back(cache.parse(Bytes(der)));
    const std::string key = chain_key(*fx, chain);
    slot = verifications.reuse(key, captured);
    if (!slot) {
      state.SkipWithError("reuse() missed");
      return;
    }
    verifications.remember_intermediates(chain);
    benchmark::DoNotOptimize(slot->findings.data());
  }
  if (verifications.verifications() != 1) state.SkipWithError("the chain was verified again");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainAuditCachedConnection);

// ---- handshake signatures ---------------------------------------------------------------------

// The first server message of `type` in a capture, the connection's facts as of that message,
// and (for the TLS 1.3 CertificateVerify) every handshake message before it.
class SignedMessageGrabber final : public EventSink {
 public:
  explicit SignedMessageGrabber(uint8_t type) : type_(type) {}
  void tls_message(const Connection&, const tls::RecordEvent& record, const tls::MessageEvent& message) override {
    if (found || message.content_type != tls::content_type::handshake) return;
    if (message.handshake_type == type_ && record.dir == Direction::server_to_client && message.facts) {
      bytes.assign(message.bytes.begin(), message.bytes.end());
      facts = *message.facts;
      found = true;
      return;
    }
    before.emplace_back(message.bytes.begin(), message.bytes.end());
  }
  bool found = false;
  std::vector<uint8_t> bytes;
  tls::TlsFacts facts;
  std::vector<std::vector<uint8_t>> before;

 private:
  uint8_t type_;
};

bool grab_signed(benchmark::State& state, const std::string& capture, const std::string& keys,
                 SignedMessageGrabber& grabber, x509::Certificate& leaf) {
  if (!bench::analyze_capture(state, capture, keys, grabber)) return false;
  if (!grabber.found || grabber.bytes.size() < 4 || grabber.facts.server_chain.empty()) {
    state.SkipWithError((capture + ": no such message, or no server certificate before it").c_str());
    return false;
  }
  leaf = x509::Certificate::parse(Bytes(grabber.facts.server_chain[0]));
  if (!leaf.x509()) {
    state.SkipWithError((capture + ": the server's leaf certificate does not parse").c_str());
    return false;
  }
  return true;
}

bool signature_valid(benchmark::State& state, const audit::SignatureCheck& check) {
  if (check.verdict == audit::SignatureVerdict::valid) return true;
  state.SkipWithError(("signature " + std::string(to_string(check.verdict)) + ": " + check.reason).c_str());
  return false;
}

void BM_SignatureServerKeyExchange(benchmark::State& state) {
  SignedMessageGrabber grabber(tls::handshake_type::server_key_exchange);
  x509::Certificate leaf;
  if (!grab_signed(state, "tls12-ecdhe-aes128gcm.pcap", "", grabber, leaf)) return;
  const tls::TlsFacts& f = grabber.facts;
  const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(f.cipher_suite);
  if (!suite) {
    state.SkipWithError("unknown cipher suite");
    return;
  }
  const Bytes body = Bytes(grabber.bytes).subspan(4);
  std::string scheme;
  for (auto _ : state) {
    std::string error;
    auto parts = audit::split_server_key_exchange(body, suite->kx, f.negotiated_version, &error);
    if (!parts) {
      state.SkipWithError(("ServerKeyExchange does not split: " + error).c_str());
      return;
    }
    audit::SignatureCheck check = audit::verify_server_key_exchange(leaf.x509(), f.negotiated_version, *parts,
                                                                    Bytes(f.client_random), Bytes(f.server_random));
    if (!signature_valid(state, check)) return;
    if (scheme.empty()) scheme = check.scheme + ", " + check.key_type;
  }
  state.SetLabel(scheme);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignatureServerKeyExchange);

void BM_SignatureCertificateVerify(benchmark::State& state) {
  SignedMessageGrabber grabber(tls::handshake_type::certificate_verify);
  x509::Certificate leaf;
  if (!grab_signed(state, "tls13-aes128gcm.pcap", "tls13-aes128gcm.keys", grabber, leaf)) return;
  const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(grabber.facts.cipher_suite);
  crypto::Hash hash = crypto::Hash::sha256;
  if (!suite || !crypto::tls13_hash_for(*suite, hash)) {
    state.SkipWithError("not a TLS 1.3 suite");
    return;
  }
  std::vector<Bytes> transcript;
  for (const auto& m : grabber.before) transcript.emplace_back(m);
  const std::vector<uint8_t> transcript_hash = audit::tls13_transcript_hash(hash, transcript);
  auto parts = audit::split_certificate_verify(Bytes(grabber.bytes).subspan(4));
  if (!parts || transcript_hash.empty()) {
    state.SkipWithError("CertificateVerify does not split, or no transcript hash");
    return;
  }
  std::string scheme;
  for (auto _ : state) {
    audit::SignatureCheck check = audit::verify_certificate_verify(leaf.x509(), parts->scheme, parts->signature,
                                                                   transcript_hash, audit::Party::server);
    if (!signature_valid(state, check)) return;
    if (scheme.empty()) scheme = check.scheme + ", " + check.key_type;
  }
  state.SetLabel(scheme);
  state.counters["transcript_messages"] = static_cast<double>(grabber.before.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignatureCertificateVerify);

// ---- record decryption ------------------------------------------------------------------------

constexpr uint64_t kSequence = 7;
constexpr uint8_t kApplicationData = 23;
constexpr uint16_t kRecordVersion = 0x0303;  // on the wire, TLS 1.2 and 1.3

enum class Protection { tls13_aead, tls12_explicit_nonce, tls12_xor_nonce, cbc_mac_then_encrypt, cbc_encrypt_then_mac };

struct SuiteCase {
  uint16_t code;
  Protection protection;
  const char* evp_cipher;  // for sealing the record
  const char* mac_digest;  // CBC only
};

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 31 + (i >> 8));
  return v;
}

void append_u16(std::vector<uint8_t>& v, size_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}

std::vector<uint8_t> seq_bytes(uint64_t seq) {
  std::vector<uint8_t> v(8);
  for (int i = 0; i < 8; ++i) v[static_cast<size_t>(i)] = static_cast<uint8_t>(seq >> (56 - 8 * i));
  return v;
}

struct CipherCtx {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

// AEAD seal: ciphertext || tag (16 bytes). Empty on an OpenSSL failure.
std::vector<uint8_t> aead_seal(const char* name, const std::vector<uint8_t>& key, const std::vector<uint8_t>& nonce,
                               const std::vector<uint8_t>& aad, const std::vector<uint8_t>& plaintext) {
  const EVP_CIPHER* cipher = EVP_get_cipherbyname(name);
  CipherCtx c;
  std::vector<uint8_t> out(plaintext.size() + 16);
  int len = 0, fin = 0;
  if (!cipher || !c.ctx || EVP_EncryptInit_ex(c.ctx, cipher, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, key.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(c.ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(c.ctx, out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c.ctx, out.data() + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_AEAD_GET_TAG, 16, out.data() + plaintext.size()) != 1)
    return {};
  return out;
}

// CBC encryption without OpenSSL's padding (the input is already padded TLS-style).
std::vector<uint8_t> cbc_encrypt(const char* name, const std::vector<uint8_t>& key, const std::vector<uint8_t>& iv,
                                 const std::vector<uint8_t>& padded) {
  const EVP_CIPHER* cipher = EVP_get_cipherbyname(name);
  CipherCtx c;
  std::vector<uint8_t> out(padded.size() + 16);
  int len = 0, fin = 0;
  if (!cipher || !c.ctx || EVP_EncryptInit_ex(c.ctx, cipher, nullptr, key.data(), iv.data()) != 1 ||
      EVP_CIPHER_CTX_set_padding(c.ctx, 0) != 1 ||
      EVP_EncryptUpdate(c.ctx, out.data(), &len, padded.data(), static_cast<int>(padded.size())) != 1 ||
      EVP_EncryptFinal_ex(c.ctx, out.data() + len, &fin) != 1)
    return {};
  out.resize(static_cast<size_t>(len + fin));
  return out;
}

std::vector<uint8_t> hmac(const char* digest, const std::vector<uint8_t>& key, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(), data.data(), data.size(),
                 out.data(), out.size(), &len))
    return {};
  out.resize(len);
  return out;
}

// TLS CBC padding: 1..block bytes, each the padding length.
void pad_cbc(std::vector<uint8_t>& v, size_t block) {
  const size_t pad = block - 1 - v.size() % block;
  v.insert(v.end(), pad + 1, static_cast<uint8_t>(pad));
}

// One application_data record with `data` sealed as `suite` at sequence number kSequence; empty on
// an OpenSSL failure.
std::vector<uint8_t> seal_record(const SuiteCase& sc, const tls::CipherSuiteInfo& suite, const crypto::DirectionKeys& k,
                                 const std::vector<uint8_t>& data) {
  std::vector<uint8_t> tls12_aad = seq_bytes(kSequence);  // seq || type || version || plaintext length
  tls12_aad.push_back(kApplicationData);
  append_u16(tls12_aad, kRecordVersion);
  append_u16(tls12_aad, data.size());
  switch (sc.protection) {
    case Protection::tls13_aead: {
      std::vector<uint8_t> inner = data;
      inner.push_back(kApplicationData);  // TLSInnerPlaintext: content || type, no padding
      std::vector<uint8_t> nonce = k.iv;
      const auto seq = seq_bytes(kSequence);
      for (size_t i = 0; i < 8; ++i) nonce[nonce.size() - 8 + i] ^= seq[i];
      std::vector<uint8_t> header{kApplicationData};
      append_u16(header, kRecordVersion);
      append_u16(header, inner.size() + 16);
      return aead_seal(sc.evp_cipher, k.key, nonce, header, inner);
    }
    case Protection::tls12_explicit_nonce: {
      const std::vector<uint8_t> explicit_nonce = pattern(8, 0x5A);
      std::vector<uint8_t> nonce = k.iv;  // 4-byte salt
      nonce.insert(nonce.end(), explicit_nonce.begin(), explicit_nonce.end());
      std::vector<uint8_t> sealed = aead_seal(sc.evp_cipher, k.key, nonce, tls12_aad, data);
      if (sealed.empty()) return {};
      sealed.insert(sealed.begin(), explicit_nonce.begin(), explicit_nonce.end());
      return sealed;
    }
    case Protection::tls12_xor_nonce: {
      std::vector<uint8_t> nonce = k.iv;
      const auto seq = seq_bytes(kSequence);
      for (size_t i = 0; i < 8; ++i) nonce[nonce.size() - 8 + i] ^= seq[i];
      return aead_seal(sc.evp_cipher, k.key, nonce, tls12_aad, data);
    }
    case Protection::cbc_mac_then_encrypt: {
      std::vector<uint8_t> mac_input = tls12_aad;
      mac_input.insert(mac_input.end(), data.begin(), data.end());
      const std::vector<uint8_t> mac = hmac(sc.mac_digest, k.mac_key, mac_input);
      if (mac.size() != suite.mac_length) return {};
      std::vector<uint8_t> padded = data;
      padded.insert(padded.end(), mac.begin(), mac.end());
      pad_cbc(padded, suite.block_size);
      const std::vector<uint8_t> iv = pattern(suite.block_size, 0xA5);
      std::vector<uint8_t> ct = cbc_encrypt(sc.evp_cipher, k.key, iv, padded);
      if (ct.empty()) return {};
      ct.insert(ct.begin(), iv.begin(), iv.end());
      return ct;
    }
    case Protection::cbc_encrypt_then_mac: {
      std::vector<uint8_t> padded = data;
      pad_cbc(padded, suite.block_size);
      const std::vector<uint8_t> iv = pattern(suite.block_size, 0xA5);
      std::vector<uint8_t> body = cbc_encrypt(sc.evp_cipher, k.key, iv, padded);
      if (body.empty()) return {};
      body.insert(body.begin(), iv.begin(), iv.end());
      std::vector<uint8_t> mac_input = seq_bytes(kSequence);  // RFC 7366: the length is IV + ciphertext
      mac_input.push_back(kApplicationData);
      append_u16(mac_input, kRecordVersion);
      append_u16(mac_input, body.size());
      mac_input.insert(mac_input.end(), body.begin(), body.end());
      const std::vector<uint8_t> mac = hmac(sc.mac_digest, k.mac_key, mac_input);
      if (mac.size() != suite.mac_length) return {};
      body.insert(body.end(), mac.begin(), mac.end());
      return body;
    }
  }
  return {};
}

void BM_Decrypt(benchmark::State& state, SuiteCase sc) {
  crypto::load_crypto_providers();
  const tls::CipherSuiteInfo* suite = tls::cipher_suite_info(sc.code);
  if (!suite) {
    state.SkipWithError("unknown cipher suite");
    return;
  }
  const bool tls13 = sc.protection == Protection::tls13_aead;
  const bool etm = sc.protection == Protection::cbc_encrypt_then_mac;
  crypto::DirectionKeys keys;
  keys.mac_key = pattern(suite->mac_key_length, 0x11);
  keys.key = pattern(suite->key_length, 0x22);
  keys.iv = pattern(suite->iv_length, 0x33);
  const std::vector<uint8_t> data = pattern(static_cast<size_t>(state.range(0)), 0x44);
  const std::vector<uint8_t> fragment = seal_record(sc, *suite, keys, data);
  if (fragment.empty()) {
    state.SkipWithError("sealing the record with OpenSSL failed");
    return;
  }
  std::string error;
  auto cipher = crypto::RecordCipher::create(*suite, tls13 ? 0x0304 : 0x0303, etm, keys, error);
  if (!cipher) {
    state.SkipWithError(("RecordCipher::create: " + error).c_str());
    return;
  }
  std::vector<uint8_t> plaintext;
  uint8_t inner = 0;
  // Outside the timing: the record decrypts to what was sealed, and a flipped bit is caught.
  cipher->set_sequence_number(kSequence);
  crypto::DecryptStatus status = cipher->decrypt(kApplicationData, kRecordVersion, Bytes(fragment), plaintext, inner);
  if (status != crypto::DecryptStatus::ok || plaintext != data || inner != kApplicationData) {
    state.SkipWithError(("the sealed record does not decrypt: " + std::string(crypto::to_string(status))).c_str());
    return;
  }
  std::vector<uint8_t> tampered = fragment;
  tampered[tampered.size() / 2] ^= 0x01;
  cipher->set_sequence_number(kSequence);
  status = cipher->decrypt(kApplicationData, kRecordVersion, Bytes(tampered), plaintext, inner);
  if (status == crypto::DecryptStatus::ok) {
    state.SkipWithError("a tampered record decrypted: the tag/MAC is not checked");
    return;
  }
  for (auto _ : state) {
    cipher->set_sequence_number(kSequence);
    status = cipher->decrypt(kApplicationData, kRecordVersion, Bytes(fragment), plaintext, inner);
    if (status != crypto::DecryptStatus::ok) {
      state.SkipWithError(("decryption failed: " + std::string(crypto::to_string(status))).c_str());
      return;
    }
    benchmark::DoNotOptimize(plaintext.data());
  }
  state.SetLabel(std::string(suite->name) + (tls13 ? "" : etm ? " (TLS 1.2, EtM)" : " (TLS 1.2)"));
  state.counters["record_bytes"] = static_cast<double>(fragment.size() + 5);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}

constexpr SuiteCase kTls13Aes128Gcm{0x1301, Protection::tls13_aead, "AES-128-GCM", nullptr};
constexpr SuiteCase kTls13Aes256Gcm{0x1302, Protection::tls13_aead, "AES-256-GCM", nullptr};
constexpr SuiteCase kTls13ChaCha20{0x1303, Protection::tls13_aead, "ChaCha20-Poly1305", nullptr};
constexpr SuiteCase kTls12Aes128Gcm{0xC02F, Protection::tls12_explicit_nonce, "AES-128-GCM", nullptr};
constexpr SuiteCase kTls12Aes256Gcm{0xC030, Protection::tls12_explicit_nonce, "AES-256-GCM", nullptr};
constexpr SuiteCase kTls12ChaCha20{0xCCA8, Protection::tls12_xor_nonce, "ChaCha20-Poly1305", nullptr};
constexpr SuiteCase kTls12Aes128Sha{0xC013, Protection::cbc_mac_then_encrypt, "AES-128-CBC", "SHA1"};
constexpr SuiteCase kTls12Aes128ShaEtm{0xC013, Protection::cbc_encrypt_then_mac, "AES-128-CBC", "SHA1"};
constexpr SuiteCase kTls12Aes256Sha384{0xC028, Protection::cbc_mac_then_encrypt, "AES-256-CBC", "SHA384"};
constexpr SuiteCase kTls12Aes256Sha384Etm{0xC028, Protection::cbc_encrypt_then_mac, "AES-256-CBC", "SHA384"};
constexpr SuiteCase kTls12Aes256Sha256{0x003D, Protection::cbc_mac_then_encrypt, "AES-256-CBC", "SHA256"};
constexpr SuiteCase kTls12Aes256Sha256Etm{0x003D, Protection::cbc_encrypt_then_mac, "AES-256-CBC", "SHA256"};

BENCHMARK_CAPTURE(BM_Decrypt, tls13_aes128gcm, kTls13Aes128Gcm)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls13_aes256gcm, kTls13Aes256Gcm)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls13_chacha20, kTls13ChaCha20)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes128gcm, kTls12Aes128Gcm)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes256gcm, kTls12Aes256Gcm)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_chacha20, kTls12ChaCha20)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes128cbc_sha, kTls12Aes128Sha)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes128cbc_sha_etm, kTls12Aes128ShaEtm)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes256cbc_sha384, kTls12Aes256Sha384)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes256cbc_sha384_etm, kTls12Aes256Sha384Etm)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes256cbc_sha256, kTls12Aes256Sha256)->Arg(1024)->Arg(16384);
BENCHMARK_CAPTURE(BM_Decrypt, tls12_aes256cbc_sha256_etm, kTls12Aes256Sha256Etm)->Arg(1024)->Arg(16384);

}  // namespace
