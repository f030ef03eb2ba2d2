#include "gui/capture_pass.h"

#include <exception>
#include <memory>

#include <QFile>

#include "core/audit/auditor.h"
#include "core/capture/packet_source.h"
#include "core/net/packet_decoder.h"
#include "core/pipeline/analyzer.h"

namespace tlslens::gui {

namespace {

std::unique_ptr<audit::AuditingSink> make_auditor(const PreparedAnalysis& analysis, EventSink& downstream) {
  if (!analysis.trust) return nullptr;
  audit::AuditOptions options;
  options.trust = analysis.trust;
  options.now = analysis.now;
  return std::make_unique<audit::AuditingSink>(std::move(options), downstream);
}

}  // namespace

CapturePassOutcome run_capture_pass(const QString& path, const PreparedAnalysis& analysis, EventSink& sink,
                                    const std::function<bool(uint64_t packets)>& keep_going,
                                    const CapturePassOptions& pass_options) {
  CapturePassOutcome outcome;
  std::unique_ptr<PacketSource> source;
  // File names are bytes on disk; encodeName gives the bytes the platform expects.
  const std::string file_name = QFile::encodeName(path).toStdString();
  if (pass_options.start) {
    std::string error;
    source = open_classic_pcap_at(file_name, *pass_options.start, error);
    if (!source) {
      outcome.status = CapturePassOutcome::Status::failed;
      outcome.error = QString::fromStdString(error);
      return outcome;
    }
  } else {
    try {
      source = open_capture_file(FileOptions{file_name, {}});
    } catch (const std::exception& e) {
      outcome.status = CapturePassOutcome::Status::failed;
      outcome.error = QString::fromStdString(e.what());
      return outcome;
    }
  }
  if (!PacketDecoder::supports_link_type(source->link_type())) {
    outcome.status = CapturePassOutcome::Status::failed;
    outcome.error = QStringLiteral("%1: unsupported link type %2 (%3)")
                        .arg(QString::fromStdString(source->description()),
                             QString::fromStdString(link_type_name(source->link_type())))
                        .arg(source->link_type());
    return outcome;
  }

  std::unique_ptr<audit::AuditingSink> auditor = make_auditor(analysis, sink);
  AnalyzerOptions options;
  options.keys = analysis.keys;
  Analyzer analyzer(options, auditor ? static_cast<EventSink&>(*auditor) : sink);

  // The pipeline promises not to throw on bad packets; this guard is for the unforeseen
  // (e.g. out of memory), which would otherwise terminate the whole GUI from a worker thread.
  try {
    Packet packet;
    for (bool reading = true; reading;) {
      switch (source->next(packet)) {
        case ReadStatus::packet:
          if (pass_options.position != nullptr) pass_options.position->advance(packet);
          analyzer.process(packet);
          ++outcome.packets;
          break;
        case ReadStatus::timeout:  // only live sources time out
          break;
        case ReadStatus::end:
          reading = false;
          break;
        case ReadStatus::truncated:
        case ReadStatus::error:
          outcome.problem = QString::fromStdString(source->error());
          reading = false;
          break;
      }
      if (!keep_going(outcome.packets)) {
        outcome.status = CapturePassOutcome::Status::stopped;
        outcome.summary = analyzer.summary();
        return outcome;
      }
    }
    analyzer.finish();
  } catch (const std::exception& e) {
    outcome.problem = QStringLiteral("analysis stopped: %1").arg(QString::fromStdString(e.what()));
  }
  outcome.summary = analyzer.summary();
  return outcome;
}

}  // namespace tlslens::gui
