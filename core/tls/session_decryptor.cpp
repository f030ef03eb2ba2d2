#include "core/tls/session_decryptor.h"

#include <openssl/x509.h>

#include <fmt/format.h>

#include <algorithm>

#include "core/crypto/kdf.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/registry.h"

namespace tlslens::tls {

namespace {

// Records tried after a loss of unknown size, to find the sender's sequence number again.
constexpr int kMaxSequenceProbe = 64;
// The EMS transcript is only needed up to ClientKeyExchange; certificates make it a few KB.
constexpr size_t kMaxTranscript = 1u << 20;

std::string hex_prefix(Bytes bytes, size_t n = 8) {
  std::string s;
  for (size_t i = 0; i < std::min(n, bytes.size()); ++i) s += fmt::format("{:02x}", bytes[i]);
  return s;
}

// The bytes of the first descendant bytes-field with this key, or empty.
Bytes find_bytes(const Field& f, std::string_view key) {
  if (f.kind == FieldKind::bytes && f.key == key) return f.bytes;
  for (const Field& c : f.children) {
    Bytes b = find_bytes(c, key);
    if (!b.empty()) return b;
  }
  return {};
}

// The session_ticket extension's ticket in a ClientHello tree.
Bytes offered_ticket(const Field& tree) {
  const Field* extensions = tree.find("extensions");
  if (extensions == nullptr) return {};
  for (const Field& ext : extensions->children) {
    const Field* type = ext.find("type");
    if (type != nullptr && type->number == 35) return find_bytes(ext, "ticket");
  }
  return {};
}

// RFC 7627's session hash: the handshake up to ClientKeyExchange, with the PRF's hash (MD5 ||
// SHA-1 for TLS 1.0/1.1).
std::vector<uint8_t> session_hash(crypto::PrfHash prf, Bytes transcript) {
  crypto::TranscriptHash hash(prf);
  hash.update(transcript);
  return hash.current();
}

crypto::Hash tls13_hash(const CipherSuiteInfo& suite) {
  crypto::Hash hash = crypto::Hash::sha256;
  crypto::tls13_hash_for(suite, hash);  // SM3/GOST suites have no usable hash: their ciphers fail too
  return hash;
}

}  // namespace

struct SessionDecryptor::Side {
  std::unique_ptr<crypto::RecordCipher> active;
  std::unique_ptr<crypto::RecordCipher> pending;   // TLS <= 1.2: takes effect at this side's CCS
  std::unique_ptr<crypto::RecordCipher> fallback;  // TLS 1.3 client: the next stage, tried on failure
  std::vector<uint8_t> application_secret;          // TLS 1.3: current generation (KeyUpdate)
  std::vector<uint8_t> fallback_secret;
  bool finished_seen = false;
  bool awaiting_application_secret = false;  // TLS 1.3: Finished passed before the key log had the secret
  bool tls13_keys_missing = false;           // TLS 1.3: no secret of this side at the ServerHello: retry later
  size_t key_log_size_at_lookup = 0;
  bool cipher_changed = false;   // TLS <= 1.2: this side's ChangeCipherSpec was seen
  uint64_t unkeyed_records = 0;  // protected records that went by with no keys (late keys number from it)
  uint64_t lost_unknown = 0;  // a loss of unknown size happened: probe sequence numbers
  bool probe_after_failure = false;
  uint64_t decrypted = 0;
  uint64_t failed = 0;
};

SessionDecryptor::SessionDecryptor(const DecryptionContext& context, const Connection& conn)
    : context_(context), conn_(conn) {
  sides_[0] = std::make_unique<Side>();
  sides_[1] = std::make_unique<Side>();
}

SessionDecryptor::~SessionDecryptor() {
  if (!master_secret_.empty()) OPENSSL_cleanse(master_secret_.data(), master_secret_.size());
}

bool SessionDecryptor::has_keys(Direction dir) const { return sides_[index_of(dir)]->active != nullptr; }
uint64_t SessionDecryptor::decrypted_records(Direction dir) const { return sides_[index_of(dir)]->decrypted; }
uint64_t SessionDecryptor::failed_records(Direction dir) const { return sides_[index_of(dir)]->failed; }

void SessionDecryptor::note_missing(std::string reason) {
  if (missing_reason_.empty()) missing_reason_ = std::move(reason);
}

void SessionDecryptor::debug_secret(std::string_view what, Bytes secret) {
  if (!context_.debug_keys) return;
  std::string line;
  line.reserve(what.size() + 1 + 2 * secret.size());
  line.append(what);
  line += ' ';
  for (uint8_t b : secret) line += fmt::format("{:02x}", b);
  context_.debug_keys(conn_, line);
}

bool SessionDecryptor::key_log_grew(size_t size_at_lookup) {
  if (context_.keys == nullptr) return false;
  if (context_.refresh_keys) context_.refresh_keys();
  return context_.keys->key_log.size() != size_at_lookup;
}

void SessionDecryptor::on_handshake_message(Direction dir, uint8_t type, Bytes message, const Field& tree,
                                            const TlsFacts& facts) {
  if (type == handshake_type::client_hello && dir == Direction::client_to_server) {
    // A new handshake (or the second ClientHello after a HelloRetryRequest).
    if (!facts.hello_retry_request || transcript_.empty()) transcript_.clear();
    transcript_closed_ = false;
    derived_ = false;
    encrypted_premaster_.clear();
    session_hash_.clear();
    client_key_exchange_seen_ = false;
    Bytes ticket = offered_ticket(tree);
    offered_ticket_.assign(ticket.begin(), ticket.end());
    new_ticket_.clear();
    early_data_offered_ = facts.client_ext.early_data;
    early_data_tried_ = false;
    client_random_.assign(facts.client_random.begin(), facts.client_random.end());
    offered_suites_ = facts.offered_cipher_suites;
  }
  if (!transcript_closed_ && transcript_.size() + message.size() <= kMaxTranscript)
    transcript_.insert(transcript_.end(), message.begin(), message.end());

  if (facts.tls13()) {
    Side& side = *sides_[index_of(dir)];
    if (type == handshake_type::server_hello && dir == Direction::server_to_client) {
      // The decoder marks only a real ServerHello as seen; a HelloRetryRequest keys nothing.
      if (facts.server_hello_seen) start_tls13_handshake(facts);
    } else if (type == handshake_type::end_of_early_data && dir == Direction::client_to_server) {
      if (side.fallback) {
        side.active = std::move(side.fallback);
        side.fallback.reset();
      }
    } else if (type == handshake_type::finished && !side.finished_seen) {
      side.finished_seen = true;
      std::vector<uint8_t> secret = side.application_secret;
      if (!secret.empty()) {
        side.active = tls13_cipher(tls13_suite_, secret);
        side.fallback.reset();
      } else if (side.active) {
        // The handshake keys end here; the application secret may still be on its way to
        // the key log (a client logs its own only after sending Finished).
        side.active.reset();
        side.fallback.reset();
        side.awaiting_application_secret = true;
      }
    } else if (type == handshake_type::key_update && !side.application_secret.empty()) {
      const CipherSuiteInfo* suite = cipher_suite_info(tls13_suite_);
      if (suite != nullptr) {
        side.application_secret = crypto::next_traffic_secret(tls13_hash(*suite), side.application_secret);
        side.active = tls13_cipher(tls13_suite_, side.application_secret);
      }
    }
    return;
  }

  switch (type) {
    case handshake_type::client_key_exchange:
      if (dir == Direction::client_to_server) {
        client_key_exchange_seen_ = true;
        const CipherSuiteInfo* suite = cipher_suite_info(facts.cipher_suite);
        Reader body(message.subspan(std::min<size_t>(4, message.size())));
        if (suite != nullptr && (suite->kx == KeyExchange::RSA || suite->kx == KeyExchange::RSA_EXPORT)) {
          Reader premaster;
          if (facts.negotiated_version == 0x0300) {
            Bytes rest = body.rest();
            encrypted_premaster_.assign(rest.begin(), rest.end());
          } else if (body.prefixed16(premaster)) {
            Bytes rest = premaster.rest();
            encrypted_premaster_.assign(rest.begin(), rest.end());
          }
        } else if (suite != nullptr && (suite->kx == KeyExchange::PSK || suite->kx == KeyExchange::RSA_PSK ||
                                         suite->kx == KeyExchange::DHE_PSK || suite->kx == KeyExchange::ECDHE_PSK)) {
          Reader identity;
          if (body.prefixed16(identity)) {
            Bytes id = identity.rest();
            psk_identity_.assign(id.begin(), id.end());
            // RSA_PSK (RFC 4279 s.4): then the RSA-encrypted 48-byte premaster, length-prefixed.
            Reader premaster;
            if (suite->kx == KeyExchange::RSA_PSK && body.prefixed16(premaster)) {
              Bytes rest = premaster.rest();
              encrypted_premaster_.assign(rest.begin(), rest.end());
            }
          }
        }
        transcript_closed_ = true;
        if (facts.client_ext.extended_master_secret && facts.server_ext.extended_master_secret) {
          session_hash_ = session_hash(suite ? crypto::prf_hash_for(facts.negotiated_version, *suite)
                                             : crypto::PrfHash::sha256,
                                       transcript_);
        }
      }
      break;
    case handshake_type::new_session_ticket: {
      Bytes ticket = find_bytes(tree, "ticket");
      new_ticket_.assign(ticket.begin(), ticket.end());
      if (derived_ && !master_secret_.empty() && context_.sessions != nullptr)
        context_.sessions->put_ticket(new_ticket_, master_secret_);
      break;
    }
    default:
      break;
  }
}

void SessionDecryptor::on_change_cipher_spec(Direction dir, const TlsFacts& facts) {
  // TLS 1.3's compatibility CCS changes nothing; one sent before the ServerHello (with early
  // data) cannot be a TLS <= 1.2 cipher change either.
  if (facts.tls13() || !facts.server_hello_seen) return;
  if (!derived_) derive_tls12(facts);
  Side& side = *sides_[index_of(dir)];
  side.active = std::move(side.pending);
  side.pending.reset();
  side.cipher_changed = true;
  side.unkeyed_records = 0;
}

void SessionDecryptor::late_tls12_lookup(const TlsFacts& facts) {
  derive_tls12(facts);
  if (tls12_keys_missing_) return;
  missing_reason_.clear();
  // Both directions may already have changed cipher: their records so far went by unkeyed.
  for (auto& side_ptr : sides_) {
    Side& side = *side_ptr;
    if (!side.cipher_changed || !side.pending) continue;
    side.active = std::move(side.pending);
    side.pending.reset();
    for (uint64_t i = 0; i < side.unkeyed_records; ++i) side.active->skip_record();
    if (side.active->suite().aead) side.lost_unknown = 1;
  }
}

std::vector<uint8_t> SessionDecryptor::find_master_secret(const TlsFacts& facts, const CipherSuiteInfo& suite,
                                                          uint16_t version) {
  const crypto::KeyMaterial& keys = *context_.keys;
  if (auto m = keys.key_log.master_secret(facts.client_random)) {
    master_source_ = "key log CLIENT_RANDOM";
    return *m;
  }

  // Only an abbreviated handshake (no ClientKeyExchange) reuses a session's master secret; a
  // full handshake after an offered ticket or session ID makes a new one.
  const bool abbreviated = !client_key_exchange_seen_;
  const bool resumed_by_id = !facts.server_session_id.empty() && facts.server_session_id == facts.client_session_id;
  if (context_.sessions != nullptr && abbreviated && (resumed_by_id || !offered_ticket_.empty())) {
    if (!offered_ticket_.empty())
      if (auto m = context_.sessions->find_ticket(offered_ticket_)) {
        master_source_ = "session resumed by ticket";
        return *m;
      }
    if (resumed_by_id)
      if (auto m = context_.sessions->find_session_id(facts.server_session_id)) {
        master_source_ = "session resumed by session ID";
        return *m;
      }
  }

  crypto::PrfHash prf = crypto::prf_hash_for(version, suite);
  auto master_from = [&](Bytes premaster) {
    if (!session_hash_.empty()) return crypto::extended_master_secret(prf, premaster, session_hash_);
    return crypto::master_secret(version, prf, premaster, facts.client_random, facts.server_random);
  };

  const bool rsa_psk = suite.kx == KeyExchange::RSA_PSK;
  const crypto::PresharedKey* psk_for_rsa = nullptr;
  if (rsa_psk) {
    for (const crypto::PresharedKey& psk : keys.psks)
      if (psk.matches(psk_identity_)) {
        psk_for_rsa = &psk;
        break;
      }
    if (psk_for_rsa == nullptr) {
      note_missing(fmt::format("RSA_PSK suite: no pre-shared key (--psk) for identity '{}'", psk_identity_));
      return {};
    }
  }
  if (!encrypted_premaster_.empty()) {
    if (!rsa_psk)
      if (auto premaster = keys.key_log.rsa_premaster(encrypted_premaster_)) {
        master_source_ = "key log RSA line";
        return master_from(*premaster);
      }
    X509* leaf = nullptr;
    if (!facts.server_chain.empty()) {
      const unsigned char* p = facts.server_chain[0].data();
      leaf = d2i_X509(nullptr, &p, static_cast<long>(facts.server_chain[0].size()));
    }
    EVP_PKEY* key = keys.rsa_keys.find(conn_.server, leaf);
    X509_free(leaf);
    if (key != nullptr) {
      if (auto premaster = crypto::RsaKeyStore::decrypt_premaster(key, encrypted_premaster_)) {
        master_source_ = rsa_psk ? "RSA key and pre-shared key" : "RSA key";
        if (rsa_psk) {
          std::vector<uint8_t> combined = crypto::psk_premaster(psk_for_rsa->key, *premaster);
          std::vector<uint8_t> master = master_from(combined);
          OPENSSL_cleanse(combined.data(), combined.size());
          return master;
        }
        return master_from(*premaster);
      }
      note_missing("the RSA key does not decrypt this connection's premaster secret (wrong key?)");
      return {};
    }
    note_missing(keys.rsa_keys.size() ? "no RSA key matches this server"
                                      : rsa_psk ? "RSA_PSK: no RSA key (-k) and no key log line"
                                                : "static RSA: no RSA key (-k) and no key log line");
    return {};
  }
  if (suite.kx == KeyExchange::PSK) {
    for (const crypto::PresharedKey& psk : keys.psks) {
      if (!psk.matches(psk_identity_)) continue;
      std::vector<uint8_t> zeros(psk.key.size(), 0);
      master_source_ = "pre-shared key";
      return master_from(crypto::psk_premaster(psk.key, zeros));
    }
    note_missing(fmt::format("PSK suite: no pre-shared key (--psk) for identity '{}'", psk_identity_));
    return {};
  }
  if (!facts.client_hello_seen) {
    note_missing("the ClientHello was not captured, so no key can be matched to this connection");
    return {};
  }
  const bool ephemeral = suite.kx == KeyExchange::ECDHE_RSA || suite.kx == KeyExchange::ECDHE_ECDSA ||
                         suite.kx == KeyExchange::DHE_RSA || suite.kx == KeyExchange::DHE_DSS ||
                         suite.kx == KeyExchange::DHE_PSK || suite.kx == KeyExchange::ECDHE_PSK ||
                         suite.kx == KeyExchange::DH_anon || suite.kx == KeyExchange::ECDH_anon;
  note_missing(fmt::format("{}no key log entry for client random {}...",
                           ephemeral ? "(EC)DHE key exchange needs a key log, and there is " : "",
                           hex_prefix(facts.client_random)));
  return {};
}

void SessionDecryptor::derive_tls12(const TlsFacts& facts) {
  derived_ = true;
  tls12_keys_missing_ = false;
  if (context_.keys == nullptr) return;
  const CipherSuiteInfo* suite = cipher_suite_info(facts.cipher_suite);
  if (suite == nullptr) {
    note_missing(fmt::format("unknown cipher suite 0x{:04x}", facts.cipher_suite));
    return;
  }
  uint16_t version = facts.negotiated_version;
  std::vector<uint8_t> master = find_master_secret(facts, *suite, version);
  if (master.empty()) {
    tls12_keys_missing_ = true;
    key_log_size_at_lookup_ = context_.keys->key_log.size();
    return;
  }
  if (!master_secret_.empty()) OPENSSL_cleanse(master_secret_.data(), master_secret_.size());
  master_secret_ = master;
  OPENSSL_cleanse(master.data(), master.size());
  debug_secret(fmt::format("master_secret ({})", master_source_), master_secret_);

  crypto::PrfHash prf = crypto::prf_hash_for(version, *suite);
  size_t block_length = 2u * (suite->mac_key_length + suite->key_material_length + suite->iv_length);
  std::vector<uint8_t> block =
      crypto::key_block(version, prf, master_secret_, facts.server_random, facts.client_random, block_length);
  if (block.size() != block_length) {
    note_missing("key derivation failed");
    return;
  }
  crypto::KeyBlockParts parts = crypto::split_key_block(block, suite->mac_key_length, suite->key_material_length,
                                                        suite->iv_length);
  if (suite->export_grade)
    parts = crypto::export_keys(version, prf, parts, facts.client_random, facts.server_random, suite->key_length,
                                suite->iv_length);
  OPENSSL_cleanse(block.data(), block.size());
  if (context_.debug_keys) {
    debug_secret("client_write_mac_key", parts.client_mac);
    debug_secret("server_write_mac_key", parts.server_mac);
    debug_secret("client_write_key", parts.client_key);
    debug_secret("server_write_key", parts.server_key);
    debug_secret("client_write_iv", parts.client_iv);
    debug_secret("server_write_iv", parts.server_iv);
  }

  const bool etm = facts.client_ext.encrypt_then_mac && facts.server_ext.encrypt_then_mac;
  std::string error;
  auto make = [&](std::vector<uint8_t>& mac, std::vector<uint8_t>& key, std::vector<uint8_t>& iv) {
    crypto::DirectionKeys keys{mac, key, iv};
    auto cipher = crypto::RecordCipher::create(*suite, version, etm, keys, error);
    OPENSSL_cleanse(keys.mac_key.data(), keys.mac_key.size());
    OPENSSL_cleanse(keys.key.data(), keys.key.size());
    return cipher;
  };
  sides_[index_of(Direction::client_to_server)]->pending = make(parts.client_mac, parts.client_key, parts.client_iv);
  sides_[index_of(Direction::server_to_client)]->pending = make(parts.server_mac, parts.server_key, parts.server_iv);
  if (!error.empty()) note_missing(error);

  if (context_.sessions != nullptr) {
    context_.sessions->put_session_id(facts.server_session_id, master_secret_);
    context_.sessions->put_ticket(new_ticket_, master_secret_);
  }
}

std::unique_ptr<crypto::RecordCipher> SessionDecryptor::tls13_cipher(uint16_t suite_code,
                                                                     const std::vector<uint8_t>& secret) {
  const CipherSuiteInfo* suite = cipher_suite_info(suite_code);
  if (suite == nullptr || secret.empty()) return nullptr;
  crypto::TrafficKey tk = crypto::traffic_key(tls13_hash(*suite), secret, suite->key_length, suite->iv_length);
  crypto::DirectionKeys keys{{}, tk.key, tk.iv};
  std::string error;
  auto cipher = crypto::RecordCipher::create(*suite, 0x0304, false, keys, error);
  OPENSSL_cleanse(keys.key.data(), keys.key.size());
  OPENSSL_cleanse(tk.key.data(), tk.key.size());
  if (!cipher) note_missing(error);
  return cipher;
}

void SessionDecryptor::start_tls13_handshake(const TlsFacts& facts) {
  tls13_suite_ = facts.cipher_suite;
  if (context_.keys == nullptr) return;
  const crypto::KeyLog& log = context_.keys->key_log;
  auto client_hs = log.find(crypto::SecretLabel::client_handshake_traffic_secret, facts.client_random);
  auto server_hs = log.find(crypto::SecretLabel::server_handshake_traffic_secret, facts.client_random);
  auto client_ap = log.find(crypto::SecretLabel::client_traffic_secret_0, facts.client_random);
  auto server_ap = log.find(crypto::SecretLabel::server_traffic_secret_0, facts.client_random);
  Side& client = *sides_[index_of(Direction::client_to_server)];
  Side& server = *sides_[index_of(Direction::server_to_client)];
  // A side with no secret yet looks again when the key log grows (live capture: the client
  // writes them while the handshake runs, some after the records that use them went by).
  for (Side* side : {&client, &server}) {
    side->tls13_keys_missing = true;
    side->key_log_size_at_lookup = log.size();
  }
  if (!client_hs && !server_hs && !client_ap && !server_ap) {
    note_missing(fmt::format("no key log entry for client random {}...", hex_prefix(facts.client_random)));
    return;
  }
  if (server_hs || server_ap) server.tls13_keys_missing = false;
  if (client_hs || client_ap) client.tls13_keys_missing = false;
  debug_tls13_secrets(client_hs, server_hs, client_ap, server_ap);
  if (server_hs) server.active = tls13_cipher(tls13_suite_, *server_hs);
  if (server_ap) server.application_secret = *server_ap;
  if (client_ap) client.application_secret = *client_ap;
  if (client_hs) {
    auto cipher = tls13_cipher(tls13_suite_, *client_hs);
    // With early data in flight the client's next records may still be early data: try the
    // handshake keys only when the early keys fail (or at EndOfEarlyData).
    if (client.active && early_data_offered_) {
      client.fallback = std::move(cipher);
    } else {
      client.active = std::move(cipher);
    }
  }
}

void SessionDecryptor::debug_tls13_secrets(const OptionalSecret& client_hs, const OptionalSecret& server_hs,
                                           const OptionalSecret& client_ap, const OptionalSecret& server_ap) {
  if (!context_.debug_keys) return;
  if (client_hs) debug_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", *client_hs);
  if (server_hs) debug_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", *server_hs);
  if (client_ap) debug_secret("CLIENT_TRAFFIC_SECRET_0", *client_ap);
  if (server_ap) debug_secret("SERVER_TRAFFIC_SECRET_0", *server_ap);
}

void SessionDecryptor::find_application_secret(Direction dir) {
  Side& side = *sides_[index_of(dir)];
  if (context_.keys == nullptr) return;
  if (context_.refresh_keys) context_.refresh_keys();
  const auto label = dir == Direction::client_to_server ? crypto::SecretLabel::client_traffic_secret_0
                                                        : crypto::SecretLabel::server_traffic_secret_0;
  auto secret = context_.keys->key_log.find(label, client_random_);
  if (!secret) return;
  side.awaiting_application_secret = false;
  side.application_secret = *secret;
  debug_secret(dir == Direction::client_to_server ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0", *secret);
  side.active = tls13_cipher(tls13_suite_, *secret);
  side.lost_unknown = 1;  // records may have gone by meanwhile
}

void SessionDecryptor::late_tls13_lookup(Direction dir) {
  Side& side = *sides_[index_of(dir)];
  const crypto::KeyLog& log = context_.keys->key_log;
  side.key_log_size_at_lookup = log.size();
  const bool client = dir == Direction::client_to_server;
  using L = crypto::SecretLabel;
  auto handshake = log.find(client ? L::client_handshake_traffic_secret : L::server_handshake_traffic_secret,
                            client_random_);
  auto application = log.find(client ? L::client_traffic_secret_0 : L::server_traffic_secret_0, client_random_);
  if (!handshake && !application) return;
  side.tls13_keys_missing = false;
  missing_reason_.clear();
  if (context_.debug_keys) {
    if (handshake) debug_secret(client ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET", *handshake);
    if (application) debug_secret(client ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0", *application);
  }
  // Which stage the side has reached is unknown and some of its records went by unkeyed:
  // the handshake keys are tried first, then the application keys, each probing sequence
  // numbers (TLS 1.3 ciphers are all AEAD, so probing is exact).
  if (application) side.application_secret = *application;
  if (handshake && !side.finished_seen) {
    side.active = tls13_cipher(tls13_suite_, *handshake);
    if (application) side.fallback = tls13_cipher(tls13_suite_, *application);
  } else if (application) {
    side.active = tls13_cipher(tls13_suite_, *application);
    side.finished_seen = true;
  }
  side.lost_unknown = 1;
}

bool SessionDecryptor::start_early_data(Side& side, const FramedRecord& record, std::vector<uint8_t>& plaintext,
                                        DecryptOutcome& out) {
  // 0-RTT data is protected with the resumed session's suite, which nothing in the clear
  // names: try each TLS 1.3 suite the client offered until one authenticates.
  early_data_tried_ = true;
  if (context_.keys == nullptr) return false;
  auto secret = context_.keys->key_log.find(crypto::SecretLabel::client_early_traffic_secret, client_random_);
  if (!secret) {
    note_missing("0-RTT early data: no CLIENT_EARLY_TRAFFIC_SECRET in the key log");
    return false;
  }
  for (uint16_t suite : offered_suites_) {
    const CipherSuiteInfo* info = cipher_suite_info(suite);
    if (info == nullptr || !info->tls13) continue;
    auto cipher = tls13_cipher(suite, *secret);
    if (!cipher) continue;
    uint8_t inner = record.content_type;
    out.status = cipher->decrypt(record.content_type, record.version, record.fragment, plaintext, inner);
    if (out.status == crypto::DecryptStatus::ok) {
      out.inner_content_type = inner;
      side.active = std::move(cipher);
      return true;
    }
  }
  return false;
}

DecryptOutcome SessionDecryptor::decrypt(Direction dir, const FramedRecord& record, const TlsFacts& facts,
                                         std::vector<uint8_t>& plaintext) {
  Side& side = *sides_[index_of(dir)];
  DecryptOutcome out;
  if (side.awaiting_application_secret) find_application_secret(dir);
  if (!side.active && !side.fallback) {
    if (side.tls13_keys_missing && key_log_grew(side.key_log_size_at_lookup)) late_tls13_lookup(dir);
    else if (tls12_keys_missing_ && key_log_grew(key_log_size_at_lookup_)) late_tls12_lookup(facts);
  }
  if (dir == Direction::client_to_server && !side.active && !side.fallback && early_data_offered_ &&
      !early_data_tried_ && tls13_suite_ == 0) {
    if (start_early_data(side, record, plaintext, out)) {
      out.kind = DecryptOutcome::Kind::decrypted;
      ++side.decrypted;
      return out;
    }
  }
  if (!side.active && !side.fallback) {
    ++side.unkeyed_records;
    return out;  // no_keys
  }

  // One try. A failed AEAD try is undone (the cipher counts it as a spent sequence number),
  // so other keys or numbers can be tried; CBC chains and RC4 streams cannot be undone.
  auto attempt = [&](crypto::RecordCipher& cipher) {
    const uint64_t sequence = cipher.sequence_number();
    uint8_t inner = record.content_type;
    crypto::DecryptStatus status = cipher.decrypt(record.content_type, record.version, record.fragment, plaintext, inner);
    out.status = status;
    out.inner_content_type = inner;
    if (status != crypto::DecryptStatus::ok && cipher.suite().aead) cipher.set_sequence_number(sequence);
    return status == crypto::DecryptStatus::ok;
  };

  if (side.active) {
    // After records were lost (or one failed), the sender's sequence number is found again
    // by probing the next numbers; AEAD ciphers keep no other state, so this is exact.
    const bool probe = (side.lost_unknown > 0 || side.probe_after_failure) && side.active->suite().aead;
    const int tries = !probe ? 1 : side.lost_unknown > 0 ? kMaxSequenceProbe : 2;
    side.probe_after_failure = false;
    const uint64_t start = side.active->sequence_number();
    for (int i = 0; i < tries; ++i) {
      if (probe) side.active->set_sequence_number(start + static_cast<uint64_t>(i));
      if (attempt(*side.active)) {
        side.lost_unknown = 0;
        out.kind = DecryptOutcome::Kind::decrypted;
        ++side.decrypted;
        return out;
      }
    }
    if (probe) side.active->set_sequence_number(start);
    // A failed AEAD record keeps its sequence number in the cipher; whether the sender spent
    // one on it is unknown, so the next record tries both.
    if (side.active->suite().aead) side.probe_after_failure = true;
  }
  if (side.fallback) {
    // Late keys: the next stage may also have passed some records by.
    const int tries = side.lost_unknown > 0 ? kMaxSequenceProbe : 1;
    for (int i = 0; i < tries; ++i) {
      side.fallback->set_sequence_number(static_cast<uint64_t>(i));
      if (attempt(*side.fallback)) {
        side.active = std::move(side.fallback);
        side.fallback.reset();
        side.lost_unknown = 0;
        out.kind = DecryptOutcome::Kind::decrypted;
        ++side.decrypted;
        return out;
      }
    }
    side.fallback->set_sequence_number(0);
  }
  out.kind = DecryptOutcome::Kind::failed;
  ++side.failed;
  return out;
}

void SessionDecryptor::on_records_lost(Direction dir, uint64_t count) {
  Side& side = *sides_[index_of(dir)];
  if (!side.active) return;
  if (count == 0) {
    side.lost_unknown = 1;
    return;
  }
  for (uint64_t i = 0; i < count; ++i) side.active->skip_record();
}

}  // namespace tlslens::tls
