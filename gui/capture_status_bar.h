// CaptureStatusBar: what the window says about the open capture — file, packets, connections —
// and, where a user cannot miss it, why the results are missing or incomplete.
//
// States: idle (no capture), loading (progress bar + Cancel), loaded (counts, plus any problem
// or warnings), failed (the error in red). The window drives it; it only displays. While
// loading, the bar shows the percentage of the file read when the file's format tells (bytes
// read out of its size), else it is indeterminate (compressed files).
#pragma once

#include <QList>
#include <QStatusBar>
#include <QString>

class QLabel;
class QProgressBar;
class QPushButton;

namespace tlslens::gui {

struct CaptureLoadResult;
struct LiveCaptureResult;

class CaptureStatusBar final : public QStatusBar {
  Q_OBJECT

 public:
  explicit CaptureStatusBar(QWidget* parent = nullptr);

  void show_loading(const QString& path);
  // total_bytes 0: how far the reading is is unknown (indeterminate bar).
  void show_progress(quint64 packets, quint64 connections, quint64 bytes_read = 0, quint64 total_bytes = 0);
  void show_loaded(const CaptureLoadResult& result, quint64 connections);
  void show_failed(const QString& path, const QString& message);
  void show_cancelled(quint64 connections);
  // A live capture: running (busy bar; File > Capture live… stops it), then stopped.
  void show_live(const QString& interface);
  void show_live_stopped(const LiveCaptureResult& result, quint64 connections);

  // For tests and accessibility: the texts as displayed.
  QString file_text() const;
  QString counts_text() const;
  QString problem_text() const;
  // The percentage the bar shows, or -1 when it is indeterminate or hidden.
  int progress_percent() const;
  bool is_cancellable() const;

 signals:
  void cancel_requested();

 private:
  void show_file(const QString& path);
  void show_counts(quint64 packets, quint64 connections);
  void show_problem(const QString& text, bool is_error);
  void set_busy(bool busy);
  void set_indeterminate();

  QLabel* file_label_;
  QLabel* counts_label_;
  QLabel* problem_label_;
  QProgressBar* busy_bar_;
  QPushButton* cancel_button_;
};

}  // namespace tlslens::gui
