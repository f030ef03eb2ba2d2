#include "gui/capture_loader.h"

#include <utility>

#include <QElapsedTimer>

#include "gui/capture_pass.h"
#include "gui/row_collector.h"

namespace tlslens::gui {

namespace {

// Reading the clock on every packet would cost more than analysing small packets, so the time
// to send a batch is checked once per this many packets.
constexpr uint64_t kPacketsBetweenClockChecks = 1024;

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

  CaptureFilePosition position = CaptureFilePosition::of_file(path);
  auto offsets = position.exact() ? std::make_shared<PacketOffsetIndex>() : nullptr;
  RowCollector collector(RowCollector::Options{&position, offsets.get(), false});
  QElapsedTimer since_last_batch;
  since_last_batch.start();
  auto send_batch = [&](uint64_t packets_read) {
    QList<FindingRow> findings = collector.take_findings();
    if (!findings.isEmpty()) emit findings_found(load_id, findings);
    QList<ConnectionRow> rows = collector.take_rows();
    if (!rows.isEmpty()) emit connections_found(load_id, rows);
    emit progress(load_id, packets_read, position.bytes_read(), position.total_bytes());
    since_last_batch.restart();
  };
  const CapturePassOutcome outcome = run_capture_pass(path, *analysis, collector, [&](uint64_t packets_read) {
    if (collector.has_full_batch(kMaxBatchRows) ||
        (packets_read % kPacketsBetweenClockChecks == 0 && since_last_batch.hasExpired(kBatchInterval.count())))
      send_batch(packets_read);
    // After the batch: a cancel that arrived while it was handed over stops before one more packet.
    return !is_cancelled(load_id);
  }, CapturePassOptions{std::nullopt, &position});

  switch (outcome.status) {
    case CapturePassOutcome::Status::failed:
      emit load_failed(load_id, path, outcome.error);
      return;
    case CapturePassOutcome::Status::stopped:
      // The rows collected so far stay with those already shown; connections still open are
      // not ended (that would mean reading on). Their details can still be re-read.
      send_batch(outcome.packets);
      result.cancelled = true;
      result.summary = outcome.summary;
      result.analysis = std::move(analysis);
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
  // Evictions and idle endings depend on what came before a connection: re-reading it alone
  // could end it differently, so every connection is then read from the start.
  if (offsets && result.summary.evicted_by_cap == 0 && result.summary.ended_idle == 0) result.offsets = offsets;
  emit load_finished(load_id, result);
}

}  // namespace tlslens::gui
