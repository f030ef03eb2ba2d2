// ScreenshotTour: for docs/ — once the window's capture has loaded, selects its first
// connection, waits for its detail, and saves four PNGs into a directory: the main window
// (timeline), the certificate view, the audit panel, and the live capture dialog capturing on
// lo (scripts/screenshots.sh drives it through `tlslens-gui --screenshots DIR`). The
// application quits when done.
#pragma once

#include <QObject>
#include <QString>

namespace tlslens::gui {

class MainWindow;

class ScreenshotTour final : public QObject {
  Q_OBJECT

 public:
  ScreenshotTour(MainWindow& window, QString directory);

 private:
  void on_loaded();
  void on_detail_shown();
  void show_live_capture_dialog();
  void save(const QString& name);

  MainWindow& window_;
  QString directory_;
};

}  // namespace tlslens::gui
