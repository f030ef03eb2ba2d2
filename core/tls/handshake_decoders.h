// Decoders of TLS handshake messages, alerts and the other record contents.
//
// Each decoder reads a complete message through Reader, describes every field it reads in
// a Field tree (offsets relative to the message's first byte), records what it learned in
// TlsFacts, and returns the first problem it met (nullopt when the message was well
// formed). On a problem the tree holds what was decoded before it; decoding never reads
// past the message and never throws.
//
// Where the form of a message depends on what was negotiated (TLS 1.3 vs 1.2 Certificate,
// CertificateRequest and NewSessionTicket; the ServerKeyExchange and ClientKeyExchange of
// the suite's key exchange), the decoder reads TlsFacts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/tcp/stream_consumer.h"
#include "core/tls/field.h"
#include "core/tls/tls_facts.h"
#include "core/util/reader.h"

namespace tlslens::tls {

struct DecodeProblem {
  uint32_t offset = 0;  // within the message
  std::string reason;   // "cipher_suites length 7 is odd", "3 bytes left over after extensions", ...
};

using DecodeResult = std::optional<DecodeProblem>;

struct DecodeContext {
  Direction dir = Direction::client_to_server;  // who sent the message
  TlsFacts& facts;
  Bytes message;  // the whole message (handshake: 4-byte header + body); offsets are relative to it
};

// Handshake message content types (RFC 8446 and earlier).
namespace handshake_type {
inline constexpr uint8_t hello_request = 0;
inline constexpr uint8_t client_hello = 1;
inline constexpr uint8_t server_hello = 2;
inline constexpr uint8_t hello_verify_request = 3;
inline constexpr uint8_t new_session_ticket = 4;
inline constexpr uint8_t end_of_early_data = 5;
inline constexpr uint8_t hello_retry_request = 6;
inline constexpr uint8_t encrypted_extensions = 8;
inline constexpr uint8_t certificate = 11;
inline constexpr uint8_t server_key_exchange = 12;
inline constexpr uint8_t certificate_request = 13;
inline constexpr uint8_t server_hello_done = 14;
inline constexpr uint8_t certificate_verify = 15;
inline constexpr uint8_t client_key_exchange = 16;
inline constexpr uint8_t finished = 20;
inline constexpr uint8_t certificate_url = 21;
inline constexpr uint8_t certificate_status = 22;
inline constexpr uint8_t supplemental_data = 23;
inline constexpr uint8_t key_update = 24;
inline constexpr uint8_t compressed_certificate = 25;
inline constexpr uint8_t message_hash = 254;
}  // namespace handshake_type

namespace content_type {
inline constexpr uint8_t change_cipher_spec = 20;
inline constexpr uint8_t alert = 21;
inline constexpr uint8_t handshake = 22;
inline constexpr uint8_t application_data = 23;
inline constexpr uint8_t heartbeat = 24;
}  // namespace content_type

// Display name of a handshake message as ssldump prints it ("ClientHello", "ServerKeyExchange", ...).
std::string_view handshake_display_name(uint8_t type);

// ---- dispatch (handshake_decoders.cpp)
// Decodes one handshake message (header + body): `out` becomes a group keyed by the
// message's snake_case name, holding its fields. A ServerHello carrying the
// HelloRetryRequest random is decoded (and keyed) as hello_retry_request.
DecodeResult decode_handshake_message(DecodeContext& ctx, Field& out);

// ---- hellos and extensions (hello_decoders.cpp, extension_decoders.cpp)
DecodeResult decode_client_hello(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_server_hello(Reader& body, DecodeContext& ctx, Field& out);  // also HRR
// An SSLv2-compatible ClientHello record (RFC 5246 appendix E.2): `ctx.message` is the
// whole record (2-byte header included).
DecodeResult decode_sslv2_client_hello(DecodeContext& ctx, Field& out);
// An extensions block (the 2-byte length included) of the given handshake message type;
// `out` gets a list "extensions" with one group per extension.
DecodeResult decode_extensions(Reader& in, uint8_t handshake_type, DecodeContext& ctx, Field& out);

// ---- the other messages (message_decoders.cpp, certificate_decoders.cpp, key_exchange_decoders.cpp)
DecodeResult decode_new_session_ticket(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_encrypted_extensions(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_certificate(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_compressed_certificate(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_server_key_exchange(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_certificate_request(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_certificate_verify(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_client_key_exchange(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_finished(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_certificate_status(Reader& body, DecodeContext& ctx, Field& out);
DecodeResult decode_key_update(Reader& body, DecodeContext& ctx, Field& out);

// ---- non-handshake record contents (`ctx.message` is the record's fragment)
DecodeResult decode_alert(DecodeContext& ctx, Field& out);
DecodeResult decode_change_cipher_spec(DecodeContext& ctx, Field& out);
DecodeResult decode_heartbeat(DecodeContext& ctx, Field& out);

}  // namespace tlslens::tls
