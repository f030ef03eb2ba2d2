// Shared pieces of the RecordCipher implementations (record_cipher*.cpp): RAII holders for OpenSSL
// objects, cipher fetching, the record MAC (HMAC or SSL 3.0's MAC), and the per-mode factories.
// Not part of the public API.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/crypto/record_cipher.h"

namespace tlslens::crypto::detail {

struct CipherDeleter {
  void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
};
struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
struct MdDeleter {
  void operator()(EVP_MD* m) const { EVP_MD_free(m); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherDeleter>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;
using MdPtr = std::unique_ptr<EVP_MD, MdDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// The largest fragment decrypt() accepts (a TLS record body is at most 2^14 + 2048 bytes; far beyond
// that the int lengths of the EVP interface would be at risk).
inline constexpr size_t kMaxFragment = 1u << 20;
inline constexpr size_t kMaxMacLength = 48;  // SHA-384
inline constexpr size_t kMaxBlockSize = 16;
inline constexpr size_t kMaxTagLength = 16;
inline constexpr size_t kAeadNonceLength = 12;

// Fetches the EVP cipher for the suite's bulk cipher (loading the default and legacy providers on first
// use). nullptr with a reason in `error` when there is none or OpenSSL lacks it.
CipherPtr fetch_cipher(tls::BulkCipher cipher, std::string& error);

// Drops whatever OpenSSL left on this thread's error queue (a failed tag check or fetch), so that
// unrelated callers later do not see our failures.
void clear_openssl_errors();

// Big-endian 64-bit sequence number into out[0..8).
void put_sequence(uint64_t sequence, uint8_t* out);

// The MAC of a record: HMAC (TLS 1.0 on) or the SSL 3.0 MAC (RFC 6101 5.2.3.1) over
// seq_num + type (+ version, TLS only) + length + content.
class RecordMac {
 public:
  RecordMac() = default;
  ~RecordMac();
  RecordMac(const RecordMac&) = delete;
  RecordMac& operator=(const RecordMac&) = delete;

  // False with a reason when the digest is unavailable or the algorithm has no form for `ssl3`.
  bool init(tls::MacAlgorithm algorithm, bool ssl3, Bytes key, std::string& error);
  bool set_key(Bytes key);  // a new key for the same algorithm
  size_t size() const { return size_; }
  // True when `received` (size() bytes) is the MAC of `content`, compared in constant time.
  bool verify(uint64_t sequence, uint8_t type, uint16_t version, Bytes content, Bytes received);

 private:
  bool compute(uint64_t sequence, uint8_t type, uint16_t version, Bytes content, uint8_t* out);
  bool compute_ssl3(uint64_t sequence, uint8_t type, Bytes content, uint8_t* out);

  size_t size_ = 0;
  bool ssl3_ = false;
  MacCtxPtr hmac_;
  // SSL 3.0: the digest and the MAC secret, which its construction hashes directly.
  MdPtr md_;
  MdCtxPtr md_ctx_;
  std::array<uint8_t, kMaxMacLength> secret_{};
  size_t secret_length_ = 0;
};

std::unique_ptr<RecordCipher> make_aead_cipher(const tls::CipherSuiteInfo& suite, uint16_t version,
                                               const DirectionKeys& keys, std::string& error);
std::unique_ptr<RecordCipher> make_cbc_cipher(const tls::CipherSuiteInfo& suite, uint16_t version,
                                              bool encrypt_then_mac, const DirectionKeys& keys, std::string& error);
// RC4 and NULL encryption (with a MAC, or none at all for TLS_NULL_WITH_NULL_NULL).
std::unique_ptr<RecordCipher> make_stream_cipher(const tls::CipherSuiteInfo& suite, uint16_t version,
                                                 const DirectionKeys& keys, std::string& error);

}  // namespace tlslens::crypto::detail
