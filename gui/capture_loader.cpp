#include "gui/capture_loader.h"

#include <exception>
#include <memory>
#include <utility>

#include <QElapsedTimer>
#include <QFile>

#include "core/capture/packet_source.h"
#include "core/net/packet_decoder.h"
#include "core/pipeline/analyzer.h"
#include "gui/display_format.h"

namespace tlslens::gui {

namespace {

// Reading the clock on every packet would cost more than analysing small packets, so the time
// to send a batch is checked once per this many packets.
constexpr uint64_t kPacketsBetweenClockChecks = 1024;

// The EventSink the pipeline reports to: each ended connection becomes a row at once, because the
// Connection it is given is only valid during the callback.
class RowCollector final : public EventSink {
 public:
  void connection_ended(const Connection& connection) override { pending_.append(make_connection_row(connection)); }

  bool has_full_batch() const { return pending_.size() >= CaptureLoader::kMaxBatchRows; }
  bool empty() const { return pending_.isEmpty(); }
  QList<ConnectionRow> take_batch() { return std::exchange(pending_, {}); }

 private:
  QList<ConnectionRow> pending_;
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
  qRegisterMetaType<CaptureLoadResult>();
}

void CaptureLoader::cancel_up_to(quint64 load_id) {
  quint64 current = cancelled_up_to_.load();
  while (current < load_id && !cancelled_up_to_.compare_exchange_weak(current, load_id)) {
  }
}

void CaptureLoader::load(quint64 load_id, const QString& path) {
  CaptureLoadResult result;
  result.path = path;
  if (is_cancelled(load_id)) {
    result.cancelled = true;
    emit load_finished(load_id, result);
    return;
  }

  std::unique_ptr<PacketSource> source;
  try {
    // File names are bytes on disk; encodeName gives the bytes the platform expects.
    source = open_capture_file(FileOptions{QFile::encodeName(path).toStdString(), {}});
  } catch (const std::exception& e) {
    emit load_failed(load_id, path, QString::fromStdString(e.what()));
    return;
  }
  if (!PacketDecoder::supports_link_type(source->link_type())) {
    emit load_failed(load_id, path,
                     QStringLiteral("%1: unsupported link type %2 (%3)")
                         .arg(QString::fromStdString(source->description()),
                              QString::fromStdString(link_type_name(source->link_type())))
                         .arg(source->link_type()));
    return;
  }

  RowCollector collector;
  Analyzer analyzer(AnalyzerOptions{}, collector);
  uint64_t packets_read = 0;
  QElapsedTimer since_last_batch;
  since_last_batch.start();
  auto send_batch = [&] {
    if (!collector.empty()) emit connections_found(load_id, collector.take_batch());
    emit progress(load_id, packets_read);
    since_last_batch.restart();
  };

  // The pipeline promises not to throw on bad packets; this guard is for the unforeseen
  // (e.g. out of memory), which would otherwise terminate the whole GUI from this thread.
  try {
    Packet packet;
    for (bool reading = true; reading;) {
      switch (source->next(packet)) {
        case ReadStatus::packet:
          analyzer.process(packet);
          ++packets_read;
          break;
        case ReadStatus::timeout:  // only live sources time out
          break;
        case ReadStatus::end:
          reading = false;
          break;
        case ReadStatus::truncated:
        case ReadStatus::error:
          result.problem = QString::fromStdString(source->error());
          reading = false;
          break;
      }
      if (is_cancelled(load_id)) {
        // What was read is about to be thrown away, so ending the open connections is not worth it.
        result.cancelled = true;
        emit load_finished(load_id, result);
        return;
      }
      if (collector.has_full_batch() ||
          (packets_read % kPacketsBetweenClockChecks == 0 && since_last_batch.hasExpired(kBatchInterval.count())))
        send_batch();
    }
    analyzer.finish();
  } catch (const std::exception& e) {
    result.problem = QStringLiteral("analysis stopped: %1").arg(QString::fromStdString(e.what()));
  }
  send_batch();
  result.summary = analyzer.summary();
  result.warnings = analysis_warnings(result.summary);
  emit load_finished(load_id, result);
}

}  // namespace tlslens::gui
