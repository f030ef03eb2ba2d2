// MainWindow end to end, offscreen: what a user sees after opening a good capture and a bad file.
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "gui/capture_status_bar.h"
#include "gui/connection_table_model.h"
#include "gui/main_window.h"
#include "tests/gui/gui_test_suites.h"
#include "tests/gui/synthetic_capture.h"

namespace tlslens::gui::tests {

namespace {

constexpr int kLoadTimeoutMs = 30'000;

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void starts_empty_with_explicit_size() {
    MainWindow window;
    QCOMPARE(window.size(), QSize(1280, 800));
    QCOMPARE(window.connection_view()->model()->columnCount(), static_cast<int>(ConnectionTableModel::column_count));
    QCOMPARE(window.connection_view()->model()->rowCount(), 0);
    QCOMPARE(window.capture_status_bar()->file_text(), QStringLiteral("No capture open"));
    QVERIFY(!window.is_loading());
  }

  void opening_capture_fills_table_and_status_bar() {
    const QString path = shared_corpus_file(kChacha20Capture);
    if (path.isEmpty()) QSKIP("the shared corpus (../shared/corpus) is not on this machine");

    MainWindow window;
    QSignalSpy ended(&window, &MainWindow::loading_ended);
    window.open_capture(path);
    QVERIFY(window.is_loading());
    QVERIFY(ended.wait(kLoadTimeoutMs));

    QVERIFY(!window.is_loading());
    const QAbstractItemModel* table = window.connection_view()->model();
    QCOMPARE(table->rowCount(), 7);
    // Sorted by connection number by default.
    for (int row = 0; row < table->rowCount(); ++row) {
      QCOMPARE(table->data(table->index(row, ConnectionTableModel::number)).toInt(), row + 1);
      QCOMPARE(table->data(table->index(row, ConnectionTableModel::server)).toString(),
               QStringLiteral("10.42.0.243:443"));
    }
    const CaptureStatusBar* status = window.capture_status_bar();
    QCOMPARE(status->file_text(), QFileInfo(path).fileName());
    QVERIFY2(
        QRegularExpression(QStringLiteral("^[0-9,]+ packets · 7 connections$")).match(status->counts_text()).hasMatch(),
        qPrintable(status->counts_text()));
    QVERIFY2(status->problem_text().isEmpty(), qPrintable(status->problem_text()));
    QVERIFY(window.windowTitle().contains(QFileInfo(path).fileName()));
  }

  void opening_non_capture_shows_error_in_status_bar_and_dialog() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("readme.txt"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("plain text, certainly not a packet capture file\n");
    file.close();

    MainWindow window;
    QSignalSpy ended(&window, &MainWindow::loading_ended);
    window.open_capture(path);
    QVERIFY(ended.wait(kLoadTimeoutMs));

    QCOMPARE(window.connection_view()->model()->rowCount(), 0);
    QVERIFY2(window.capture_status_bar()->problem_text().contains(QStringLiteral("Could not open")),
             qPrintable(window.capture_status_bar()->problem_text()));
    auto* box = window.findChild<QMessageBox*>();
    QVERIFY(box != nullptr);
    QVERIFY(box->isVisible());
    QVERIFY(!box->informativeText().isEmpty());
    box->close();
  }

  void large_capture_fills_table_progressively() {
    constexpr int kConnections = 20000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("large.pcap"));
    QVERIFY(write_synthetic_capture(path, kConnections));

    MainWindow window;
    QSignalSpy ended(&window, &MainWindow::loading_ended);
    QSignalSpy rows_inserted(window.connection_view()->model(), &QAbstractItemModel::rowsInserted);
    window.open_capture(path);
    QVERIFY(ended.wait(kLoadTimeoutMs));

    QCOMPARE(window.connection_view()->model()->rowCount(), kConnections);
    QVERIFY(rows_inserted.count() > 1);  // in batches, not all at the end
    QCOMPARE(window.capture_status_bar()->counts_text(), QStringLiteral("120,000 packets · 20,000 connections"));
  }

  void cancelling_stops_a_load_and_says_so() {
    constexpr int kConnections = 50000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("large.pcap"));
    QVERIFY(write_synthetic_capture(path, kConnections));

    MainWindow window;
    QSignalSpy ended(&window, &MainWindow::loading_ended);
    window.open_capture(path);
    window.cancel_loading();
    QVERIFY(ended.wait(kLoadTimeoutMs));

    QVERIFY(!window.is_loading());
    QVERIFY(window.connection_view()->model()->rowCount() < kConnections);
    QVERIFY2(window.capture_status_bar()->problem_text().contains(QStringLiteral("cancelled")),
             qPrintable(window.capture_status_bar()->problem_text()));
  }

  void a_newer_open_replaces_the_older_one() {
    const QString path = shared_corpus_file(kChacha20Capture);
    if (path.isEmpty()) QSKIP("the shared corpus (../shared/corpus) is not on this machine");

    MainWindow window;
    QSignalSpy ended(&window, &MainWindow::loading_ended);
    window.open_capture(path);
    window.open_capture(path);  // the first load's late signals must not add rows
    QVERIFY(ended.wait(kLoadTimeoutMs));
    QTest::qWait(200);  // let any stale signals arrive
    QCOMPARE(ended.count(), 1);
    QCOMPARE(window.connection_view()->model()->rowCount(), 7);
  }
};

std::unique_ptr<QObject> make_main_window_test() {
  return std::make_unique<MainWindowTest>();
}

}  // namespace tlslens::gui::tests

#include "test_main_window.moc"
