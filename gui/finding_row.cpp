#include "gui/finding_row.h"

namespace tlslens::gui {

FindingRow make_finding_row(uint64_t connection_id, const QString& server, const QString& sni,
                            const audit::FindingEvent& event) {
  FindingRow row;
  row.connection_id = connection_id;
  row.server = server;
  row.sni = sni;
  row.record_number = event.record_number;
  row.dir = event.dir;
  row.ts = event.ts;
  row.handshake_type = event.handshake_type;
  row.code = event.finding.code;
  row.severity = event.finding.severity;
  row.party = event.finding.party;
  row.explanation = QString::fromStdString(event.finding.explanation);
  for (const auto& [key, value] : event.finding.evidence)
    row.evidence.append({QString::fromStdString(key), QString::fromStdString(value)});
  return row;
}

QString severity_name(audit::Severity severity) { return QString::fromUtf8(audit::to_string(severity)); }

}  // namespace tlslens::gui
