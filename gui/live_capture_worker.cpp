#include "gui/live_capture_worker.h"

#include <exception>

#include <QElapsedTimer>
#include <QFile>

#include "core/audit/auditor.h"
#include "core/capture/pcapng_writer.h"
#include "core/pipeline/analyzer.h"
#include "gui/row_collector.h"

namespace tlslens::gui {

LiveCaptureWorker::LiveCaptureWorker(std::shared_ptr<PacketSource> source,
                                     std::shared_ptr<const PreparedAnalysis> analysis, QString interface,
                                     QString spool_path)
    : source_(std::move(source)),
      analysis_(std::move(analysis)),
      interface_(std::move(interface)),
      spool_path_(std::move(spool_path)) {}

void LiveCaptureWorker::run() {
  LiveCaptureResult result;
  result.interface = interface_;
  result.spool_path = spool_path_;

  RowCollector collector(RowCollector::Options{nullptr, nullptr, /*report_started=*/true});
  std::unique_ptr<audit::AuditingSink> auditor;
  if (analysis_->trust) {
    audit::AuditOptions audit_options;
    audit_options.trust = analysis_->trust;
    audit_options.now = analysis_->now;
    auditor = std::make_unique<audit::AuditingSink>(std::move(audit_options), collector);
  }
  AnalyzerOptions options;
  options.keys = analysis_->keys;
  if (analysis_->keys) {
    // The key log grows while we capture (a browser writes it as it connects). This KeyMaterial
    // was made for this capture alone and only this thread uses it until the capture stops,
    // so refreshing it in place races with nobody.
    auto keys = std::const_pointer_cast<crypto::KeyMaterial>(analysis_->keys);
    options.refresh_keys = [keys] { keys->key_log.refresh(); };
  }
  Analyzer analyzer(options, auditor ? static_cast<EventSink&>(*auditor) : collector);

  PcapngWriter spool;
  QElapsedTimer since_last_batch;
  since_last_batch.start();
  auto send_batch = [&] {
    if (QList<FindingRow> findings = collector.take_findings(); !findings.isEmpty()) emit findings_found(findings);
    if (QList<ConnectionRow> rows = collector.take_rows(); !rows.isEmpty()) emit connections_found(rows);
    emit progress(result.packets, source_->stats().kernel_dropped);
    since_last_batch.restart();
  };

  try {
    spool.open(QFile::encodeName(spool_path_).toStdString(), static_cast<uint32_t>(source_->snaplen()));
    Packet packet;
    for (bool reading = true; reading;) {
      switch (source_->next(packet)) {
        case ReadStatus::packet:
          spool.write(packet);
          analyzer.process(packet);
          ++result.packets;
          break;
        case ReadStatus::timeout:
          break;
        case ReadStatus::end:
          reading = false;
          break;
        case ReadStatus::truncated:
        case ReadStatus::error:
          result.error = QString::fromStdString(source_->error());
          reading = false;
          break;
      }
      if (collector.has_full_batch(kMaxBatchRows) || since_last_batch.hasExpired(kBatchInterval.count())) send_batch();
    }
    analyzer.finish();  // ends the connections still open: their final rows
    spool.close();
  } catch (const std::exception& e) {
    // A full disk for the spool file, or the unforeseen: the capture ends, and says why.
    if (result.error.isEmpty()) result.error = QString::fromStdString(e.what());
  }
  result.kernel_dropped = source_->stats().kernel_dropped;
  send_batch();
  result.summary = analyzer.summary();
  result.warnings = analysis_warnings(result.summary) + analysis_->warnings;
  if (result.kernel_dropped > 0)
    result.warnings.append(QStringLiteral("the kernel dropped %1 packet(s)").arg(result.kernel_dropped));
  emit finished(result);
}

}  // namespace tlslens::gui
