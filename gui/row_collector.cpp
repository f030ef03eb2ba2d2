#include "gui/row_collector.h"

#include <utility>

#include "gui/display_format.h"

namespace tlslens::gui {

void RowCollector::connection_started(const Connection& connection) {
  if (options_.offsets != nullptr && options_.position != nullptr)
    options_.offsets->record(connection.id,
                             SeekPoint{options_.position->current_record_offset(), connection.first_packet},
                             connection.first_seen);
  if (options_.report_started) {
    ConnectionRow row = make_connection_row(connection);
    row.open = true;
    pending_.append(std::move(row));
  }
}

void RowCollector::tls_record(const Connection& connection, const tls::RecordEvent& record) {
  if (record.encrypted) ++open_[connection.id].encrypted_records;
}

void RowCollector::tls_summary(const Connection& connection, const tls::SessionSummary& summary) {
  OpenConnection& open = open_[connection.id];
  open.tls = make_tls_columns(summary, open.encrypted_records);
  // Its keys may come from an earlier connection's session: it cannot be re-read alone.
  if (summary.resumed && options_.offsets != nullptr) options_.offsets->forget(connection.id);
  if (summary.audit == nullptr) return;
  const QString server = format_endpoint(connection.server);
  for (const audit::FindingEvent& event : summary.audit->findings)
    pending_findings_.append(make_finding_row(connection.id, server, open.tls.sni, event));
}

void RowCollector::connection_ended(const Connection& connection) {
  ConnectionRow row = make_connection_row(connection);
  if (auto it = open_.find(connection.id); it != open_.end()) {
    row.tls = std::move(it->second.tls);
    open_.erase(it);
  }
  pending_.append(std::move(row));
}

QList<ConnectionRow> RowCollector::take_rows() {
  return std::exchange(pending_, {});
}
QList<FindingRow> RowCollector::take_findings() {
  return std::exchange(pending_findings_, {});
}

QList<QString> analysis_warnings(const AnalysisSummary& s) {
  QList<QString> warnings;
  if (s.packets > 0 && s.tcp_segments == 0) warnings.append(QStringLiteral("no TCP packets in this capture"));
  if (s.cut_by_snaplen > 0)
    warnings.append(QStringLiteral("%1 packet(s) cut by the snap length; their missing bytes are gaps")
                        .arg(format_count(s.cut_by_snaplen)));
  if (s.unsupported_link > 0)
    warnings.append(
        QStringLiteral("%1 packet(s) of an unsupported link type skipped").arg(format_count(s.unsupported_link)));
  if (s.evicted_by_cap > 0)
    warnings.append(QStringLiteral("%1 connection(s) evicted by the flow cap").arg(format_count(s.evicted_by_cap)));
  if (s.forced_gaps > 0)
    warnings.append(QStringLiteral("%1 gap(s) forced by the reassembly buffer caps").arg(format_count(s.forced_gaps)));
  return warnings;
}

}  // namespace tlslens::gui
