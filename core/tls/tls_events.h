// The events the TLS layer reports through EventSink. Spans and Field trees are valid only
// during the callback; a sink that keeps them copies them.
#pragma once

#include <cstdint>
#include <string>

#include "core/tcp/stream_consumer.h"
#include "core/tls/field.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/tls_facts.h"
#include "core/util/reader.h"

namespace tlslens::audit {
struct ConnectionAudit;
}

namespace tlslens::tls {

struct RecordEvent {
  uint64_t number = 0;          // per connection, both directions, 1-based (ssldump's record number)
  Direction dir = Direction::client_to_server;
  SegmentInfo at;               // the segment that completed the record
  uint64_t stream_offset = 0;   // of the record's first header byte in its direction's stream
  uint8_t content_type = 0;
  uint16_t version = 0;         // as on the wire (0x0002 for an SSLv2-compatible record)
  Bytes header;                 // the 5-byte header (2 or 3 bytes for SSLv2)
  Bytes fragment;               // the payload as on the wire
  bool sslv2 = false;
  bool encrypted = false;       // protected on the wire (after ChangeCipherSpec, TLS 1.3 application_data)
  // Decryption (only for encrypted records, when key material was given):
  bool decrypted = false;       // `plaintext` holds the record's content, authenticated
  Bytes plaintext;              // valid only during the callback
  uint8_t inner_content_type = 0;   // the content's real type (TLS 1.3 hides it inside); 0 if not decrypted
  std::string_view decrypt_error;   // why decryption failed with the keys at hand ("bad_record_mac", ...)
};

struct MessageEvent {
  uint8_t content_type = 0;     // handshake, alert, change_cipher_spec, heartbeat
  uint8_t handshake_type = 0;   // for handshake messages
  Bytes bytes;                  // the whole message (handshake: header + body)
  const Field* fields = nullptr;  // the decoded tree (a group keyed by the message name)
  const DecodeProblem* problem = nullptr;  // set when the message was malformed
  const TlsFacts* facts = nullptr;         // the connection's facts, this message included
};

enum class NoteKind : uint8_t {
  not_tls,              // the stream does not look like TLS; it is left alone
  malformed_record,     // a record header that cannot be right (length over the maximum, ...)
  resynchronized,       // framing was lost (gap, bad record) and found again at a later record
  abandoned,            // framing lost and not found again: the rest of the direction is skipped
  gap,                  // bytes missing from the capture inside the TLS stream
  malformed_message,    // a handshake message that could not be decoded (also in MessageEvent.problem)
  incomplete,           // the stream ended inside a record or handshake message
};

std::string_view to_string(NoteKind kind);

struct NoteEvent {
  NoteKind kind = NoteKind::not_tls;
  Direction dir = Direction::client_to_server;
  SegmentInfo at;
  uint64_t stream_offset = 0;
  std::string text;  // one line, no trailing period
};

// How a connection's handshake went, for the per-connection summary.
enum class HandshakeOutcome : uint8_t {
  not_tls,          // no TLS seen on the connection
  complete,         // both Finished seen (or, encrypted, the handshake evidently finished)
  resumed,          // an abbreviated handshake completed
  alert,            // ended by a fatal alert
  reset,            // ended by TCP RST before completing
  gap,              // data missing from the capture made the handshake unreadable
  incomplete,       // the connection ended (or the capture did) before the handshake completed
  midstream,        // picked up after the handshake: nothing to judge
};

std::string_view to_string(HandshakeOutcome outcome);

struct SessionSummary {
  const TlsFacts* facts = nullptr;
  HandshakeOutcome outcome = HandshakeOutcome::not_tls;
  bool resumed = false;
  uint8_t fatal_alert = 0;       // description of the first fatal alert, when outcome == alert
  bool fatal_alert_seen = false;
  uint64_t records[2] = {0, 0};  // per direction
  uint64_t application_data_bytes[2] = {0, 0};
  // Decryption, when key material was given:
  bool decryption_attempted = false;
  uint64_t decrypted_records[2] = {0, 0};
  uint64_t undecryptable_records[2] = {0, 0};  // failed authentication, or no keys for the connection
  std::string missing_keys;                     // why not, when nothing could be decrypted
  // The audit of the connection (core/audit/auditor.h), when the audit runs.
  const audit::ConnectionAudit* audit = nullptr;
};

}  // namespace tlslens::tls
