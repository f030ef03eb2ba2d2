// ConnectionRow: one finished TCP connection as the GUI shows it in the connection table.
//
// A plain value, copied out of the core's events while the pipeline's callbacks run (the
// Connection and the TLS summary are only valid during the callback), so that it can cross
// from the loader's thread to the GUI thread in a queued signal. It holds what the table, its
// filter and the summary bar need — a few hundred bytes per connection — and nothing of the
// connection's records (those are re-read on demand, see connection_detail_loader.h).
#pragma once

#include <cstdint>
#include <optional>

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include "core/audit/finding.h"
#include "core/net/address.h"
#include "core/tcp/flow_table.h"
#include "core/tls/tls_events.h"
#include "core/util/timestamp.h"

namespace tlslens::gui {

// Whether the connection's encrypted records could be read, as one word for the table.
enum class DecryptionState : uint8_t {
  not_tls,            // no TLS on the connection
  nothing_encrypted,  // TLS, but no record was encrypted (handshake cut short, or NULL cipher)
  no_keys,            // encrypted records, and no key material was given at all
  none,               // key material was given, yet no record decrypted (see decryption_note)
  partial,            // some records decrypted, some not
  full,               // every encrypted record decrypted
};

// The TLS and audit columns, from the connection's SessionSummary; defaults when the
// connection was not TLS.
struct TlsColumns {
  bool is_tls = false;
  QString sni;
  uint16_t version = 0;       // negotiated (0: no ServerHello seen)
  uint16_t cipher_suite = 0;  // 0 with version 0
  QString alpn;
  tls::HandshakeOutcome outcome = tls::HandshakeOutcome::not_tls;
  DecryptionState decryption = DecryptionState::not_tls;
  QString decryption_note;  // why not (or how much), one line; "" when there is nothing to say
  uint64_t records = 0;     // TLS records, both directions

  // The audit, when it ran.
  bool audited = false;
  std::optional<audit::Severity> worst;  // the highest finding severity; nullopt: no finding
  QStringList finding_codes;             // distinct codes, in the order first reported
};

struct ConnectionRow {
  uint64_t id = 0;  // the core's 1-based connection number
  Endpoint client;
  Endpoint server;
  Timestamp first_seen;
  Timestamp last_seen;
  uint64_t packets = 0;                 // TCP segments in both directions
  uint64_t bytes_client_to_server = 0;  // stream bytes delivered in order (retransmissions not counted twice)
  uint64_t bytes_server_to_client = 0;
  EndReason end_reason = EndReason::end_of_capture;
  bool handshake_seen = false;  // false: picked up mid-stream, so the client/server roles are a guess
  uint64_t gaps = 0;            // holes in either direction: bytes that were never captured
  uint64_t gap_bytes = 0;
  // Live capture: the connection has started and not ended yet (its counters and TLS columns
  // come with the row that replaces this one when it ends).
  bool open = false;

  TlsColumns tls;

  Timestamp duration() const { return last_seen - first_seen; }
};

ConnectionRow make_connection_row(const Connection& connection);

// The TLS and audit columns of a connection from its summary; `encrypted_records` counts the
// records that were protected on the wire (the summary counts them only when keys were given).
TlsColumns make_tls_columns(const tls::SessionSummary& summary, uint64_t encrypted_records);

}  // namespace tlslens::gui

// Rows travel between threads in queued signals, so Qt's meta-type system must know them.
Q_DECLARE_METATYPE(tlslens::gui::ConnectionRow)
