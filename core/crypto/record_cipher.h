// RecordCipher: decrypts and authenticates the protected records of one direction of one TLS
// connection, SSL 3.0 to TLS 1.3, with OpenSSL 3's EVP ciphers and its HMAC.
//
// What it promises:
//  * A record is plaintext only if it authenticates. Every AEAD tag and every MAC is verified (MACs
//    compared in constant time); a record that fails is reported by its status, and `plaintext` is
//    left empty — never a best-effort decryption.
//  * Lengths are checked before any cipher runs: a fragment too short for the suite, or not a whole
//    number of cipher blocks, is `too_short`, never an over-read.
//  * Each decrypt() consumes one sequence number whether or not the record authenticates (the sender
//    numbered it), so one damaged record does not derail the records after it.
//  * EVP contexts are created once (in create()) and re-initialised per record; decrypt() writes into
//    the caller's vector, so a caller that reuses its vector allocates nothing per record.
//
// The record formats it knows:
//  * AEAD, TLS 1.2 (RFC 5288, 6655, 7905): GCM and CCM take a 4-byte salt (the fixed IV) + the record's
//    8-byte explicit nonce; ChaCha20-Poly1305 XORs the 12-byte fixed IV with the sequence number.
//    Additional data: seq_num(8) + type + version + plaintext length.
//  * AEAD, TLS 1.3 (RFC 8446 5.2-5.4): nonce = iv XOR sequence number, additional data = the record
//    header; the content type is the last non-zero byte of the decrypted TLSInnerPlaintext.
//  * CBC with HMAC (RFC 2246, 4346, 5246): MAC-then-encrypt, or encrypt-then-MAC (RFC 7366). TLS 1.1
//    and later carry an explicit IV in each record; SSL 3.0 and TLS 1.0 chain the IV from the previous
//    record's last ciphertext block (the first IV comes from the key block). SSL 3.0 uses its own MAC
//    (RFC 6101 5.2.3.1) and padding rule (padding shorter than a block, bytes unchecked).
//  * Stream (RC4, whose state runs on across records) and NULL encryption, with HMAC or the SSL 3.0 MAC.
//
// Ciphers: AES-128/256 GCM, CCM and CCM_8, ChaCha20-Poly1305, ARIA GCM, AES, Camellia, ARIA, SEED, IDEA
// (where the OpenSSL build has it: Debian's does not), DES, 3DES and RC2 in CBC mode, RC4, NULL. RC4,
// RC2, DES, IDEA and SEED live in OpenSSL's legacy provider; create() loads it (and the default
// provider, through load_crypto_providers()) and says so when it cannot. Not available:
// Camellia-GCM (OpenSSL has no such cipher), the GOST and SM4 suites, AEGIS, RFC 9150's integrity-only
// suites, the pre-RFC ChaCha20 code points and Fortezza.
//
// Lost records (a TCP gap): skip_record() advances the sequence number. Two ciphers carry more state
// than that, and chain_broken() reports when it was lost:
//  * SSL 3.0 / TLS 1.0 CBC: the next record's IV was the lost record's last ciphertext block. The
//    record after a gap therefore cannot be decrypted (bad_record_mac); its own last block restores the
//    chain, so exactly one record is lost beyond the gap.
//  * RC4: the keystream position is lost for the rest of the connection, unless the caller knows how
//    many bytes the lost record had (skip_record(length)).
//
// Not thread-safe: one RecordCipher per direction per connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tls/registry.h"
#include "core/util/reader.h"

namespace tlslens::crypto {

enum class DecryptStatus : uint8_t {
  ok,
  bad_record_mac,  // the AEAD tag or the MAC does not match (wrong keys, wrong sequence number, damage),
                   // or the record cannot be authenticated at all (its CBC IV was lost to a gap)
  bad_padding,     // CBC padding malformed; TLS 1.3: the inner plaintext has no content type (all zeros)
  too_short,       // the fragment cannot hold what the suite needs: explicit IV/nonce, tag or MAC,
                   // whole cipher blocks
  unsupported,     // the cipher is unavailable (a failed rekey() leaves the cipher in this state)
};
std::string_view to_string(DecryptStatus);

// The key material of one direction. `iv` is the fixed/implicit IV: the 4-byte salt of TLS 1.2 GCM/CCM,
// the 12-byte IV of ChaCha20-Poly1305 (TLS 1.2) and of every TLS 1.3 suite, and the initial CBC IV of
// SSL 3.0/TLS 1.0 (from the key block); it is ignored for CBC from TLS 1.1 on, for RC4 and for NULL.
struct DirectionKeys {
  std::vector<uint8_t> mac_key, key, iv;
};

class RecordCipher {
 public:
  // A cipher for `suite` under protocol `version` (0x0300 SSL 3.0 ... 0x0304 TLS 1.3); encrypt_then_mac
  // when both hellos carried the extension (it matters only for CBC suites). Returns nullptr with a
  // one-line reason in `error` when the suite cannot protect records under that version, the key sizes
  // do not match the suite, or OpenSSL lacks the cipher (e.g. the legacy provider is missing).
  static std::unique_ptr<RecordCipher> create(const tls::CipherSuiteInfo& suite, uint16_t version,
                                              bool encrypt_then_mac, const DirectionKeys& keys, std::string& error);

  virtual ~RecordCipher();
  RecordCipher(const RecordCipher&) = delete;
  RecordCipher& operator=(const RecordCipher&) = delete;

  // Decrypts and authenticates `fragment`, the body of the next record (sequence number =
  // sequence_number()); `content_type` and `version` are those of the record header. On ok,
  // `plaintext` holds the content (explicit IV, MAC, tag and padding removed). TLS 1.3: the inner
  // content type is taken from the end of the decrypted plaintext (after stripping the zero padding),
  // returned in `inner_content_type` and removed from `plaintext`; earlier versions: inner_content_type
  // = content_type. On any other status `plaintext` is empty. The sequence number advances either way.
  DecryptStatus decrypt(uint8_t content_type, uint16_t version, Bytes fragment, std::vector<uint8_t>& plaintext,
                        uint8_t& inner_content_type);

  // A record of this direction was lost (a gap): advance the sequence number. `fragment_length`, when
  // the caller knows it, keeps an RC4 keystream in step; without it RC4 cannot continue (chain_broken()).
  void skip_record(std::optional<size_t> fragment_length = std::nullopt);

  // The sequence number the next decrypt() uses: records decrypted (or attempted) and skipped so far
  // since creation or the last rekey().
  uint64_t sequence_number() const { return sequence_; }
  // For finding the sender's sequence number again after a loss of unknown size: try decrypt() at
  // several numbers, resetting with this between attempts. Meaningful where the sequence number is the
  // only state (AEAD, CBC with explicit IVs, NULL); it does not restore a CBC chain or an RC4 keystream.
  void set_sequence_number(uint64_t sequence) { sequence_ = sequence; }

  // True while the cipher state the next record depends on is unknown because of skip_record(): a
  // chained CBC IV (until the next decrypt(), which fails and restores the chain) or an RC4 keystream
  // position (until rekey()). Read it before decrypt() to tell "lost to a gap" from "tampered".
  virtual bool chain_broken() const { return false; }

  // TLS 1.3 KeyUpdate (or a new epoch of the same suite): new key and iv, sequence number back to 0.
  // Returns false (and the cipher then answers `unsupported`) if the key sizes do not fit the suite.
  bool rekey(const DirectionKeys& keys);

  const tls::CipherSuiteInfo& suite() const { return suite_; }
  uint16_t version() const { return version_; }

 protected:
  RecordCipher(const tls::CipherSuiteInfo& suite, uint16_t version) : suite_(suite), version_(version) {}

  // One record at sequence number `sequence`; writes the content (TLS 1.3: the whole inner plaintext)
  // into `plaintext`. Called by decrypt(), which handles the sequence number, the TLS 1.3 inner type
  // and clearing `plaintext` on failure.
  virtual DecryptStatus open(uint64_t sequence, uint8_t content_type, uint16_t version, Bytes fragment,
                             std::vector<uint8_t>& plaintext) = 0;
  // A record was skipped (before the sequence number advances).
  virtual void skipped(std::optional<size_t> /*fragment_length*/) {}
  // Installs new keys (sizes already checked); false on an OpenSSL failure.
  virtual bool install_keys(const DirectionKeys& keys) = 0;

 private:
  const tls::CipherSuiteInfo suite_;
  const uint16_t version_;
  uint64_t sequence_ = 0;
  bool usable_ = true;
};

}  // namespace tlslens::crypto
