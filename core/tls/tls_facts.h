// TlsFacts: what one TLS connection negotiated, as the decoders learn it.
//
// Decoders fill it in as they read each message; the session uses it to choose message
// forms (TLS 1.3 vs 1.2 Certificate, the ServerKeyExchange of the chosen key exchange) and
// to know when records become encrypted; the summary and the audit read it at the end.
// Byte strings are copies (they outlive the packets).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tlslens::tls {

struct HelloExtensionsSeen {
  bool server_name = false;
  bool extended_master_secret = false;
  bool encrypt_then_mac = false;
  bool renegotiation_info = false;  // the extension, or (client) the SCSV 0x00FF
  bool session_ticket = false;      // present (client: offered; server: will send a ticket)
  bool heartbeat = false;
  bool status_request = false;
  bool signed_certificate_timestamp = false;
  bool pre_shared_key = false;
  bool early_data = false;
  bool post_handshake_auth = false;
  bool encrypted_client_hello = false;
  bool record_size_limit = false;
};

struct TlsFacts {
  // ---- ClientHello (the last one seen: after a HelloRetryRequest, the second)
  bool client_hello_seen = false;
  int client_hello_count = 0;
  bool sslv2_client_hello = false;  // SSLv2-compatible ClientHello record
  uint16_t client_legacy_version = 0;
  std::vector<uint16_t> client_supported_versions;  // supported_versions extension, GREASE removed
  std::array<uint8_t, 32> client_random{};
  std::vector<uint8_t> client_session_id;
  std::vector<uint16_t> offered_cipher_suites;  // GREASE removed; SSLv2 kinds not included
  std::vector<uint8_t> offered_compression_methods;
  std::string sni;                          // first host_name, as sent
  std::vector<std::string> alpn_offered;
  std::vector<uint16_t> offered_groups;     // supported_groups, GREASE removed
  std::vector<uint16_t> client_key_share_groups;
  std::vector<uint16_t> signature_algorithms;
  std::vector<uint16_t> client_extensions;  // extension types in order, GREASE included
  HelloExtensionsSeen client_ext;
  bool client_ticket_nonempty = false;      // session_ticket extension carrying a ticket (resumption attempt)
  int client_psk_identities = 0;

  // ---- ServerHello / HelloRetryRequest
  bool server_hello_seen = false;
  bool hello_retry_request = false;  // an HRR was seen (the ServerHello after it is the real one)
  uint16_t hrr_selected_group = 0;
  uint16_t server_legacy_version = 0;
  uint16_t negotiated_version = 0;  // supported_versions selection, else the legacy version
  std::array<uint8_t, 32> server_random{};
  std::vector<uint8_t> server_session_id;
  uint16_t cipher_suite = 0;
  uint8_t compression_method = 0;
  std::vector<uint16_t> server_extensions;
  HelloExtensionsSeen server_ext;
  std::string alpn;                  // selected (ServerHello in TLS <= 1.2, EncryptedExtensions in 1.3)
  uint16_t key_exchange_group = 0;   // TLS 1.3 key_share, or the ECDHE curve of ServerKeyExchange
  uint32_t dhe_prime_bits = 0;       // DHE ServerKeyExchange p size
  std::optional<uint16_t> psk_selected_identity;  // TLS 1.3 pre_shared_key in ServerHello
  bool early_data_accepted = false;  // TLS 1.3 early_data in EncryptedExtensions

  // ---- later messages
  int certificate_messages = 0;                       // both directions
  std::vector<std::vector<uint8_t>> server_chain;     // DER, as sent (last Certificate from the server)
  std::vector<std::vector<uint8_t>> client_chain;     // DER, client certificate (mutual TLS)
  bool certificate_request_seen = false;
  bool client_certificate_empty = false;              // the client answered a request with no certificate
  uint16_t server_signature_scheme = 0;               // ServerKeyExchange (TLS 1.2) or CertificateVerify (1.3)
  bool new_session_ticket_seen = false;
  bool finished_client = false;
  bool finished_server = false;
  bool ocsp_staple_seen = false;

  bool tls13() const { return negotiated_version == 0x0304; }
};

}  // namespace tlslens::tls
