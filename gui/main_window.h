// MainWindow: the tlslens-gui window — menus, the filter box over the connection table, the
// selected connection's inspector (timeline, bytes, data, certificates) below it, the audit
// panel (a dock), the status bar — and the owner of the thread that loads captures.
//
// Opening a capture cancels any load in progress, clears the models and starts a new load with
// a fresh id; signals of older loads that arrive afterwards are ignored. The analysis settings
// (key log, RSA keys, CA file: Edit > Preferences, or dropped on the window) apply to the next
// load; changing them while a capture is open analyses it again.
//
// File > Capture live… drives the window's LiveCaptureController through a LiveCaptureDialog:
// a live capture takes the table over like a file load (connections appear as they start and
// are completed when they end); once stopped, its connections can be inspected and exported
// from the capture's spool file. File > Export (ExportMenu) exports the audit report and the
// selected connection's text and decrypted streams.
#pragma once

#include <memory>
#include <optional>

#include <QMainWindow>
#include <QString>
#include <QStringList>
#include <QThread>

#include "gui/analysis_settings.h"
#include "gui/capture_exports.h"

class QLabel;
class QLineEdit;
class QMenu;
class QTableView;

namespace tlslens::gui {

class AuditPanel;
class CaptureLoader;
class CaptureStatusBar;
class ExportMenu;
class LiveCaptureController;
class LiveCaptureDialog;
struct LiveCaptureResult;
class ConnectionFilterProxy;
class ConnectionInspector;
class ConnectionTableModel;
class FindingsModel;
struct CaptureLoadResult;
struct ConnectionRow;
struct FindingRow;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  void open_capture(const QString& path);
  // Opens the current capture again with the current settings.
  void reload_capture();
  const AnalysisSettings& analysis_settings() const { return settings_; }
  // Uses the settings (remembering them for the next run unless `remember` is false) and, when
  // a capture is open, analyses it again with them.
  void set_analysis_settings(const AnalysisSettings& settings, bool remember = true);
  // Parses and applies the filter text; false (the error shown beside the box) when it does not parse.
  bool apply_filter(const QString& text);
  // Selects connection `id` in the table (clearing a filter that hides it) and shows it.
  void select_connection(uint64_t id);
  // A file dropped on the window or given on the command line: a capture opens; a key log,
  // RSA key or CA file becomes part of the settings (and the capture is analysed again).
  void open_dropped_file(const QString& path);
  QStringList recent_files() const { return recent_files_; }
  // Asks the loader to stop; the table keeps the connections already shown.
  void cancel_loading();
  bool is_loading() const { return loading_; }

  // For tests: the pieces a user looks at.
  QTableView* connection_view() const { return connection_view_; }
  CaptureStatusBar* capture_status_bar() const { return status_bar_; }
  ConnectionTableModel* connection_model() const { return connection_model_; }
  ConnectionFilterProxy* connection_proxy() const { return sorted_connections_; }
  QLineEdit* filter_edit() const { return filter_edit_; }
  QString filter_error() const;
  ConnectionInspector* inspector() const { return inspector_; }
  FindingsModel* findings_model() const { return findings_model_; }
  AuditPanel* audit_panel() const { return audit_panel_; }
  LiveCaptureController* live_capture() const { return live_; }
  ExportMenu* export_menu() const { return export_menu_; }
  // Opens (or raises) File > Capture live…
  LiveCaptureDialog* show_live_capture_dialog();
  // The capture exports and re-reads work on: the loaded file, or a stopped live capture's spool.
  std::optional<ExportSource> export_source() const { return loaded_; }
  std::optional<uint64_t> selected_connection() const;

 signals:
  // Emitted when a load ends, however it ended (loaded, failed, cancelled).
  void loading_ended();
  // The window's request to its loader, delivered on the loader's thread.
  void load_requested(quint64 load_id, const QString& path, const tlslens::gui::AnalysisSettings& settings);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void create_menus();
  void create_connection_view();
  QWidget* create_central_widget();
  void create_audit_dock();
  void update_recent_menu();
  void remember_recent(const QString& path);
  void show_preferences();
  void on_connection_selected();
  void start_loader_thread();
  void fit_columns_to_contents();
  void choose_and_open_capture();
  void show_about();
  void connect_live_capture();
  void on_live_started(const QString& interface);
  void on_live_stopped(const tlslens::gui::LiveCaptureResult& result);

  void on_connections_found(quint64 load_id, const QList<tlslens::gui::ConnectionRow>& rows);
  void on_findings_found(quint64 load_id, const QList<tlslens::gui::FindingRow>& findings);
  void on_progress(quint64 load_id, quint64 packets_read, quint64 bytes_read, quint64 total_bytes);
  void on_load_failed(quint64 load_id, const QString& path, const QString& message);
  void on_load_finished(quint64 load_id, const tlslens::gui::CaptureLoadResult& result);

  ConnectionTableModel* connection_model_;
  ConnectionFilterProxy* sorted_connections_;
  QTableView* connection_view_;
  QLineEdit* filter_edit_;
  QLabel* filter_error_label_;
  ConnectionInspector* inspector_;
  FindingsModel* findings_model_;
  AuditPanel* audit_panel_;
  CaptureStatusBar* status_bar_;
  QMenu* recent_menu_ = nullptr;
  LiveCaptureController* live_;
  LiveCaptureDialog* live_dialog_ = nullptr;
  ExportMenu* export_menu_ = nullptr;
  bool showing_live_ = false;  // the table shows the live capture, not a file
  std::optional<ExportSource> loaded_;

  AnalysisSettings settings_;
  QString capture_path_;  // the capture shown (or being loaded)
  QStringList recent_files_;

  QThread loader_thread_;
  CaptureLoader* loader_ = nullptr;  // lives on loader_thread_, deleted when it finishes
  quint64 current_load_id_ = 0;
  bool loading_ = false;
  bool columns_fitted_ = false;  // column widths are fitted once per capture, to its first rows
  QString last_directory_;
};

}  // namespace tlslens::gui
