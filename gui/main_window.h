// MainWindow: the tlslens-gui window — menus, the connection table, the status bar — and the
// owner of the thread that loads captures.
//
// Opening a capture cancels any load in progress, clears the table and starts a new load with
// a fresh id; signals of older loads that arrive afterwards are ignored. Later issues add the
// record tree, hex view, certificates and audit panes beside the table.
#pragma once

#include <QMainWindow>
#include <QString>
#include <QThread>

class QSortFilterProxyModel;
class QTableView;

namespace tlslens::gui {

class CaptureLoader;
class CaptureStatusBar;
class ConnectionTableModel;
struct CaptureLoadResult;
struct ConnectionRow;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  void open_capture(const QString& path);
  // Asks the loader to stop; the table keeps the connections already shown.
  void cancel_loading();
  bool is_loading() const { return loading_; }

  // For tests: the pieces a user looks at.
  QTableView* connection_view() const { return connection_view_; }
  CaptureStatusBar* capture_status_bar() const { return status_bar_; }

 signals:
  // Emitted when a load ends, however it ended (loaded, failed, cancelled).
  void loading_ended();
  // The window's request to its loader, delivered on the loader's thread.
  void load_requested(quint64 load_id, const QString& path);

 private:
  void create_menus();
  void create_connection_view();
  void start_loader_thread();
  void fit_columns_to_contents();
  void choose_and_open_capture();
  void show_about();

  void on_connections_found(quint64 load_id, const QList<tlslens::gui::ConnectionRow>& rows);
  void on_progress(quint64 load_id, quint64 packets_read);
  void on_load_failed(quint64 load_id, const QString& path, const QString& message);
  void on_load_finished(quint64 load_id, const tlslens::gui::CaptureLoadResult& result);

  ConnectionTableModel* connection_model_;
  QSortFilterProxyModel* sorted_connections_;
  QTableView* connection_view_;
  CaptureStatusBar* status_bar_;

  QThread loader_thread_;
  CaptureLoader* loader_ = nullptr;  // lives on loader_thread_, deleted when it finishes
  quint64 current_load_id_ = 0;
  bool loading_ = false;
  bool columns_fitted_ = false;  // column widths are fitted once per capture, to its first rows
  QString last_directory_;
};

}  // namespace tlslens::gui
