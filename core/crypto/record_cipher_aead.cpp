// AEAD record protection: GCM, CCM, CCM_8 and ChaCha20-Poly1305 (and ARIA-GCM), TLS 1.2 and TLS 1.3.
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "core/crypto/record_cipher_internal.h"

namespace tlslens::crypto::detail {
namespace {

constexpr uint16_t kTls13 = 0x0304;

bool is_ccm(tls::BulkCipher c) {
  using C = tls::BulkCipher;
  return c == C::AES_128_CCM || c == C::AES_256_CCM || c == C::AES_128_CCM_8 || c == C::AES_256_CCM_8 ||
         c == C::SM4_CCM;
}

class AeadRecordCipher final : public RecordCipher {
 public:
  AeadRecordCipher(const tls::CipherSuiteInfo& suite, uint16_t version)
      : RecordCipher(suite, version),
        tls13_(version == kTls13),
        ccm_(is_ccm(suite.cipher)),
        tag_length_(suite.tag_length),
        explicit_nonce_length_(version == kTls13 ? 0 : suite.record_iv_length),
        fixed_iv_length_(suite.iv_length) {}

  ~AeadRecordCipher() override { OPENSSL_cleanse(fixed_iv_.data(), fixed_iv_.size()); }

  bool init(const DirectionKeys& keys, std::string& error) {
    if (tag_length_ == 0 || tag_length_ > kMaxTagLength ||
        explicit_nonce_length_ + fixed_iv_length_ != kAeadNonceLength) {
      error = fmt::format("{}: unsupported nonce or tag layout", suite().name);
      return false;
    }
    CipherPtr cipher = fetch_cipher(suite().cipher, error);
    if (!cipher) return false;
    ctx_.reset(EVP_CIPHER_CTX_new());
    if (!ctx_ || EVP_CipherInit_ex2(ctx_.get(), cipher.get(), nullptr, nullptr, 0, nullptr) != 1) {
      error = fmt::format("{}: OpenSSL could not set up {}", suite().name, EVP_CIPHER_get0_name(cipher.get()));
      return false;
    }
    // CCM fixes the nonce length (hence its length field, L = 15 - 12) and the tag length before
    // the key; GCM and ChaCha20-Poly1305 default to a 12-byte nonce.
    if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(kAeadNonceLength), nullptr) != 1 ||
        (ccm_ && EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_length_), nullptr) != 1)) {
      error = fmt::format("{}: OpenSSL rejected the nonce or tag length", suite().name);
      return false;
    }
    if (!install_keys(keys)) {
      error = fmt::format("{}: OpenSSL rejected the key", suite().name);
      return false;
    }
    return true;
  }

 protected:
  bool install_keys(const DirectionKeys& keys) override {
    std::copy(keys.iv.begin(), keys.iv.end(), fixed_iv_.begin());
    return EVP_CipherInit_ex2(ctx_.get(), nullptr, keys.key.data(), nullptr, 0, nullptr) == 1;
  }

  DecryptStatus open(uint64_t sequence, uint8_t content_type, uint16_t version, Bytes fragment,
                     std::vector<uint8_t>& plaintext) override {
    if (fragment.size() < explicit_nonce_length_ + tag_length_) return DecryptStatus::too_short;
    const Bytes ciphertext =
        fragment.subspan(explicit_nonce_length_, fragment.size() - explicit_nonce_length_ - tag_length_);
    const Bytes received_tag = fragment.last(tag_length_);

    std::array<uint8_t, kAeadNonceLength> nonce{};
    if (explicit_nonce_length_ > 0) {
      // TLS 1.2 GCM/CCM (RFC 5288 3, RFC 6655 3): salt + the record's explicit nonce.
      std::copy_n(fixed_iv_.begin(), fixed_iv_length_, nonce.begin());
      std::copy_n(fragment.begin(), explicit_nonce_length_, nonce.begin() + fixed_iv_length_);
    } else {
      // TLS 1.3 (RFC 8446 5.3) and ChaCha20-Poly1305 in TLS 1.2 (RFC 7905 2): iv XOR the sequence
      // number, left-padded with zeros.
      uint8_t padded[8];
      put_sequence(sequence, padded);
      nonce = fixed_iv_;
      for (size_t i = 0; i < 8; ++i) nonce[kAeadNonceLength - 8 + i] ^= padded[i];
    }

    uint8_t aad[13];
    size_t aad_length;
    if (tls13_) {
      // The record header as sent: opaque_type, legacy_record_version, length of the ciphertext.
      aad[0] = content_type;
      aad[1] = static_cast<uint8_t>(version >> 8);
      aad[2] = static_cast<uint8_t>(version);
      aad[3] = static_cast<uint8_t>(fragment.size() >> 8);
      aad[4] = static_cast<uint8_t>(fragment.size());
      aad_length = 5;
    } else {
      // seq_num + type + version + length of the plaintext (RFC 5246 6.2.3.3).
      put_sequence(sequence, aad);
      aad[8] = content_type;
      aad[9] = static_cast<uint8_t>(version >> 8);
      aad[10] = static_cast<uint8_t>(version);
      aad[11] = static_cast<uint8_t>(ciphertext.size() >> 8);
      aad[12] = static_cast<uint8_t>(ciphertext.size());
      aad_length = 13;
    }

    // OpenSSL takes the expected tag through a non-const pointer.
    std::array<uint8_t, kMaxTagLength> tag{};
    std::copy(received_tag.begin(), received_tag.end(), tag.begin());
    plaintext.resize(ciphertext.size());
    // EVP wants real pointers even for empty input and output.
    uint8_t empty = 0;
    uint8_t* out = plaintext.empty() ? &empty : plaintext.data();
    const uint8_t* in = ciphertext.empty() ? &empty : ciphertext.data();
    const int length = static_cast<int>(ciphertext.size());
    EVP_CIPHER_CTX* ctx = ctx_.get();
    int written = 0;
    bool ok;
    if (ccm_) {
      // CCM: tag and total length first; the single update that decrypts also checks the tag.
      ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_length_), tag.data()) == 1 &&
           EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 0, nullptr) == 1 &&
           EVP_CipherUpdate(ctx, nullptr, &written, nullptr, length) == 1 &&
           EVP_CipherUpdate(ctx, nullptr, &written, aad, static_cast<int>(aad_length)) == 1 &&
           EVP_CipherUpdate(ctx, out, &written, in, length) == 1;
    } else {
      int final_written = 0;
      ok = EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 0, nullptr) == 1 &&
           EVP_CipherUpdate(ctx, nullptr, &written, aad, static_cast<int>(aad_length)) == 1 &&
           (length == 0 || EVP_CipherUpdate(ctx, out, &written, in, length) == 1) &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_length_), tag.data()) == 1 &&
           EVP_CipherFinal_ex(ctx, out + (length == 0 ? 0 : written), &final_written) == 1;
    }
    return ok ? DecryptStatus::ok : DecryptStatus::bad_record_mac;
  }

 private:
  const bool tls13_;
  const bool ccm_;
  const size_t tag_length_;
  const size_t explicit_nonce_length_;  // 8 for TLS 1.2 GCM/CCM, else 0
  const size_t fixed_iv_length_;        // 4 (salt) or 12
  std::array<uint8_t, kAeadNonceLength> fixed_iv_{};
  CipherCtxPtr ctx_;
};

}  // namespace

std::unique_ptr<RecordCipher> make_aead_cipher(const tls::CipherSuiteInfo& suite, uint16_t version,
                                               const DirectionKeys& keys, std::string& error) {
  using C = tls::BulkCipher;
  switch (suite.cipher) {
    case C::CHACHA20_POLY1305_OLD:
      error = fmt::format("{}: the pre-RFC 7905 ChaCha20-Poly1305 construction is not supported", suite.name);
      return nullptr;
    case C::NULL_HMAC_SHA256:
    case C::NULL_HMAC_SHA384:
      error = fmt::format("{}: RFC 9150 integrity-only suites are not supported", suite.name);
      return nullptr;
    case C::KUZNYECHIK_MGM:
    case C::MAGMA_MGM:
    case C::AEGIS_128L:
    case C::AEGIS_256:
      error = fmt::format("{}: {} is not supported by OpenSSL", suite.name, to_string(suite.cipher));
      return nullptr;
    default:
      break;
  }
  auto cipher = std::make_unique<AeadRecordCipher>(suite, version);
  if (!cipher->init(keys, error)) return nullptr;
  return cipher;
}

}  // namespace tlslens::crypto::detail
