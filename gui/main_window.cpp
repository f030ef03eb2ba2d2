#include "gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "gui/audit_panel.h"
#include "gui/capture_loader.h"
#include "gui/capture_status_bar.h"
#include "gui/capture_summary.h"
#include "gui/connection_filter_proxy.h"
#include "gui/connection_inspector.h"
#include "gui/connection_table_model.h"
#include "gui/dropped_file.h"
#include "gui/export_menu.h"
#include "gui/live_capture_controller.h"
#include "gui/live_capture_dialog.h"
#include "gui/findings_model.h"
#include "gui/preferences_dialog.h"
#include "gui/settings_store.h"

namespace tlslens::gui {

namespace {

// The headless test machine has no window manager to choose a size; users can still resize.
constexpr int kInitialWidth = 1280;
constexpr int kInitialHeight = 800;
// Contents-fitted columns leave text touching the grid lines; this much air reads better.
constexpr int kColumnPadding = 16;

const char* const kCaptureFileFilter =
    "Captures (*.pcap *.pcapng *.cap *.pcap.gz *.pcapng.gz *.pcap.zst *.pcapng.zst *.pcap.lz4 *.pcapng.lz4);;"
    "All files (*)";

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      connection_model_(new ConnectionTableModel(this)),
      sorted_connections_(new ConnectionFilterProxy(connection_model_, this)),
      connection_view_(new QTableView(this)),
      filter_edit_(new QLineEdit(this)),
      filter_error_label_(new QLabel(this)),
      inspector_(new ConnectionInspector(this)),
      findings_model_(new FindingsModel(this)),
      audit_panel_(new AuditPanel(findings_model_, this)),
      status_bar_(new CaptureStatusBar(this)),
      live_(new LiveCaptureController(this)),
      settings_(read_analysis_settings()),
      recent_files_(read_recent_files()) {
  setWindowTitle(QStringLiteral("tlslens"));
  resize(kInitialWidth, kInitialHeight);
  setAcceptDrops(true);
  create_menus();
  create_connection_view();
  setCentralWidget(create_central_widget());
  create_audit_dock();
  setStatusBar(status_bar_);
  connect(status_bar_, &CaptureStatusBar::cancel_requested, this, &MainWindow::cancel_loading);
  start_loader_thread();
  connect_live_capture();
}

MainWindow::~MainWindow() {
  // Stop a load in progress at its next packet rather than waiting for the whole file.
  loader_->cancel_up_to(current_load_id_);
  loader_thread_.quit();
  loader_thread_.wait();
}

void MainWindow::create_menus() {
  QMenu* file_menu = menuBar()->addMenu(tr("&File"));
  QAction* open_action = file_menu->addAction(tr("&Open…"), this, &MainWindow::choose_and_open_capture);
  open_action->setShortcut(QKeySequence::Open);
  recent_menu_ = file_menu->addMenu(tr("Open &Recent"));
  update_recent_menu();
  QAction* reload_action = file_menu->addAction(tr("&Reload"), this, &MainWindow::reload_capture);
  reload_action->setShortcut(QKeySequence::Refresh);
  QAction* live_action = file_menu->addAction(tr("&Capture live…"), this, &MainWindow::show_live_capture_dialog);
  live_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));  // Wireshark's capture shortcut
  file_menu->addSeparator();
  export_menu_ = new ExportMenu(
      file_menu->addMenu(tr("&Export")), this, [this] { return export_source(); },
      [this] { return selected_connection(); });
  file_menu->addSeparator();
  QAction* quit_action = file_menu->addAction(tr("&Quit"), this, &QWidget::close);
  quit_action->setShortcut(QKeySequence::Quit);

  QMenu* edit_menu = menuBar()->addMenu(tr("&Edit"));
  QAction* find_action = edit_menu->addAction(tr("&Filter connections"), this, [this] { filter_edit_->setFocus(); });
  find_action->setShortcut(QKeySequence::Find);
  QAction* preferences_action = edit_menu->addAction(tr("&Preferences…"), this, &MainWindow::show_preferences);
  preferences_action->setShortcut(QKeySequence::Preferences);

  QMenu* help_menu = menuBar()->addMenu(tr("&Help"));
  help_menu->addAction(tr("&About tlslens"), this, &MainWindow::show_about);
}

void MainWindow::create_connection_view() {
  connection_view_->setModel(sorted_connections_);
  connection_view_->setSortingEnabled(true);
  connection_view_->sortByColumn(ConnectionTableModel::number, Qt::AscendingOrder);
  connection_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  connection_view_->setSelectionMode(QAbstractItemView::SingleSelection);
  connection_view_->setAlternatingRowColors(true);
  connection_view_->setWordWrap(false);
  connection_view_->verticalHeader()->setVisible(false);
  // Rows are single lines; a fixed height spares the view from measuring every row.
  connection_view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  connection_view_->verticalHeader()->setDefaultSectionSize(connection_view_->fontMetrics().height() + 6);
  connection_view_->horizontalHeader()->setStretchLastSection(true);
  connection_view_->horizontalHeader()->setHighlightSections(false);
  fit_columns_to_contents();
  connect(connection_view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::on_connection_selected);
}

QWidget* MainWindow::create_central_widget() {
  filter_edit_->setPlaceholderText(
      tr("Filter: words, or sni:x addr:x port:443 version:1.3 suite:x alpn:x state:x decrypted:no code:CERT_ "
         "severity>=high -term"));
  filter_edit_->setClearButtonEnabled(true);
  filter_edit_->setToolTip(tr("Every term must match. See docs/gui.md for the expression form."));
  filter_error_label_->setStyleSheet(QStringLiteral("color: #b02020"));
  connect(filter_edit_, &QLineEdit::textChanged, this, [this](const QString& text) { apply_filter(text); });

  auto* table_pane = new QWidget(this);
  auto* filter_row = new QHBoxLayout;
  filter_row->addWidget(filter_edit_, 1);
  filter_row->addWidget(filter_error_label_);
  auto* table_layout = new QVBoxLayout(table_pane);
  table_layout->setContentsMargins(0, 0, 0, 0);
  table_layout->addLayout(filter_row);
  table_layout->addWidget(connection_view_, 1);

  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(table_pane);
  split->addWidget(inspector_);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  return split;
}

void MainWindow::create_audit_dock() {
  auto* dock = new QDockWidget(tr("Audit"), this);
  dock->setObjectName(QStringLiteral("audit dock"));
  dock->setWidget(audit_panel_);
  addDockWidget(Qt::BottomDockWidgetArea, dock);
  // The timeline needs the height more than the findings list does.
  resizeDocks({dock}, {kInitialHeight / 5}, Qt::Vertical);
  connect(audit_panel_, &AuditPanel::finding_activated, this, [this](quint64 connection_id, quint64 record_number) {
    select_connection(connection_id);
    inspector_->show_record(connection_id, record_number);
  });
  QMenu* view_menu = menuBar()->addMenu(tr("&View"));
  view_menu->addAction(dock->toggleViewAction());
}

QString MainWindow::filter_error() const { return filter_error_label_->text(); }

bool MainWindow::apply_filter(const QString& text) {
  QString error;
  std::optional<ConnectionFilter> filter = ConnectionFilter::parse(text, error);
  filter_error_label_->setText(error);
  if (!filter) return false;
  sorted_connections_->set_filter(std::move(*filter));
  return true;
}

void MainWindow::select_connection(uint64_t id) {
  const int source_row = connection_model_->row_of(id);
  if (source_row < 0) return;
  QModelIndex index = sorted_connections_->mapFromSource(connection_model_->index(source_row, 0));
  if (!index.isValid()) {  // hidden by the filter
    filter_edit_->clear();
    index = sorted_connections_->mapFromSource(connection_model_->index(source_row, 0));
  }
  connection_view_->selectionModel()->setCurrentIndex(
      index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  connection_view_->scrollTo(index);
}

void MainWindow::on_connection_selected() {
  const QModelIndexList selected = connection_view_->selectionModel()->selectedRows();
  if (selected.isEmpty()) return;
  const int source_row = sorted_connections_->mapToSource(selected.first()).row();
  const uint64_t id = connection_model_->row_at(source_row).id;
  audit_panel_->set_selected_connection(id);
  inspector_->show_connection(id);
  export_menu_->update_actions();
}

std::optional<uint64_t> MainWindow::selected_connection() const {
  if (connection_view_->selectionModel() == nullptr) return std::nullopt;  // still being built
  const QModelIndexList selected = connection_view_->selectionModel()->selectedRows();
  if (selected.isEmpty()) return std::nullopt;
  return connection_model_->row_at(sorted_connections_->mapToSource(selected.first()).row()).id;
}

LiveCaptureDialog* MainWindow::show_live_capture_dialog() {
  if (live_dialog_ == nullptr)
    live_dialog_ = new LiveCaptureDialog(*live_, [this] { return settings_; }, this);
  live_dialog_->show();
  live_dialog_->raise();
  live_dialog_->activateWindow();
  return live_dialog_;
}

void MainWindow::connect_live_capture() {
  connect(live_, &LiveCaptureController::capture_started, this, &MainWindow::on_live_started);
  connect(live_, &LiveCaptureController::capture_stopped, this, &MainWindow::on_live_stopped);
  connect(live_, &LiveCaptureController::connections_found, this, [this](const QList<ConnectionRow>& rows) {
    if (!showing_live_) return;
    connection_model_->update_or_append_rows(rows);
    if (!columns_fitted_) {
      fit_columns_to_contents();
      columns_fitted_ = true;
    }
  });
  connect(live_, &LiveCaptureController::findings_found, this, [this](const QList<FindingRow>& findings) {
    if (showing_live_) findings_model_->append_findings(findings);
  });
  connect(live_, &LiveCaptureController::progress, this, [this](quint64 packets, quint64) {
    if (showing_live_) status_bar_->show_progress(packets, static_cast<quint64>(connection_model_->rowCount()));
  });
}

void MainWindow::on_live_started(const QString& interface) {
  // The live capture takes the table over, as a newly opened file would.
  if (loading_) loader_->cancel_up_to(current_load_id_);
  ++current_load_id_;  // late signals of a file load are dropped
  loading_ = false;
  showing_live_ = true;
  columns_fitted_ = false;
  loaded_.reset();
  capture_path_.clear();
  connection_model_->clear();
  findings_model_->clear();
  inspector_->clear();
  inspector_->set_capture(QString(), nullptr);
  audit_panel_->set_summary(CaptureSummary{});
  setWindowTitle(tr("live: %1 — tlslens").arg(interface));
  status_bar_->show_live(interface);
  export_menu_->update_actions();
}

void MainWindow::on_live_stopped(const LiveCaptureResult& result) {
  if (!showing_live_) return;
  status_bar_->show_live_stopped(result, static_cast<quint64>(connection_model_->rowCount()));
  // The spool file holds every packet: connections are re-read and exported from it.
  loaded_ = ExportSource{result.spool_path, live_->analysis(), nullptr};
  inspector_->set_capture(result.spool_path, live_->analysis());
  audit_panel_->set_summary(CaptureSummary::of(connection_model_->rows(), findings_model_->findings()));
  if (const QModelIndexList selected = connection_view_->selectionModel()->selectedRows(); !selected.isEmpty())
    on_connection_selected();
  export_menu_->update_actions();
}

void MainWindow::update_recent_menu() {
  recent_menu_->clear();
  for (const QString& path : recent_files_)
    recent_menu_->addAction(QFileInfo(path).fileName(), this, [this, path] { open_capture(path); })->setToolTip(path);
  recent_menu_->setEnabled(!recent_files_.isEmpty());
}

void MainWindow::remember_recent(const QString& path) {
  recent_files_ = with_recent_file(recent_files_, QFileInfo(path).absoluteFilePath());
  write_recent_files(recent_files_);
  update_recent_menu();
}

void MainWindow::show_preferences() {
  auto* dialog = new PreferencesDialog(settings_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] { set_analysis_settings(dialog->settings()); });
  dialog->open();
}

void MainWindow::set_analysis_settings(const AnalysisSettings& settings, bool remember) {
  if (settings == settings_) return;
  settings_ = settings;
  if (remember) write_analysis_settings(settings_);
  reload_capture();
}

void MainWindow::reload_capture() {
  if (!capture_path_.isEmpty()) open_capture(capture_path_);
}

void MainWindow::open_dropped_file(const QString& path) {
  AnalysisSettings settings = settings_;
  switch (classify_dropped_file(path)) {
    case DroppedFileKind::capture:
      open_capture(path);
      return;
    case DroppedFileKind::key_log:
      settings.key_log_file = path;
      break;
    case DroppedFileKind::rsa_key:
      if (!settings.rsa_key_files.contains(path)) settings.rsa_key_files.append(path);
      break;
    case DroppedFileKind::ca_file:
      settings.ca_file = path;
      break;
    case DroppedFileKind::unknown:
      // libpcap knows formats the sniffing does not (and says clearly when it cannot read one).
      open_capture(path);
      return;
  }
  set_analysis_settings(settings);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  // Key material first, so that a capture dropped with its key log is analysed with it.
  QStringList captures;
  for (const QUrl& url : event->mimeData()->urls()) {
    if (!url.isLocalFile()) continue;
    const QString path = url.toLocalFile();
    if (classify_dropped_file(path) == DroppedFileKind::capture) {
      captures.append(path);
    } else {
      open_dropped_file(path);
    }
  }
  if (!captures.isEmpty()) open_capture(captures.last());
  event->acceptProposedAction();
}

void MainWindow::start_loader_thread() {
  loader_ = new CaptureLoader;  // no parent: it moves to another thread
  loader_->moveToThread(&loader_thread_);
  connect(&loader_thread_, &QThread::finished, loader_, &QObject::deleteLater);
  connect(this, &MainWindow::load_requested, loader_,
          qOverload<quint64, const QString&, const AnalysisSettings&>(&CaptureLoader::load));
  connect(loader_, &CaptureLoader::connections_found, this, &MainWindow::on_connections_found);
  connect(loader_, &CaptureLoader::findings_found, this, &MainWindow::on_findings_found);
  connect(loader_, &CaptureLoader::progress, this, &MainWindow::on_progress);
  connect(loader_, &CaptureLoader::load_failed, this, &MainWindow::on_load_failed);
  connect(loader_, &CaptureLoader::load_finished, this, &MainWindow::on_load_finished);
  loader_thread_.setObjectName(QStringLiteral("capture loader"));
  loader_thread_.start();
}

void MainWindow::fit_columns_to_contents() {
  connection_view_->resizeColumnsToContents();
  // The last column stretches to the window's edge anyway; widening it too would only add a scroll bar.
  for (int column = 0; column + 1 < connection_model_->columnCount(); ++column)
    connection_view_->setColumnWidth(column, connection_view_->columnWidth(column) + kColumnPadding);
}

void MainWindow::open_capture(const QString& path) {
  // A file replaces a live capture in the table; the capture itself stops.
  showing_live_ = false;
  live_->stop();
  loaded_.reset();
  loader_->cancel_up_to(current_load_id_);
  ++current_load_id_;
  loading_ = true;
  columns_fitted_ = false;
  connection_model_->clear();
  findings_model_->clear();
  inspector_->clear();
  inspector_->set_capture(path, nullptr);
  audit_panel_->set_summary(CaptureSummary{});
  capture_path_ = path;
  last_directory_ = QFileInfo(path).absolutePath();
  setWindowTitle(QStringLiteral("%1 — tlslens").arg(QFileInfo(path).fileName()));
  status_bar_->show_loading(path);
  emit load_requested(current_load_id_, path, settings_);
}

void MainWindow::cancel_loading() {
  if (loading_) loader_->cancel_up_to(current_load_id_);
}

void MainWindow::choose_and_open_capture() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open capture"), last_directory_, QString::fromLatin1(kCaptureFileFilter));
  if (!path.isEmpty()) open_capture(path);
}

void MainWindow::show_about() {
  QMessageBox::about(this, tr("About tlslens"),
                     tr("<h3>tlslens %1</h3>"
                        "<p>A diagnostic TLS traffic analyzer in the tradition of ssldump: it reassembles TCP, "
                        "decodes TLS, decrypts with key material and audits what it saw.</p>"
                        "<p>Times shown are capture times, in UTC.</p>")
                         .arg(QStringLiteral(TLSLENS_VERSION)));
}

void MainWindow::on_connections_found(quint64 load_id, const QList<ConnectionRow>& rows) {
  if (load_id != current_load_id_) return;
  connection_model_->append_rows(rows);
  if (!columns_fitted_) {
    // Fit once to the first rows: refitting on every batch would make columns jump while loading.
    fit_columns_to_contents();
    columns_fitted_ = true;
  }
}

void MainWindow::on_findings_found(quint64 load_id, const QList<FindingRow>& findings) {
  if (load_id != current_load_id_) return;
  findings_model_->append_findings(findings);
}

void MainWindow::on_progress(quint64 load_id, quint64 packets_read, quint64 bytes_read, quint64 total_bytes) {
  if (load_id != current_load_id_) return;
  status_bar_->show_progress(packets_read, static_cast<quint64>(connection_model_->rowCount()), bytes_read,
                             total_bytes);
}

void MainWindow::on_load_failed(quint64 load_id, const QString& path, const QString& message) {
  if (load_id != current_load_id_) return;
  loading_ = false;
  setWindowTitle(QStringLiteral("tlslens"));
  status_bar_->show_failed(path, message);
  // Not exec(): a nested event loop here would let further loader signals run inside this slot.
  auto* box = new QMessageBox(QMessageBox::Critical, tr("Cannot open capture"),
                              tr("tlslens could not open %1.").arg(QFileInfo(path).fileName()), QMessageBox::Ok, this);
  box->setInformativeText(message);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
  emit loading_ended();
}

void MainWindow::on_load_finished(quint64 load_id, const CaptureLoadResult& result) {
  if (load_id != current_load_id_) return;
  loading_ = false;
  const auto shown = static_cast<quint64>(connection_model_->rowCount());
  if (result.cancelled) {
    status_bar_->show_cancelled(shown);
  } else {
    status_bar_->show_loaded(result, shown);
    remember_recent(result.path);
  }
  inspector_->set_capture(result.path, result.analysis, result.offsets);
  if (result.analysis) loaded_ = ExportSource{result.path, result.analysis, result.offsets};
  audit_panel_->set_summary(CaptureSummary::of(connection_model_->rows(), findings_model_->findings()));
  // A connection selected while loading is shown now that its detail can be read.
  if (const QModelIndexList selected = connection_view_->selectionModel()->selectedRows(); !selected.isEmpty())
    on_connection_selected();
  export_menu_->update_actions();
  emit loading_ended();
}

}  // namespace tlslens::gui
