// RecordCipher: creation and checks common to every mode, the sequence number and TLS 1.3's inner
// content type, cipher fetching, and the record MAC. The modes live in record_cipher_aead.cpp,
// record_cipher_cbc.cpp and record_cipher_stream.cpp.
#include "core/crypto/record_cipher.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>

#include "core/crypto/algorithms.h"
#include "core/crypto/providers.h"
#include "core/crypto/record_cipher_internal.h"

namespace tlslens::crypto {

std::string_view to_string(DecryptStatus status) {
  switch (status) {
    case DecryptStatus::ok:
      return "ok";
    case DecryptStatus::bad_record_mac:
      return "bad_record_mac";
    case DecryptStatus::bad_padding:
      return "bad_padding";
    case DecryptStatus::too_short:
      return "too_short";
    case DecryptStatus::unsupported:
      return "unsupported";
  }
  return "unknown";
}

namespace {

constexpr uint16_t kSsl30 = 0x0300;
constexpr uint16_t kTls11 = 0x0302;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;

// Whether `keys` has the sizes the suite takes from the key block (or the TLS 1.3 key schedule).
bool check_key_sizes(const tls::CipherSuiteInfo& suite, uint16_t version, const DirectionKeys& keys,
                     std::string& error) {
  if (keys.key.size() != suite.key_length) {
    error = fmt::format("{}: key is {} bytes, the suite needs {}", suite.name, keys.key.size(), suite.key_length);
    return false;
  }
  if (suite.mode != tls::CipherMode::AEAD && keys.mac_key.size() != suite.mac_key_length) {
    error = fmt::format("{}: MAC key is {} bytes, the suite needs {}", suite.name, keys.mac_key.size(),
                        suite.mac_key_length);
    return false;
  }
  size_t iv_needed = 0;
  bool iv_used = false;
  if (suite.mode == tls::CipherMode::AEAD) {
    iv_needed = suite.iv_length;
    iv_used = true;
  } else if (suite.mode == tls::CipherMode::CBC && version < kTls11) {
    iv_needed = suite.block_size;  // the first IV of the chain
    iv_used = true;
  }
  if (iv_used && keys.iv.size() != iv_needed) {
    error = fmt::format("{}: IV is {} bytes, the suite needs {}", suite.name, keys.iv.size(), iv_needed);
    return false;
  }
  return true;
}

bool check_version(const tls::CipherSuiteInfo& suite, uint16_t version, std::string& error) {
  if (version < kSsl30 || version > kTls13) {
    error = fmt::format("protocol version 0x{:04x} is not SSL 3.0 to TLS 1.3", version);
    return false;
  }
  if (suite.scsv) {
    error = fmt::format("{} is a signalling value, not a cipher suite", suite.name);
    return false;
  }
  if (suite.tls13 != (version == kTls13)) {
    error = suite.tls13 ? fmt::format("{} is a TLS 1.3 suite but the version is 0x{:04x}", suite.name, version)
                        : fmt::format("{} cannot protect TLS 1.3 records", suite.name);
    return false;
  }
  if (suite.mode == tls::CipherMode::AEAD && version < kTls12) {
    error = fmt::format("{} is an AEAD suite, which needs TLS 1.2 or later (version 0x{:04x})", suite.name, version);
    return false;
  }
  if (version == kSsl30 && suite.mac != tls::MacAlgorithm::HMAC_MD5 && suite.mac != tls::MacAlgorithm::HMAC_SHA1 &&
      suite.mac != tls::MacAlgorithm::Null) {
    error = fmt::format("{}: SSL 3.0 has a MAC only for MD5 and SHA-1", suite.name);
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<RecordCipher> RecordCipher::create(const tls::CipherSuiteInfo& suite, uint16_t version,
                                                   bool encrypt_then_mac, const DirectionKeys& keys,
                                                   std::string& error) {
  error.clear();
  if (!check_version(suite, version, error) || !check_key_sizes(suite, version, keys, error)) return nullptr;
  std::unique_ptr<RecordCipher> cipher;
  switch (suite.mode) {
    case tls::CipherMode::AEAD:
      cipher = detail::make_aead_cipher(suite, version, keys, error);
      break;
    case tls::CipherMode::CBC:
      cipher = detail::make_cbc_cipher(suite, version, encrypt_then_mac, keys, error);
      break;
    case tls::CipherMode::Stream:
    case tls::CipherMode::Null:
      cipher = detail::make_stream_cipher(suite, version, keys, error);
      break;
    case tls::CipherMode::CTR:
      error = fmt::format("{}: {} is not supported (OpenSSL has no GOST ciphers)", suite.name, to_string(suite.cipher));
      break;
  }
  detail::clear_openssl_errors();
  if (!cipher && error.empty()) error = fmt::format("{}: OpenSSL could not set up the cipher", suite.name);
  return cipher;
}

RecordCipher::~RecordCipher() = default;

DecryptStatus RecordCipher::decrypt(uint8_t content_type, uint16_t version, Bytes fragment,
                                    std::vector<uint8_t>& plaintext, uint8_t& inner_content_type) {
  inner_content_type = content_type;
  plaintext.clear();
  const uint64_t sequence = sequence_++;
  DecryptStatus status = DecryptStatus::unsupported;
  if (usable_) {
    status = fragment.size() > detail::kMaxFragment ? DecryptStatus::bad_record_mac
                                                    : open(sequence, content_type, version, fragment, plaintext);
  }
  if (status == DecryptStatus::ok && version_ == kTls13) {
    // TLSInnerPlaintext: content, the content type, then zero padding (RFC 8446 5.4).
    auto last = std::find_if(plaintext.rbegin(), plaintext.rend(), [](uint8_t b) { return b != 0; });
    if (last == plaintext.rend()) {
      status = DecryptStatus::bad_padding;  // no content type at all
    } else {
      inner_content_type = *last;
      plaintext.resize(static_cast<size_t>(plaintext.rend() - last) - 1);
    }
  }
  if (status != DecryptStatus::ok) {
    plaintext.clear();
    detail::clear_openssl_errors();
  }
  return status;
}

void RecordCipher::skip_record(std::optional<size_t> fragment_length) {
  if (usable_) skipped(fragment_length);
  ++sequence_;
}

bool RecordCipher::rekey(const DirectionKeys& keys) {
  std::string error;
  usable_ = check_key_sizes(suite_, version_, keys, error) && install_keys(keys);
  sequence_ = 0;
  detail::clear_openssl_errors();
  return usable_;
}

namespace detail {

void clear_openssl_errors() {
  ERR_clear_error();
}

void put_sequence(uint64_t sequence, uint8_t* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(sequence);
    sequence >>= 8;
  }
}

namespace {

const char* evp_cipher_name(tls::BulkCipher cipher) {
  using C = tls::BulkCipher;
  switch (cipher) {
    case C::AES_128_GCM:
      return "AES-128-GCM";
    case C::AES_256_GCM:
      return "AES-256-GCM";
    case C::AES_128_CCM:
    case C::AES_128_CCM_8:
      return "AES-128-CCM";
    case C::AES_256_CCM:
    case C::AES_256_CCM_8:
      return "AES-256-CCM";
    case C::ARIA_128_GCM:
      return "ARIA-128-GCM";
    case C::ARIA_256_GCM:
      return "ARIA-256-GCM";
    case C::CAMELLIA_128_GCM:
      return "CAMELLIA-128-GCM";  // not in OpenSSL 3.0: fetching fails
    case C::CAMELLIA_256_GCM:
      return "CAMELLIA-256-GCM";
    case C::CHACHA20_POLY1305:
      return "ChaCha20-Poly1305";
    case C::SM4_GCM:
      return "SM4-GCM";
    case C::SM4_CCM:
      return "SM4-CCM";
    case C::AES_128_CBC:
      return "AES-128-CBC";
    case C::AES_256_CBC:
      return "AES-256-CBC";
    case C::CAMELLIA_128_CBC:
      return "CAMELLIA-128-CBC";
    case C::CAMELLIA_256_CBC:
      return "CAMELLIA-256-CBC";
    case C::ARIA_128_CBC:
      return "ARIA-128-CBC";
    case C::ARIA_256_CBC:
      return "ARIA-256-CBC";
    case C::SEED_CBC:
      return "SEED-CBC";
    case C::IDEA_CBC:
      return "IDEA-CBC";
    case C::DES40_CBC:  // an export key expanded to 8 bytes
    case C::DES_CBC:
      return "DES-CBC";
    case C::DES_EDE3_CBC:
      return "DES-EDE3-CBC";
    case C::RC2_CBC_40:  // export keys expanded to 16 bytes: plain RC2 with 128 effective bits
    case C::RC2_CBC_56:
    case C::RC2_CBC_128:
      return "RC2-CBC";
    case C::RC4_40:
    case C::RC4_56:
    case C::RC4_64:
    case C::RC4_128:
      return "RC4";
    default:
      return nullptr;
  }
}

bool in_legacy_provider(tls::BulkCipher cipher) {
  using C = tls::BulkCipher;
  switch (cipher) {
    case C::RC4_40:
    case C::RC4_56:
    case C::RC4_64:
    case C::RC4_128:
    case C::RC2_CBC_40:
    case C::RC2_CBC_56:
    case C::RC2_CBC_128:
    case C::IDEA_CBC:
    case C::SEED_CBC:
    case C::DES40_CBC:
    case C::DES_CBC:
      return true;
    default:
      return false;
  }
}

const char* digest_name(tls::MacAlgorithm mac) {
  switch (mac) {
    case tls::MacAlgorithm::HMAC_MD5:
      return "MD5";
    case tls::MacAlgorithm::HMAC_SHA1:
      return "SHA1";
    case tls::MacAlgorithm::HMAC_SHA256:
      return "SHA256";
    case tls::MacAlgorithm::HMAC_SHA384:
      return "SHA384";
    default:
      return nullptr;
  }
}

}  // namespace

CipherPtr fetch_cipher(tls::BulkCipher cipher, std::string& error) {
  const char* name = evp_cipher_name(cipher);
  if (name == nullptr) {
    error = fmt::format("the {} cipher is not supported", to_string(cipher));
    return nullptr;
  }
  // Shared with every other connection (fetched once per process); this pointer holds its own
  // reference. EVP_CIPHER_up_ref only fails for a null cipher.
  const EVP_CIPHER* shared = fetched_cipher(name);
  CipherPtr fetched;
  if (shared != nullptr && EVP_CIPHER_up_ref(const_cast<EVP_CIPHER*>(shared)) == 1) {
    fetched.reset(const_cast<EVP_CIPHER*>(shared));
  }
  if (!fetched) {
    clear_openssl_errors();
    if (in_legacy_provider(cipher) && !legacy_provider_available()) {
      error = fmt::format("{} needs OpenSSL's legacy provider, which could not be loaded", name);
    } else {
      error = fmt::format("OpenSSL does not provide {}", name);
    }
  }
  return fetched;
}

// ---------------------------------------------------------------------------------------------
// RecordMac

RecordMac::~RecordMac() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

bool RecordMac::init(tls::MacAlgorithm algorithm, bool ssl3, Bytes key, std::string& error) {
  const char* digest = digest_name(algorithm);
  if (digest == nullptr) {
    error = fmt::format("MAC {} is not supported", to_string(algorithm));
    return false;
  }
  load_crypto_providers();
  ssl3_ = ssl3;
  if (ssl3) {
    const EVP_MD* shared = fetched_digest(digest);
    if (shared != nullptr && EVP_MD_up_ref(const_cast<EVP_MD*>(shared)) == 1) md_.reset(const_cast<EVP_MD*>(shared));
    md_ctx_.reset(EVP_MD_CTX_new());
    if (!md_ || !md_ctx_) {
      error = fmt::format("OpenSSL does not provide {} for the SSL 3.0 MAC", digest);
      return false;
    }
    size_ = static_cast<size_t>(EVP_MD_get_size(md_.get()));
  } else {
    if (fetched_mac("HMAC") == nullptr) {
      error = "OpenSSL does not provide HMAC";
      return false;
    }
    hmac_.reset(new_hmac_context(digest));
    if (!hmac_) {
      error = fmt::format("OpenSSL does not provide HMAC-{}", digest);
      return false;
    }
  }
  if (!set_key(key)) {
    error = fmt::format("OpenSSL rejected the {} MAC key", digest);
    return false;
  }
  if (!ssl3) size_ = EVP_MAC_CTX_get_mac_size(hmac_.get());  // known once the key is set
  if (size_ == 0 || size_ > kMaxMacLength) {
    error = fmt::format("unexpected MAC size {}", size_);
    return false;
  }
  return true;
}

bool RecordMac::set_key(Bytes key) {
  if (ssl3_) {
    if (key.size() > secret_.size()) return false;
    OPENSSL_cleanse(secret_.data(), secret_.size());
    std::copy(key.begin(), key.end(), secret_.begin());
    secret_length_ = key.size();
    return true;
  }
  // An empty key is legal HMAC input, but OpenSSL wants a non-null pointer for it.
  static const uint8_t empty = 0;
  return EVP_MAC_init(hmac_.get(), key.empty() ? &empty : key.data(), key.size(), nullptr) == 1;
}

bool RecordMac::compute(uint64_t sequence, uint8_t type, uint16_t version, Bytes content, uint8_t* out) {
  if (ssl3_) return compute_ssl3(sequence, type, content, out);
  // seq_num(8) + type(1) + version(2) + length(2) (RFC 5246 6.2.3.1)
  uint8_t header[13];
  put_sequence(sequence, header);
  header[8] = type;
  header[9] = static_cast<uint8_t>(version >> 8);
  header[10] = static_cast<uint8_t>(version);
  header[11] = static_cast<uint8_t>(content.size() >> 8);
  header[12] = static_cast<uint8_t>(content.size());
  size_t written = 0;
  // Re-initialising without a key restarts HMAC from the key already set.
  return EVP_MAC_init(hmac_.get(), nullptr, 0, nullptr) == 1 &&
         EVP_MAC_update(hmac_.get(), header, sizeof header) == 1 &&
         (content.empty() || EVP_MAC_update(hmac_.get(), content.data(), content.size()) == 1) &&
         EVP_MAC_final(hmac_.get(), out, &written, size_) == 1 && written == size_;
}

bool RecordMac::compute_ssl3(uint64_t sequence, uint8_t type, Bytes content, uint8_t* out) {
  // hash(secret + pad_2 + hash(secret + pad_1 + seq_num + type + length + content)), where the pads
  // are 0x36 / 0x5c repeated 48 times for MD5 and 40 times for SHA-1 (RFC 6101 5.2.3.1).
  const size_t pad_length = size_ == 16 ? 48 : 40;
  static constexpr std::array<uint8_t, 48> kPad1 = [] {
    std::array<uint8_t, 48> a{};
    a.fill(0x36);
    return a;
  }();
  static constexpr std::array<uint8_t, 48> kPad2 = [] {
    std::array<uint8_t, 48> a{};
    a.fill(0x5c);
    return a;
  }();
  uint8_t header[11];
  put_sequence(sequence, header);
  header[8] = type;
  header[9] = static_cast<uint8_t>(content.size() >> 8);
  header[10] = static_cast<uint8_t>(content.size());
  uint8_t inner[kMaxMacLength];
  unsigned int inner_length = 0;
  unsigned int outer_length = 0;
  EVP_MD_CTX* ctx = md_ctx_.get();
  return EVP_DigestInit_ex2(ctx, md_.get(), nullptr) == 1 &&
         EVP_DigestUpdate(ctx, secret_.data(), secret_length_) == 1 &&
         EVP_DigestUpdate(ctx, kPad1.data(), pad_length) == 1 && EVP_DigestUpdate(ctx, header, sizeof header) == 1 &&
         EVP_DigestUpdate(ctx, content.data(), content.size()) == 1 &&
         EVP_DigestFinal_ex(ctx, inner, &inner_length) == 1 && EVP_DigestInit_ex2(ctx, md_.get(), nullptr) == 1 &&
         EVP_DigestUpdate(ctx, secret_.data(), secret_length_) == 1 &&
         EVP_DigestUpdate(ctx, kPad2.data(), pad_length) == 1 && EVP_DigestUpdate(ctx, inner, inner_length) == 1 &&
         EVP_DigestFinal_ex(ctx, out, &outer_length) == 1 && outer_length == size_;
}

bool RecordMac::verify(uint64_t sequence, uint8_t type, uint16_t version, Bytes content, Bytes received) {
  uint8_t expected[kMaxMacLength];
  if (received.size() != size_ || !compute(sequence, type, version, content, expected)) return false;
  const bool match = CRYPTO_memcmp(expected, received.data(), size_) == 0;
  OPENSSL_cleanse(expected, sizeof expected);
  return match;
}

}  // namespace detail
}  // namespace tlslens::crypto
