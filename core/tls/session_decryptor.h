// SessionDecryptor: the keys of one TLS connection, found, derived and applied.
//
// TLS <= 1.2: the master secret comes from the key log (CLIENT_RANDOM), from a resumed
// session decrypted earlier in the capture (SessionCache, by ticket or session ID), from the
// RSA-encrypted premaster (key log RSA line, or an RSA private key), or from a pre-shared key;
// with extended_master_secret the session hash covers the handshake up to ClientKeyExchange.
// Keys are derived when the first ChangeCipherSpec arrives and take effect per direction at
// that direction's ChangeCipherSpec (a renegotiation switches again at its own).
// TLS 1.3: traffic secrets come from the key log; early data, handshake and application
// keys follow the handshake (EndOfEarlyData, each side's Finished, KeyUpdate). Where the
// client's stage is ambiguous (early data the server rejected), the next stage's keys are
// tried when the current ones fail.
//
// Keys that arrive late (live capture: the browser writes its key log while we capture) are
// looked up again when a record finds no keys and the key log has grown: TLS 1.3 tries the
// handshake keys, then the application keys, probing sequence numbers; TLS <= 1.2 derives
// both directions then and numbers each from the records it has already passed. Records
// that went by before the keys existed stay undecrypted.
//
// A record that fails authentication is reported as such — never handed on as plaintext.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/key_material.h"
#include "core/crypto/record_cipher.h"
#include "core/tcp/flow_table.h"
#include "core/tls/field.h"
#include "core/tls/record_reader.h"
#include "core/tls/session_cache.h"
#include "core/tls/tls_facts.h"

namespace tlslens::tls {

// Shared by every connection of an analysis; must outlive them.
struct DecryptionContext {
  const crypto::KeyMaterial* keys = nullptr;
  SessionCache* sessions = nullptr;
  // Live capture: re-reads key logs that may have grown (one stat() when unchanged). Called
  // when a record arrives for which there are no keys yet. Null for files.
  std::function<void()> refresh_keys;
  // --debug-keys: receives one line per secret and key derived (hex). Null: nothing in
  // tlslens ever prints key material.
  std::function<void(const Connection&, std::string_view)> debug_keys;
};

struct DecryptOutcome {
  enum class Kind : uint8_t { decrypted, failed, no_keys };
  Kind kind = Kind::no_keys;
  crypto::DecryptStatus status = crypto::DecryptStatus::ok;
  uint8_t inner_content_type = 0;
};

class SessionDecryptor {
 public:
  SessionDecryptor(const DecryptionContext& context, const Connection& conn);
  ~SessionDecryptor();
  SessionDecryptor(const SessionDecryptor&) = delete;
  SessionDecryptor& operator=(const SessionDecryptor&) = delete;

  // Every handshake message, in the order processed (in the clear or decrypted).
  void on_handshake_message(Direction dir, uint8_t type, Bytes message, const Field& tree, const TlsFacts& facts);
  // TLS <= 1.2: `dir` sent ChangeCipherSpec (in the clear or, in a renegotiation, decrypted).
  void on_change_cipher_spec(Direction dir, const TlsFacts& facts);
  // Decrypts a protected record of `dir`.
  DecryptOutcome decrypt(Direction dir, const FramedRecord& record, const TlsFacts& facts,
                         std::vector<uint8_t>& plaintext);
  // Records of `dir` were lost to a gap: `count` of them, or an unknown number (count 0).
  void on_records_lost(Direction dir, uint64_t count);

  bool has_keys(Direction dir) const;
  // Why this connection cannot be decrypted ("" when it can, or nothing was tried yet).
  const std::string& missing_keys_reason() const { return missing_reason_; }
  uint64_t decrypted_records(Direction dir) const;
  uint64_t failed_records(Direction dir) const;

 private:
  struct Side;
  void derive_tls12(const TlsFacts& facts);
  std::vector<uint8_t> find_master_secret(const TlsFacts& facts, const CipherSuiteInfo& suite, uint16_t version);
  void start_tls13_handshake(const TlsFacts& facts);
  void set_tls13_stage(Direction dir, const std::vector<uint8_t>& secret, bool as_fallback);
  std::unique_ptr<crypto::RecordCipher> tls13_cipher(uint16_t suite_code, const std::vector<uint8_t>& secret);
  bool start_early_data(Side& side, const FramedRecord& record, std::vector<uint8_t>& plaintext, DecryptOutcome& out);
  void note_missing(std::string reason);
  // Late keys: true when the key log (refreshed first) has grown since the last failed lookup.
  bool key_log_grew(size_t size_at_lookup);
  void late_tls13_lookup(Direction dir);
  void find_application_secret(Direction dir);
  void late_tls12_lookup(const TlsFacts& facts);
  void debug_secret(std::string_view what, Bytes secret);
  using OptionalSecret = std::optional<std::vector<uint8_t>>;
  void debug_tls13_secrets(const OptionalSecret& client_hs, const OptionalSecret& server_hs,
                           const OptionalSecret& client_ap, const OptionalSecret& server_ap);

  const DecryptionContext& context_;
  const Connection& conn_;
  std::unique_ptr<Side> sides_[2];
  std::string missing_reason_;

  // TLS <= 1.2 handshake state (reset by each ClientHello)
  std::vector<uint8_t> transcript_;            // handshake messages up to ClientKeyExchange (for EMS)
  std::vector<uint8_t> session_hash_;
  std::vector<uint8_t> encrypted_premaster_;   // from an RSA ClientKeyExchange
  std::string psk_identity_;
  std::vector<uint8_t> offered_ticket_;        // session_ticket extension of the ClientHello
  std::vector<uint8_t> new_ticket_;            // NewSessionTicket of this handshake
  std::vector<uint8_t> master_secret_;
  std::string_view master_source_;             // where the master secret came from (--debug-keys)
  bool derived_ = false;
  bool client_key_exchange_seen_ = false;
  bool transcript_closed_ = false;
  bool tls12_keys_missing_ = false;           // derivation found no master secret: retry when the log grows
  size_t key_log_size_at_lookup_ = 0;

  // TLS 1.3
  uint16_t tls13_suite_ = 0;
  bool early_data_offered_ = false;
  bool early_data_tried_ = false;
  std::vector<uint8_t> client_random_;
  std::vector<uint16_t> offered_suites_;
};

}  // namespace tlslens::tls
