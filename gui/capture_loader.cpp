#include "gui/capture_loader.h"

#include <unordered_map>
#include <utility>

#include <QElapsedTimer>

#include "gui/capture_pass.h"
#include "gui/display_format.h"

namespace tlslens::gui {

namespace {

// Reading the clock on every packet would cost more than analysing small packets, so the time
// to send a batch is checked once per this many packets.
constexpr uint64_t kPacketsBetweenClockChecks = 1024;

// The EventSink the pipeline reports to: each ended connection becomes a row at once, because the
// Connection it is given is only valid during the callback. What it keeps between a
// connection's start and end is a few counters and its summary's columns: nothing per record.
class RowCollector final : public EventSink {
 public:
  void tls_record(const Connection& connection, const tls::RecordEvent& record) override {
    if (record.encrypted) ++open_[connection.id].encrypted_records;
  }

  void tls_summary(const Connection& connection, const tls::SessionSummary& summary) override {
    OpenConnection& open = open_[connection.id];
    open.tls = make_tls_columns(summary, open.encrypted_records);
    if (summary.audit == nullptr) return;
    const QString server = format_endpoint(connection.server);
    for (const audit::FindingEvent& event : summary.audit->findings)
      pending_findings_.append(make_finding_row(connection.id, server, open.tls.sni, event));
  }

  void connection_ended(const Connection& connection) override {
    ConnectionRow row = make_connection_row(connection);
    if (auto it = open_.find(connection.id); it != open_.end()) {
      row.tls = std::move(it->second.tls);
      open_.erase(it);
    }
    pending_.append(std::move(row));
  }

  bool has_full_batch() const { return pending_.size() >= CaptureLoader::kMaxBatchRows; }
  QList<ConnectionRow> take_rows() { return std::exchange(pending_, {}); }
  QList<FindingRow> take_findings() { return std::exchange(pending_findings_, {}); }

 private:
  struct OpenConnection {
    uint64_t encrypted_records = 0;
    TlsColumns tls;
  };
  std::unordered_map<uint64_t, OpenConnection> open_;
  QList<ConnectionRow> pending_;
  QList<FindingRow> pending_findings_;
};

// The same conditions the CLI warns about: results that are incomplete for a reason the user
// can act on (capture with a larger snap length, raise a cap).
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

}  // namespace

CaptureLoader::CaptureLoader(QObject* parent) : QObject(parent) {
  // Queued connections copy their arguments through the meta-type system.
  qRegisterMetaType<ConnectionRow>();
  qRegisterMetaType<QList<ConnectionRow>>();
  qRegisterMetaType<FindingRow>();
  qRegisterMetaType<QList<FindingRow>>();
  qRegisterMetaType<CaptureLoadResult>();
  qRegisterMetaType<AnalysisSettings>();
}

void CaptureLoader::cancel_up_to(quint64 load_id) {
  quint64 current = cancelled_up_to_.load();
  while (current < load_id && !cancelled_up_to_.compare_exchange_weak(current, load_id)) {
  }
}

void CaptureLoader::load(quint64 load_id, const QString& path, const AnalysisSettings& settings) {
  CaptureLoadResult result;
  result.path = path;
  if (is_cancelled(load_id)) {
    result.cancelled = true;
    emit load_finished(load_id, result);
    return;
  }

  QString error;
  std::optional<PreparedAnalysis> prepared = prepare_analysis(settings, path, error);
  if (!prepared) {
    emit load_failed(load_id, path, error);
    return;
  }
  auto analysis = std::make_shared<const PreparedAnalysis>(std::move(*prepared));

  RowCollector collector;
  QElapsedTimer since_last_batch;
  since_last_batch.start();
  auto send_batch = [&](uint64_t packets_read) {
    QList<FindingRow> findings = collector.take_findings();
    if (!findings.isEmpty()) emit findings_found(load_id, findings);
    QList<ConnectionRow> rows = collector.take_rows();
    if (!rows.isEmpty()) emit connections_found(load_id, rows);
    emit progress(load_id, packets_read);
    since_last_batch.restart();
  };
  const CapturePassOutcome outcome = run_capture_pass(path, *analysis, collector, [&](uint64_t packets_read) {
    if (is_cancelled(load_id)) return false;
    if (collector.has_full_batch() ||
        (packets_read % kPacketsBetweenClockChecks == 0 && since_last_batch.hasExpired(kBatchInterval.count())))
      send_batch(packets_read);
    return true;
  });

  switch (outcome.status) {
    case CapturePassOutcome::Status::failed:
      emit load_failed(load_id, path, outcome.error);
      return;
    case CapturePassOutcome::Status::stopped:
      // What was read is about to be thrown away, so ending the open connections was not worth it.
      result.cancelled = true;
      emit load_finished(load_id, result);
      return;
    case CapturePassOutcome::Status::finished:
      break;
  }
  send_batch(outcome.packets);
  result.problem = outcome.problem;
  result.summary = outcome.summary;
  result.warnings = analysis_warnings(result.summary) + analysis->warnings;
  result.analysis = std::move(analysis);
  emit load_finished(load_id, result);
}

}  // namespace tlslens::gui
