// How TLS facts read in the GUI: version and suite names, the handshake's outcome, whether a
// connection was decrypted, and the colour of each audit severity. One place, so the table,
// the filter, the audit panel and the summary bar say the same thing the same way.
#pragma once

#include <cstdint>

#include <QColor>
#include <QString>

#include "core/audit/finding.h"
#include "core/tls/tls_events.h"
#include "gui/connection_row.h"

namespace tlslens::gui {

// "TLS 1.3", "SSL 3.0", or "0x7f1c" for a code no registry knows; "" for 0 (not negotiated).
QString version_label(uint16_t version);

// "TLS_AES_128_GCM_SHA256", or "0x1301"-style hex when unknown; "" for 0 with no version.
QString cipher_suite_label(uint16_t suite);

// "complete", "resumed", "fatal alert", "reset", "gap", "incomplete", "mid-stream", "not TLS".
QString outcome_label(tls::HandshakeOutcome outcome);

// "yes", "partly", "no", "no keys", "nothing encrypted", "" (not TLS).
QString decryption_label(DecryptionState state);

// The audit verdict cell: "high (3)", "ok", or "" when the audit did not run on the connection.
QString audit_verdict_label(const TlsColumns& tls);

// A background tint per severity, light enough for black text: info grey-blue, low green,
// medium yellow, high orange, critical red.
QColor severity_background(audit::Severity severity);

}  // namespace tlslens::gui
