// ConnectionRow: one finished TCP connection as the GUI shows it in the connection table.
//
// A plain value, copied out of the core's Connection while the pipeline's callback runs (the
// Connection itself is only valid during that callback), so that it can cross from the loader's
// thread to the GUI thread in a queued signal. Later issues add TLS columns (SNI, version,
// suite, findings) here.
#pragma once

#include <cstdint>

#include <QList>
#include <QMetaType>

#include "core/net/address.h"
#include "core/tcp/flow_table.h"
#include "core/util/timestamp.h"

namespace tlslens::gui {

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

  Timestamp duration() const { return last_seen - first_seen; }
};

ConnectionRow make_connection_row(const Connection& connection);

}  // namespace tlslens::gui

// Rows travel between threads in queued signals, so Qt's meta-type system must know them.
Q_DECLARE_METATYPE(tlslens::gui::ConnectionRow)
