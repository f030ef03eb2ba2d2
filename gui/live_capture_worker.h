// LiveCaptureWorker: the loop of one live capture, on the LiveCaptureController's thread.
//
// run() reads the already opened live source until it ends (the controller's stop() makes it
// end), writes every packet to the spool pcapng file (so the capture can be saved and its
// connections re-read after it stops), runs the pipeline (and the audit) over it, and hands
// rows to the GUI in batches: at most every kBatchInterval, or kMaxBatchRows rows, and also
// when the interface is idle (the source returns every read timeout), so a connection shows up
// within a fraction of a second. A connection appears when it starts (marked open) and again,
// complete, when it ends.
#pragma once

#include <chrono>
#include <memory>

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include "core/capture/packet_source.h"
#include "core/output/event_sink.h"
#include "gui/analysis_settings.h"
#include "gui/connection_row.h"
#include "gui/finding_row.h"

namespace tlslens::gui {

struct LiveCaptureResult {
  QString interface;
  quint64 packets = 0;
  quint64 kernel_dropped = 0;  // packets the kernel dropped (the GUI could not keep up)
  AnalysisSummary summary;
  QString error;  // a read or spool-file error that ended the capture; empty when stopped normally
  QList<QString> warnings;
  QString spool_path;  // the capture as pcapng
};

class LiveCaptureWorker final : public QObject {
  Q_OBJECT

 public:
  static constexpr qsizetype kMaxBatchRows = 500;
  static constexpr std::chrono::milliseconds kBatchInterval{100};

  LiveCaptureWorker(std::shared_ptr<PacketSource> source, std::shared_ptr<const PreparedAnalysis> analysis,
                    QString interface, QString spool_path);

 public slots:
  void run();

 signals:
  void connections_found(const QList<tlslens::gui::ConnectionRow>& rows);
  void findings_found(const QList<tlslens::gui::FindingRow>& findings);
  void progress(quint64 packets, quint64 kernel_dropped);
  void finished(const tlslens::gui::LiveCaptureResult& result);

 private:
  std::shared_ptr<PacketSource> source_;
  std::shared_ptr<const PreparedAnalysis> analysis_;
  QString interface_;
  QString spool_path_;
};

}  // namespace tlslens::gui

Q_DECLARE_METATYPE(tlslens::gui::LiveCaptureResult)
