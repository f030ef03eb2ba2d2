#include "gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QTableView>

#include "gui/capture_loader.h"
#include "gui/capture_status_bar.h"
#include "gui/connection_table_model.h"

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
      sorted_connections_(new QSortFilterProxyModel(this)),
      connection_view_(new QTableView(this)),
      status_bar_(new CaptureStatusBar(this)) {
  setWindowTitle(QStringLiteral("tlslens"));
  resize(kInitialWidth, kInitialHeight);
  create_menus();
  create_connection_view();
  setCentralWidget(connection_view_);
  setStatusBar(status_bar_);
  connect(status_bar_, &CaptureStatusBar::cancel_requested, this, &MainWindow::cancel_loading);
  start_loader_thread();
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
  file_menu->addSeparator();
  QAction* quit_action = file_menu->addAction(tr("&Quit"), this, &QWidget::close);
  quit_action->setShortcut(QKeySequence::Quit);

  QMenu* help_menu = menuBar()->addMenu(tr("&Help"));
  help_menu->addAction(tr("&About tlslens"), this, &MainWindow::show_about);
}

void MainWindow::create_connection_view() {
  sorted_connections_->setSourceModel(connection_model_);
  sorted_connections_->setSortRole(ConnectionTableModel::SortRole);

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
}

void MainWindow::start_loader_thread() {
  loader_ = new CaptureLoader;  // no parent: it moves to another thread
  loader_->moveToThread(&loader_thread_);
  connect(&loader_thread_, &QThread::finished, loader_, &QObject::deleteLater);
  connect(this, &MainWindow::load_requested, loader_, &CaptureLoader::load);
  connect(loader_, &CaptureLoader::connections_found, this, &MainWindow::on_connections_found);
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
  loader_->cancel_up_to(current_load_id_);
  ++current_load_id_;
  loading_ = true;
  columns_fitted_ = false;
  connection_model_->clear();
  last_directory_ = QFileInfo(path).absolutePath();
  setWindowTitle(QStringLiteral("%1 — tlslens").arg(QFileInfo(path).fileName()));
  status_bar_->show_loading(path);
  emit load_requested(current_load_id_, path);
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

void MainWindow::on_progress(quint64 load_id, quint64 packets_read) {
  if (load_id != current_load_id_) return;
  status_bar_->show_progress(packets_read, static_cast<quint64>(connection_model_->rowCount()));
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
  }
  emit loading_ended();
}

}  // namespace tlslens::gui
