// ExportMenu: File > Export — the audit report (HTML, Markdown, JSON, text), the selected
// connection's text output and its decrypted streams (capture_exports.h does the work).
//
// It asks the window, through the two functions it is given, what is open and which connection
// is selected; the entries are enabled only when they can work. An export re-reads the capture,
// which can take a while on a large file, so it runs on its own thread; one at a time. When it
// ends, a message says what was written or why not, and export_finished is emitted (tests wait
// on it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include <QObject>
#include <QString>

#include "gui/capture_exports.h"

class QAction;
class QMenu;
class QThread;
class QWidget;

namespace tlslens::gui {

class ExportMenu final : public QObject {
  Q_OBJECT

 public:
  using SourceQuery = std::function<std::optional<ExportSource>()>;
  using SelectionQuery = std::function<std::optional<uint64_t>()>;

  ExportMenu(QMenu* menu, QWidget* dialog_parent, SourceQuery source, SelectionQuery selected);
  ~ExportMenu() override;

  // Enables what can run now; the window calls it when a load ends or the selection changes.
  void update_actions();
  bool is_running() const { return thread_ != nullptr; }

  // The same jobs without a file dialog: tests and scripted use.
  void export_audit_report_to(AuditReportFormat format, const QString& path);
  void export_connection_text_to(uint64_t connection_id, const QString& path);
  void export_decrypted_streams_to(uint64_t connection_id, const QString& directory);

 signals:
  void export_finished(const tlslens::gui::ExportOutcome& outcome);

 private:
  void choose_audit_report(AuditReportFormat format);
  void choose_connection_text();
  void choose_decrypted_streams();
  void run(const QString& what, std::function<ExportOutcome(const ExportSource&, const CancelCheck&)> job);
  void on_finished(const QString& what, const ExportOutcome& outcome);

  QWidget* dialog_parent_;
  SourceQuery source_;
  SelectionQuery selected_;
  QMenu* audit_menu_;
  QAction* connection_text_action_;
  QAction* decrypted_streams_action_;
  QThread* thread_ = nullptr;
  std::atomic<bool> cancel_{false};
  QString last_directory_;
};

}  // namespace tlslens::gui

Q_DECLARE_METATYPE(tlslens::gui::ExportOutcome)
