// LiveCaptureController: starts, stops and saves a live capture for the window — no widgets, so
// tests drive it directly (the LiveCaptureDialog is its face).
//
// Promises:
//  * interfaces() lists what libpcap can capture on (pcap_findalldevs through the core).
//  * start() refuses, with a one-line reason in error() and nothing started, when the filter
//    does not compile (libpcap's message), the interface cannot be opened (the core's
//    message: permission denied names the fix, as the CLI says it), or the key material
//    cannot be read. Opening happens on the calling thread, so the answer is immediate.
//  * Once started, the capture runs on the controller's own thread (LiveCaptureWorker):
//    connections arrive through connections_found as they start (open) and as they end,
//    findings through findings_found, counts through progress — all on the controller's
//    thread, in batches.
//  * stop() returns at once; the capture ends within the source's read timeout (immediately,
//    in practice: stop() wakes the read) and capture_stopped follows, after the last rows.
//  * Every packet goes to a spool pcapng file in a private temporary directory; after the
//    capture has stopped, save() copies it wherever the user wants, and spool_path() is a
//    capture the window can re-read connections from. The spool lives until the next start()
//    or the controller's destruction.
#pragma once

#include <memory>

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>

#include "core/capture/packet_source.h"
#include "gui/analysis_settings.h"
#include "gui/connection_row.h"
#include "gui/finding_row.h"
#include "gui/live_capture_worker.h"

class QTemporaryDir;

namespace tlslens::gui {

struct CaptureInterface {
  QString name;
  QString description;
  QStringList addresses;
  bool loopback = false;
  bool up = false;
  bool running = false;

  // "lo — Loopback device — 127.0.0.1, ::1"
  QString label() const;
};

struct LiveCaptureRequest {
  QString interface;
  QString filter;  // BPF; empty: everything
  AnalysisSettings settings;
};

class LiveCaptureController final : public QObject {
  Q_OBJECT

 public:
  enum class State { idle, capturing, stopping, stopped };

  explicit LiveCaptureController(QObject* parent = nullptr);
  ~LiveCaptureController() override;

  // Interfaces libpcap can capture on, up and running ones first (as libpcap orders them).
  static QList<CaptureInterface> interfaces(QString& error);
  // Why `expression` is not a valid BPF filter (libpcap's message), or "" when it is.
  static QString filter_problem(const QString& expression);
  // Opens the interface with the filter; null with `error` set when it cannot be.
  static std::shared_ptr<PacketSource> open_source(const LiveCaptureRequest& request, QString& error);

  bool start(const LiveCaptureRequest& request);
  void stop();
  // After the capture has stopped: copies it (pcapng) to `path`, replacing a file there.
  bool save(const QString& path, QString& error) const;

  State state() const { return state_; }
  bool is_capturing() const { return state_ == State::capturing || state_ == State::stopping; }
  QString error() const { return error_; }
  QString interface() const { return interface_; }
  QString spool_path() const;
  // The key material and trust store the capture is analysed with (null before a start).
  std::shared_ptr<const PreparedAnalysis> analysis() const { return analysis_; }

 signals:
  void capture_started(const QString& interface);
  void connections_found(const QList<tlslens::gui::ConnectionRow>& rows);
  void findings_found(const QList<tlslens::gui::FindingRow>& findings);
  void progress(quint64 packets, quint64 kernel_dropped);
  void capture_stopped(const tlslens::gui::LiveCaptureResult& result);

 private:
  void on_worker_finished(const LiveCaptureResult& result);

  State state_ = State::idle;
  QString error_;
  QString interface_;
  std::shared_ptr<PacketSource> source_;
  std::shared_ptr<const PreparedAnalysis> analysis_;
  std::unique_ptr<QTemporaryDir> spool_dir_;
  QThread thread_;
  LiveCaptureWorker* worker_ = nullptr;  // lives on thread_ while capturing
};

}  // namespace tlslens::gui
