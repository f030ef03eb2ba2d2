#include "gui/screenshot_tour.h"

#include <cstdio>

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QGuiApplication>
#include <QPixmap>
#include <QScreen>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeView>

#include "gui/audit_panel.h"
#include "gui/connection_inspector.h"
#include "gui/live_capture_controller.h"
#include "gui/live_capture_dialog.h"
#include "gui/main_window.h"
#include "gui/timeline_model.h"

namespace tlslens::gui {

ScreenshotTour::ScreenshotTour(MainWindow& window, QString directory)
    : QObject(&window), window_(window), directory_(std::move(directory)) {
  connect(&window_, &MainWindow::loading_ended, this, &ScreenshotTour::on_loaded, Qt::QueuedConnection);
  connect(window_.inspector(), &ConnectionInspector::detail_shown, this, &ScreenshotTour::on_detail_shown,
          Qt::QueuedConnection);
}

void ScreenshotTour::on_loaded() {
  if (window_.connection_view()->model()->rowCount() == 0) {
    std::fprintf(stderr, "tlslens-gui: --screenshots: the capture has no connection\n");
    QApplication::exit(2);
    return;
  }
  window_.connection_view()->selectRow(0);
}

void ScreenshotTour::on_detail_shown() {
  ConnectionInspector* inspector = window_.inspector();
  // Open the first message of the first record, and select its first field, to show the tree and the hex view.
  TimelineModel* model = inspector->timeline_model();
  const QModelIndex record = model->index(0, 0);
  const QModelIndex message = model->index(0, 0, record);
  inspector->timeline_view()->expand(record);
  inspector->timeline_view()->expand(message);
  if (model->rowCount(message) > 1) inspector->timeline_view()->setCurrentIndex(model->index(1, 0, message));
  inspector->tabs()->setCurrentIndex(0);
  QTimer::singleShot(200, this, [this] {
    save(QStringLiteral("gui-main-window.png"));
    window_.inspector()->tabs()->setCurrentIndex(2);
    QTimer::singleShot(200, this, [this] {
      save(QStringLiteral("gui-certificates.png"));
      const QPixmap audit = window_.audit_panel()->grab();
      audit.save(QDir(directory_).filePath(QStringLiteral("gui-audit-panel.png")));
      show_live_capture_dialog();
    });
  });
}

void ScreenshotTour::show_live_capture_dialog() {
  // The dialog as a user meets it: loopback chosen, a filter typed, the capture started (as
  // root; otherwise the dialog shows why it could not start, which is worth seeing too).
  // scripts/screenshots.sh makes TLS connections to 127.0.0.1:4433 meanwhile, so the table
  // fills while the dialog stays open beside it.
  window_.inspector()->tabs()->setCurrentIndex(0);
  LiveCaptureDialog* dialog = window_.show_live_capture_dialog();
  dialog->move(window_.x() + window_.width() - dialog->width() - 24, window_.y() + window_.height() / 3);
  dialog->select_interface(QStringLiteral("lo"));
  dialog->filter_edit()->setText(QStringLiteral("tcp port 4433"));
  dialog->start_button()->click();
  QTimer::singleShot(3000, this, [this, dialog] {
    const QString path = QDir(directory_).filePath(QStringLiteral("gui-live-capture.png"));
    // Under X the screen holds both windows; elsewhere (offscreen) only the dialog can be shown.
    QScreen* screen = QGuiApplication::primaryScreen();
    QPixmap shot;
    if (QGuiApplication::platformName() == QStringLiteral("xcb") && screen != nullptr)
      shot = screen->grabWindow(0, 0, 0, window_.width(), window_.height());
    if (shot.isNull()) shot = dialog->grab();
    if (!shot.save(path)) std::fprintf(stderr, "tlslens-gui: cannot write %s\n", qPrintable(path));
    window_.live_capture()->stop();
    QApplication::quit();
  });
}

void ScreenshotTour::save(const QString& name) {
  const QString path = QDir(directory_).filePath(name);
  if (!window_.grab().save(path)) std::fprintf(stderr, "tlslens-gui: cannot write %s\n", qPrintable(path));
}

}  // namespace tlslens::gui
