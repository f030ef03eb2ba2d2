// FindingRow: one audit finding as the audit panel lists it, with the connection and the record
// it belongs to, so that the panel can take the user there.
//
// A plain value (the finding's strings are copied), made on the loader's thread from the
// connection's ConnectionAudit and sent to the GUI thread in the same batches as the rows.
#pragma once

#include <cstdint>

#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

#include "core/audit/connection_audit.h"
#include "core/tcp/stream_consumer.h"
#include "core/util/timestamp.h"

namespace tlslens::gui {

struct FindingRow {
  uint64_t connection_id = 0;
  QString server;  // "10.0.0.1:443", for the panel
  QString sni;
  uint64_t record_number = 0;  // 0: judged at the connection's end, not at a record
  Direction dir = Direction::server_to_client;
  Timestamp ts;
  uint8_t handshake_type = 0;  // the message that showed it; 0 for a record, an alert or the end
  audit::Code code = audit::Code::CHAIN_UNTRUSTED;
  audit::Severity severity = audit::Severity::info;
  audit::Party party = audit::Party::connection;
  QString explanation;
  QList<QPair<QString, QString>> evidence;

  QString code_name() const { return QString::fromUtf8(audit::to_string(code)); }
};

FindingRow make_finding_row(uint64_t connection_id, const QString& server, const QString& sni,
                            const audit::FindingEvent& event);

// "info", "low", "medium", "high", "critical".
QString severity_name(audit::Severity severity);

}  // namespace tlslens::gui

Q_DECLARE_METATYPE(tlslens::gui::FindingRow)
