// Stream record protection: RC4 (one keystream for the whole connection) and NULL encryption, each
// with HMAC or the SSL 3.0 MAC; and TLS_NULL_WITH_NULL_NULL, which protects nothing.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "core/crypto/record_cipher_internal.h"

namespace tlslens::crypto::detail {
namespace {

constexpr uint16_t kSsl30 = 0x0300;

class StreamRecordCipher final : public RecordCipher {
 public:
  StreamRecordCipher(const tls::CipherSuiteInfo& suite, uint16_t version)
      : RecordCipher(suite, version), encrypted_(suite.mode == tls::CipherMode::Stream) {}

  bool init(const DirectionKeys& keys, std::string& error) {
    if (suite().mac != tls::MacAlgorithm::Null && !mac_.init(suite().mac, version() == kSsl30, keys.mac_key, error))
      return false;
    if (encrypted_) {
      CipherPtr cipher = fetch_cipher(suite().cipher, error);
      if (!cipher) return false;
      ctx_.reset(EVP_CIPHER_CTX_new());
      if (!ctx_ || EVP_CipherInit_ex2(ctx_.get(), cipher.get(), nullptr, nullptr, 0, nullptr) != 1 ||
          EVP_CIPHER_CTX_set_key_length(ctx_.get(), static_cast<int>(keys.key.size())) != 1) {
        error = fmt::format("{}: OpenSSL could not set up {} with this key", suite().name,
                            EVP_CIPHER_get0_name(cipher.get()));
        return false;
      }
    }
    if (!install_keys(keys)) {
      error = fmt::format("{}: OpenSSL rejected the key", suite().name);
      return false;
    }
    return true;
  }

  bool chain_broken() const override { return stream_lost_; }

 protected:
  bool install_keys(const DirectionKeys& keys) override {
    stream_lost_ = false;
    if (mac_.size() != 0 && !mac_.set_key(keys.mac_key)) return false;
    // A new key starts a new keystream.
    return !encrypted_ || EVP_CipherInit_ex2(ctx_.get(), nullptr, keys.key.data(), nullptr, 0, nullptr) == 1;
  }

  void skipped(std::optional<size_t> fragment_length) override {
    if (!encrypted_ || stream_lost_) return;
    if (!fragment_length) {
      stream_lost_ = true;
      return;
    }
    // Run the keystream past the lost record's bytes.
    std::array<uint8_t, 256> scratch{};
    size_t remaining = *fragment_length;
    while (remaining > 0) {
      const int n = static_cast<int>(std::min(remaining, scratch.size()));
      int written = 0;
      if (EVP_CipherUpdate(ctx_.get(), scratch.data(), &written, scratch.data(), n) != 1) {
        stream_lost_ = true;
        return;
      }
      remaining -= static_cast<size_t>(n);
    }
  }

  DecryptStatus open(uint64_t sequence, uint8_t content_type, uint16_t version, Bytes fragment,
                     std::vector<uint8_t>& plaintext) override {
    if (stream_lost_) return DecryptStatus::bad_record_mac;  // the keystream position is unknown
    plaintext.resize(fragment.size());
    if (encrypted_ && !fragment.empty()) {
      // The sender ran its keystream over the whole fragment, however malformed: so do we.
      int written = 0;
      if (EVP_CipherUpdate(ctx_.get(), plaintext.data(), &written, fragment.data(),
                           static_cast<int>(fragment.size())) != 1 ||
          static_cast<size_t>(written) != fragment.size()) {
        stream_lost_ = true;
        return DecryptStatus::bad_record_mac;
      }
    } else {
      std::copy(fragment.begin(), fragment.end(), plaintext.begin());
    }
    const size_t mac_length = mac_.size();
    if (fragment.size() < mac_length) return DecryptStatus::too_short;
    const size_t content_length = fragment.size() - mac_length;
    if (mac_length != 0 && !mac_.verify(sequence, content_type, version, Bytes(plaintext.data(), content_length),
                                        Bytes(plaintext.data() + content_length, mac_length)))
      return DecryptStatus::bad_record_mac;
    plaintext.resize(content_length);
    return DecryptStatus::ok;
  }

 private:
  const bool encrypted_;  // RC4; false for NULL encryption
  bool stream_lost_ = false;
  RecordMac mac_;
  CipherCtxPtr ctx_;
};

}  // namespace

std::unique_ptr<RecordCipher> make_stream_cipher(const tls::CipherSuiteInfo& suite, uint16_t version,
                                                 const DirectionKeys& keys, std::string& error) {
  if (suite.mac == tls::MacAlgorithm::AEAD) {
    error = fmt::format("{}: an AEAD MAC on a stream suite", suite.name);
    return nullptr;
  }
  if (suite.mode == tls::CipherMode::Null && suite.cipher != tls::BulkCipher::Null) {
    error = fmt::format("{}: {} is not supported", suite.name, to_string(suite.cipher));
    return nullptr;
  }
  auto cipher = std::make_unique<StreamRecordCipher>(suite, version);
  if (!cipher->init(keys, error)) return nullptr;
  return cipher;
}

}  // namespace tlslens::crypto::detail
