// CBC record protection with HMAC or the SSL 3.0 MAC: MAC-then-encrypt and encrypt-then-MAC, explicit
// IVs (TLS 1.1 on) and IVs chained across records (SSL 3.0, TLS 1.0).
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "core/crypto/record_cipher_internal.h"

namespace tlslens::crypto::detail {
namespace {

constexpr uint16_t kSsl30 = 0x0300;
constexpr uint16_t kTls11 = 0x0302;

class CbcRecordCipher final : public RecordCipher {
 public:
  CbcRecordCipher(const tls::CipherSuiteInfo& suite, uint16_t version, bool encrypt_then_mac)
      : RecordCipher(suite, version),
        ssl3_(version == kSsl30),
        explicit_iv_(version >= kTls11),
        encrypt_then_mac_(encrypt_then_mac),
        block_(suite.block_size) {}

  ~CbcRecordCipher() override { OPENSSL_cleanse(chain_.data(), chain_.size()); }

  bool init(const DirectionKeys& keys, std::string& error) {
    if (block_ == 0 || block_ > kMaxBlockSize) {
      error = fmt::format("{}: unexpected block size {}", suite().name, block_);
      return false;
    }
    CipherPtr cipher = fetch_cipher(suite().cipher, error);
    if (!cipher) return false;
    if (static_cast<size_t>(EVP_CIPHER_get_block_size(cipher.get())) != block_ ||
        static_cast<size_t>(EVP_CIPHER_get_iv_length(cipher.get())) != block_) {
      error = fmt::format("{}: OpenSSL's {} does not have the suite's block size", suite().name,
                          EVP_CIPHER_get0_name(cipher.get()));
      return false;
    }
    if (!mac_.init(suite().mac, ssl3_, keys.mac_key, error)) return false;
    ctx_.reset(EVP_CIPHER_CTX_new());
    if (!ctx_ || EVP_CipherInit_ex2(ctx_.get(), cipher.get(), nullptr, nullptr, 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_key_length(ctx_.get(), static_cast<int>(keys.key.size())) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx_.get(), 0) != 1 || !install_keys(keys)) {
      error = fmt::format("{}: OpenSSL could not set up {} with this key", suite().name,
                          EVP_CIPHER_get0_name(cipher.get()));
      return false;
    }
    return true;
  }

  bool chain_broken() const override { return !explicit_iv_ && !chain_known_; }

 protected:
  bool install_keys(const DirectionKeys& keys) override {
    if (!explicit_iv_) {
      std::copy(keys.iv.begin(), keys.iv.end(), chain_.begin());
      chain_known_ = true;
    }
    return EVP_CipherInit_ex2(ctx_.get(), nullptr, keys.key.data(), nullptr, 0, nullptr) == 1 &&
           (!mac_.size() || mac_.set_key(keys.mac_key));
  }

  void skipped(std::optional<size_t>) override {
    // The lost record's last ciphertext block was the next IV.
    chain_known_ = false;
  }

  DecryptStatus open(uint64_t sequence, uint8_t content_type, uint16_t version, Bytes fragment,
                     std::vector<uint8_t>& plaintext) override {
    const size_t record_iv = explicit_iv_ ? block_ : 0;
    const size_t mac_length = mac_.size();
    // The ciphertext proper: after the explicit IV, before the MAC when encrypt-then-MAC.
    Bytes ciphertext;
    bool long_enough;
    if (encrypt_then_mac_) {
      long_enough = fragment.size() >= record_iv + block_ + mac_length;
      if (long_enough) ciphertext = fragment.subspan(record_iv, fragment.size() - record_iv - mac_length);
    } else {
      // At least the MAC and the padding length byte, in whole blocks.
      const size_t minimum = (mac_length + 1 + block_ - 1) / block_ * block_;
      long_enough = fragment.size() >= record_iv + minimum;
      if (long_enough) ciphertext = fragment.subspan(record_iv);
    }
    if (!long_enough || ciphertext.size() % block_ != 0) {
      // Whatever this was, the next record's IV is unknown.
      chain_known_ = explicit_iv_;
      return DecryptStatus::too_short;
    }

    // The IV of this record; and the next record's IV, whatever happens to this one.
    std::array<uint8_t, kMaxBlockSize> iv{};
    const bool iv_known = explicit_iv_ || chain_known_;
    if (explicit_iv_) {
      std::copy_n(fragment.begin(), block_, iv.begin());
    } else {
      iv = chain_;
      std::copy_n(ciphertext.end() - static_cast<std::ptrdiff_t>(block_), block_, chain_.begin());
      chain_known_ = true;
    }

    if (encrypt_then_mac_) {
      // RFC 7366 3: the MAC covers the IV and the ciphertext; check it before decrypting.
      const Bytes protected_part = fragment.first(fragment.size() - mac_length);
      if (!mac_.verify(sequence, content_type, version, protected_part, fragment.last(mac_length)))
        return DecryptStatus::bad_record_mac;
    }
    if (!iv_known) return DecryptStatus::bad_record_mac;  // the first block cannot be recovered

    plaintext.resize(ciphertext.size());
    int written = 0;
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, iv.data(), 0, nullptr) != 1 ||
        EVP_CipherUpdate(ctx_.get(), plaintext.data(), &written, ciphertext.data(),
                         static_cast<int>(ciphertext.size())) != 1 ||
        static_cast<size_t>(written) != ciphertext.size()) {
      return DecryptStatus::bad_record_mac;
    }

    // Padding: padding_length bytes + the padding_length byte itself. TLS: every padding byte equals
    // padding_length (RFC 5246 6.2.3.2). SSL 3.0: the padding is shorter than a block and its bytes are
    // arbitrary (RFC 6101 5.2.3.2).
    const size_t padding_length = plaintext.back();
    const size_t room = encrypt_then_mac_ ? plaintext.size() : plaintext.size() - mac_length;
    if (padding_length + 1 > room) return DecryptStatus::bad_padding;
    if (ssl3_) {
      if (padding_length + 1 > block_) return DecryptStatus::bad_padding;
    } else {
      uint8_t difference = 0;
      for (size_t i = plaintext.size() - padding_length - 1; i < plaintext.size(); ++i)
        difference |= static_cast<uint8_t>(plaintext[i] ^ padding_length);
      if (difference != 0) return DecryptStatus::bad_padding;
    }
    plaintext.resize(plaintext.size() - padding_length - 1);

    if (!encrypt_then_mac_) {
      const size_t content_length = plaintext.size() - mac_length;
      const Bytes content(plaintext.data(), content_length);
      const Bytes received(plaintext.data() + content_length, mac_length);
      if (!mac_.verify(sequence, content_type, version, content, received)) return DecryptStatus::bad_record_mac;
      plaintext.resize(content_length);
    }
    return DecryptStatus::ok;
  }

 private:
  const bool ssl3_;
  const bool explicit_iv_;  // TLS 1.1 and later
  const bool encrypt_then_mac_;
  const size_t block_;
  std::array<uint8_t, kMaxBlockSize> chain_{};  // SSL 3.0 / TLS 1.0: the next record's IV
  bool chain_known_ = false;
  RecordMac mac_;
  CipherCtxPtr ctx_;
};

}  // namespace

std::unique_ptr<RecordCipher> make_cbc_cipher(const tls::CipherSuiteInfo& suite, uint16_t version,
                                              bool encrypt_then_mac, const DirectionKeys& keys, std::string& error) {
  if (suite.mac == tls::MacAlgorithm::Null || suite.mac == tls::MacAlgorithm::AEAD) {
    error = fmt::format("{}: a CBC suite without a MAC", suite.name);
    return nullptr;
  }
  auto cipher = std::make_unique<CbcRecordCipher>(suite, version, encrypt_then_mac);
  if (!cipher->init(keys, error)) return nullptr;
  return cipher;
}

}  // namespace tlslens::crypto::detail
