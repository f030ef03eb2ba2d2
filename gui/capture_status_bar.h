// CaptureStatusBar: what the window says about the open capture — file, packets, connections —
// and, where a user cannot miss it, why the results are missing or incomplete.
//
// States: idle (no capture), loading (busy bar + Cancel), loaded (counts, plus any problem or
// warnings), failed (the error in red). The window drives it; it only displays.
#pragma once

#include <QList>
#include <QStatusBar>
#include <QString>

class QLabel;
class QProgressBar;
class QPushButton;

namespace tlslens::gui {

struct CaptureLoadResult;

class CaptureStatusBar final : public QStatusBar {
  Q_OBJECT

 public:
  explicit CaptureStatusBar(QWidget* parent = nullptr);

  void show_loading(const QString& path);
  void show_progress(quint64 packets, quint64 connections);
  void show_loaded(const CaptureLoadResult& result, quint64 connections);
  void show_failed(const QString& path, const QString& message);
  void show_cancelled(quint64 connections);

  // For tests and accessibility: the texts as displayed.
  QString file_text() const;
  QString counts_text() const;
  QString problem_text() const;

 signals:
  void cancel_requested();

 private:
  void show_file(const QString& path);
  void show_counts(quint64 packets, quint64 connections);
  void show_problem(const QString& text, bool is_error);
  void set_busy(bool busy);

  QLabel* file_label_;
  QLabel* counts_label_;
  QLabel* problem_label_;
  QProgressBar* busy_bar_;
  QPushButton* cancel_button_;
};

}  // namespace tlslens::gui
