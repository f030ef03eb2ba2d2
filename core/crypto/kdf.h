// Key derivation for decryption: the SSL 3.0 and TLS 1.0-1.2 key expansion, and the TLS 1.3
// key schedule.
//
// What is here: pure functions from secrets and handshake values to secrets and keys, plus
// an incremental transcript hash. Nothing here parses wire bytes or keeps connection state;
// the session decides which function to call with what.
//
// How it is built: OpenSSL 3 does the cryptography: hashes are EVP_Digest*, HMAC is EVP_MAC.
// The TLS 1.0-1.2 PRF (P_hash, RFC 5246 5; P_MD5 XOR P_SHA-1 for TLS 1.0/1.1) and HKDF
// (RFC 5869, with TLS 1.3's HkdfLabel) are the RFCs' short HMAC loops, written here over one
// HMAC context per thread and digest: OpenSSL's own TLS1-PRF, HKDF and TLS13-KDF fetch the
// digest by name on every derivation, under a lock, which was most of a handshake's key
// schedule and a lock worker threads contend for. SSL 3.0's construction (RFC 6101 6.1 and
// 6.2.2) is built from MD5 and SHA-1 digests exactly as the RFC writes it. RFC and published
// vectors for all of them are in tests/data/kdf.
//
// Failure: every function that returns bytes returns an empty vector when it cannot derive
// (an OpenSSL failure, an unsupported hash, a length the construction cannot produce).
// Callers treat empty as "cannot derive" and carry on without decryption. Functions never
// throw for bad input and never abort.
//
// Secrets: intermediate values are wiped (OPENSSL_cleanse) before they are released; the
// returned vectors belong to the caller, who wipes them when done.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/util/reader.h"

namespace tlslens::tls {
struct CipherSuiteInfo;
}

namespace tlslens::crypto {

// ---------------------------------------------------------------------------------------
// SSL 3.0 and TLS 1.0-1.2

// Protocol versions as they appear on the wire.
inline constexpr uint16_t kSsl30 = 0x0300;
inline constexpr uint16_t kTls10 = 0x0301;
inline constexpr uint16_t kTls11 = 0x0302;
inline constexpr uint16_t kTls12 = 0x0303;
inline constexpr uint16_t kTls13 = 0x0304;
inline constexpr uint16_t kDtls10 = 0xFEFF;
inline constexpr uint16_t kDtls12 = 0xFEFD;

// The PRF's hash. md5_sha1 is the TLS 1.0/1.1 PRF (P_MD5 xor P_SHA-1, RFC 2246 5); sha256 and
// sha384 are the TLS 1.2 PRF (RFC 5246 5) with that hash. `unsupported` stands for a PRF
// OpenSSL cannot compute here (the GOST and SM3 suites): every derivation given it returns
// empty.
enum class PrfHash : uint8_t { md5_sha1, sha256, sha384, unsupported };

std::string_view to_string(PrfHash);

// The PRF hash a connection uses: md5_sha1 for TLS 1.0, TLS 1.1 and DTLS 1.0 whatever the
// suite; the suite's PRF hash for TLS 1.2 and DTLS 1.2 (SHA-256 for every suite defined
// before TLS 1.2). For SSL 3.0 it returns md5_sha1 too, which the SSL 3.0 constructions
// ignore. `unsupported` for a version this module does not derive keys for (TLS 1.3 uses the
// key schedule below) and for suites whose PRF is not SHA-256/SHA-384.
PrfHash prf_hash_for(uint16_t version, const tls::CipherSuiteInfo& suite);

// PRF(secret, label, seed)[0..length) (RFC 2246 5, RFC 5246 5). OpenSSL bounds label + seed
// to 1024 bytes, far above what TLS uses.
std::vector<uint8_t> tls_prf(PrfHash hash, Bytes secret, std::string_view label, Bytes seed, size_t length);

// The 48-byte master secret. SSL 3.0 (version 0x0300) uses RFC 6101 6.1:
//   MD5(pre + SHA1("A" + pre + client_random + server_random)) + ... "BB" ... "CCC";
// every other version PRF(premaster, "master secret", client_random + server_random, 48).
std::vector<uint8_t> master_secret(uint16_t version, PrfHash hash, Bytes premaster, Bytes client_random,
                                   Bytes server_random);

// RFC 7627: PRF(premaster, "extended master secret", session_hash, 48), where session_hash
// is the hash of the handshake messages up to and including ClientKeyExchange (the PRF hash
// for TLS 1.2, MD5 || SHA-1 for TLS 1.0/1.1: see TranscriptHash). Not defined for SSL 3.0.
std::vector<uint8_t> extended_master_secret(PrfHash hash, Bytes premaster, Bytes session_hash);

// `length` bytes of key block. SSL 3.0 uses RFC 6101 6.2.2:
//   MD5(master + SHA1("A" + master + server_random + client_random)) + ... "BB" ...
// (at most 26 rounds, 416 bytes); every other version
// PRF(master, "key expansion", server_random + client_random, length). Note the order of the
// randoms: server first, unlike the master secret.
std::vector<uint8_t> key_block(uint16_t version, PrfHash hash, Bytes master, Bytes server_random, Bytes client_random,
                               size_t length);

// The key block's fields in RFC 5246 6.3 order. For AEAD suites mac_length is 0 and the IVs
// are the implicit nonce parts (4 bytes for GCM/CCM, 12 for ChaCha20-Poly1305).
struct KeyBlockParts {
  std::vector<uint8_t> client_mac, server_mac;
  std::vector<uint8_t> client_key, server_key;
  std::vector<uint8_t> client_iv, server_iv;
};

// Bytes of key block a suite consumes.
constexpr size_t key_block_length(size_t mac_length, size_t key_length, size_t iv_length) {
  return 2 * (mac_length + key_length + iv_length);
}

// Cuts a key block into its six fields. Every field is empty when the block is shorter than
// key_block_length(mac_length, key_length, iv_length); bytes beyond that are ignored.
KeyBlockParts split_key_block(Bytes block, size_t mac_length, size_t key_length, size_t iv_length);

// The final keys and IVs of an EXPORT suite, from the parts split with the suite's
// key_material_length as the key length. Export suites take no IVs from the key block: any
// IVs in `parts` are ignored (splitting with the suite's IV length is harmless, since the
// fields before them do not change), and the IVs are derived from the randoms instead. The
// MAC keys are copied through.
//   SSL 3.0 (RFC 6101 6.2.2):
//     final_client_write_key = MD5(client_write_key + client_random + server_random)
//     final_server_write_key = MD5(server_write_key + server_random + client_random)
//     client_write_IV = MD5(client_random + server_random)
//     server_write_IV = MD5(server_random + client_random)
//   TLS 1.0 (RFC 2246 6.3), with the PRF of `hash`:
//     final_client_write_key = PRF(client_write_key, "client write key", client_random + server_random)
//     final_server_write_key = PRF(server_write_key, "server write key", client_random + server_random)
//     IVs: PRF("", "IV block", client_random + server_random), client's then server's
// each cut to final_key_length / iv_length bytes (iv_length 0 for stream ciphers: no IVs).
// Every field is empty on failure (SSL 3.0 cannot produce more than 16 bytes).
KeyBlockParts export_keys(uint16_t version, PrfHash hash, const KeyBlockParts& parts, Bytes client_random,
                          Bytes server_random, size_t final_key_length, size_t iv_length);

// ---------------------------------------------------------------------------------------
// TLS 1.3 (RFC 8446 7)

// The hash of a TLS 1.3 suite's HKDF.
enum class Hash : uint8_t { sha256, sha384 };

std::string_view to_string(Hash);
// 32 or 48.
size_t hash_length(Hash);
// The HKDF hash of a TLS 1.3 suite; false (out untouched) for a suite that is not TLS 1.3 or
// whose hash is neither SHA-256 nor SHA-384 (SM3, GOST).
bool tls13_hash_for(const tls::CipherSuiteInfo& suite, Hash& out);

// The labels of RFC 8446 7.1 (without the "tls13 " prefix that HKDF-Expand-Label adds).
namespace tls13_label {
inline constexpr std::string_view derived = "derived";
inline constexpr std::string_view external_binder = "ext binder";
inline constexpr std::string_view resumption_binder = "res binder";
inline constexpr std::string_view client_early_traffic = "c e traffic";
inline constexpr std::string_view early_exporter_master = "e exp master";
inline constexpr std::string_view client_handshake_traffic = "c hs traffic";
inline constexpr std::string_view server_handshake_traffic = "s hs traffic";
inline constexpr std::string_view client_application_traffic = "c ap traffic";
inline constexpr std::string_view server_application_traffic = "s ap traffic";
inline constexpr std::string_view exporter_master = "exp master";
inline constexpr std::string_view resumption_master = "res master";
inline constexpr std::string_view key = "key";
inline constexpr std::string_view iv = "iv";
inline constexpr std::string_view finished = "finished";
inline constexpr std::string_view traffic_update = "traffic upd";
inline constexpr std::string_view resumption = "resumption";
}  // namespace tls13_label

// HKDF-Extract(salt, IKM) (RFC 5869 2.2); an empty salt means HashLen zero bytes.
std::vector<uint8_t> hkdf_extract(Hash hash, Bytes salt, Bytes ikm);

// HKDF-Expand-Label(secret, label, context, length) (RFC 8446 7.1); `label` without the
// "tls13 " prefix. Empty when the label would exceed 255 bytes with the prefix, the context
// 255 bytes, or length 65535.
std::vector<uint8_t> hkdf_expand_label(Hash hash, Bytes secret, std::string_view label, Bytes context, size_t length);

// Derive-Secret(secret, label, messages) given Transcript-Hash(messages):
// HKDF-Expand-Label(secret, label, transcript_hash, Hash.length).
std::vector<uint8_t> derive_secret(Hash hash, Bytes secret, std::string_view label, Bytes transcript_hash);

// The three stages of the schedule. An empty psk means no PSK (HashLen zero bytes); an empty
// shared_secret means no (EC)DHE (psk_ke mode, HashLen zero bytes).
//   early     = HKDF-Extract(0, PSK)
//   handshake = HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE)
//   master    = HKDF-Extract(Derive-Secret(handshake, "derived", ""), 0)
std::vector<uint8_t> tls13_early_secret(Hash hash, Bytes psk);
std::vector<uint8_t> tls13_handshake_secret(Hash hash, Bytes early_secret, Bytes shared_secret);
std::vector<uint8_t> tls13_master_secret(Hash hash, Bytes handshake_secret);

// Record protection keys from a traffic secret (RFC 8446 7.3):
// key = HKDF-Expand-Label(secret, "key", "", key_length),
// iv  = HKDF-Expand-Label(secret, "iv", "", iv_length). Both empty on failure.
struct TrafficKey {
  std::vector<uint8_t> key, iv;
};
TrafficKey traffic_key(Hash hash, Bytes traffic_secret, size_t key_length, size_t iv_length = 12);

// application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length)
// (RFC 8446 7.2, after a KeyUpdate).
std::vector<uint8_t> next_traffic_secret(Hash hash, Bytes secret);

// finished_key = HKDF-Expand-Label(base_key, "finished", "", Hash.length) (RFC 8446 4.4.4);
// base_key is a handshake traffic secret, or a binder key for a PSK binder.
std::vector<uint8_t> finished_key(Hash hash, Bytes base_key);
// verify_data = HMAC(finished_key(base_key), transcript_hash): a Finished message's body, or
// a PSK binder when base_key is a binder key and transcript_hash covers the truncated
// ClientHello.
std::vector<uint8_t> finished_verify_data(Hash hash, Bytes base_key, Bytes transcript_hash);

// The PSK a NewSessionTicket establishes (RFC 8446 4.6.1):
// HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
std::vector<uint8_t> resumption_psk(Hash hash, Bytes resumption_master_secret, Bytes ticket_nonce);

// Hash(data) with the suite's hash.
std::vector<uint8_t> transcript_hash(Hash hash, Bytes data);

// ---------------------------------------------------------------------------------------
// Running hash of handshake messages

// The hash of the handshake messages seen so far, readable at any point without ending it:
// the TLS 1.3 transcript (Derive-Secret contexts, Finished, CertificateVerify) and the
// RFC 7627 session hash. Built for PrfHash::md5_sha1 it yields the 36-byte MD5 || SHA-1
// concatenation of TLS 1.0/1.1; for sha256/sha384 that hash. It can also be built from any
// OpenSSL digest name ("SHA512", "SHA1", ...).
//
// A TranscriptHash that could not be set up (unknown digest, PrfHash::unsupported, an
// OpenSSL failure) is not valid(): update() does nothing and current() returns empty. It
// can be copied (to fork the transcript) and moved.
class TranscriptHash {
 public:
  explicit TranscriptHash(Hash hash);
  explicit TranscriptHash(PrfHash hash);
  explicit TranscriptHash(std::string_view openssl_digest_name);
  TranscriptHash(const TranscriptHash& other);
  TranscriptHash& operator=(const TranscriptHash& other);
  TranscriptHash(TranscriptHash&&) noexcept;
  TranscriptHash& operator=(TranscriptHash&&) noexcept;
  ~TranscriptHash();

  bool valid() const { return ctx_ != nullptr; }
  // Digest output size in bytes; 0 when not valid.
  size_t length() const;

  void update(Bytes data);
  // The hash of everything passed to update() so far; the running state is unchanged.
  std::vector<uint8_t> current() const;

  // RFC 8446 4.4.1, after a HelloRetryRequest: the transcript so far (ClientHello1) is
  // replaced by the synthetic message_hash message
  //   handshake type 254 || 00 00 Hash.length || Hash(ClientHello1)
  // and hashing continues from there (with the HelloRetryRequest itself next).
  void restart_with_message_hash();

 private:
  struct Deleter {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  std::unique_ptr<EVP_MD_CTX, Deleter> ctx_;
};

}  // namespace tlslens::crypto
