// CaptureLoader on real files: the rows it reports for a corpus capture (run on the test thread
// and on a worker thread, as the window runs it), open failures, truncation and cancellation.
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "gui/capture_loader.h"
#include "gui/capture_status_bar.h"
#include "tests/gui/gui_test_suites.h"
#include "tests/gui/synthetic_capture.h"

namespace tlslens::gui::tests {

namespace {

constexpr int kLoadTimeoutMs = 30'000;

// Every row reported by a spy on CaptureLoader::connections_found, in arrival order.
QList<ConnectionRow> rows_from(const QSignalSpy& connections_found) {
  QList<ConnectionRow> rows;
  for (const QList<QVariant>& signal : connections_found) rows += signal.at(1).value<QList<ConnectionRow>>();
  return rows;
}

CaptureLoadResult result_from(const QSignalSpy& load_finished) {
  return load_finished.at(0).at(1).value<CaptureLoadResult>();
}

// The corpus capture's 7 connections all go from 10.42.0.1 to 10.42.0.243:443.
void check_chacha20_capture_rows(const QList<ConnectionRow>& rows) {
  QCOMPARE(rows.size(), 7);
  QSet<uint64_t> ids;
  for (const ConnectionRow& row : rows) {
    QCOMPARE(QString::fromStdString(row.server.to_string()), QStringLiteral("10.42.0.243:443"));
    QCOMPARE(QString::fromStdString(row.client.addr.to_string()), QStringLiteral("10.42.0.1"));
    QVERIFY(row.last_seen >= row.first_seen);
    ids.insert(row.id);
  }
  QCOMPARE(ids, (QSet<uint64_t>{1, 2, 3, 4, 5, 6, 7}));
}

}  // namespace

class CaptureLoaderTest : public QObject {
  Q_OBJECT

 private slots:
  void loads_corpus_capture_on_calling_thread() {
    const QString path = shared_corpus_file(kChacha20Capture);
    if (path.isEmpty()) QSKIP("the shared corpus (../shared/corpus) is not on this machine");

    CaptureLoader loader;
    QSignalSpy found(&loader, &CaptureLoader::connections_found);
    QSignalSpy failed(&loader, &CaptureLoader::load_failed);
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.load(1, path);

    QCOMPARE(failed.count(), 0);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toULongLong(), 1u);
    const CaptureLoadResult result = result_from(finished);
    QCOMPARE(result.path, path);
    QVERIFY(!result.cancelled);
    QVERIFY2(result.problem.isEmpty(), qPrintable(result.problem));
    QVERIFY(result.summary.packets > 0);
    QCOMPARE(result.summary.connections, 7u);
    for (const QList<QVariant>& signal : found) QCOMPARE(signal.at(0).toULongLong(), 1u);
    check_chacha20_capture_rows(rows_from(found));
  }

  void loads_corpus_capture_on_worker_thread() {
    const QString path = shared_corpus_file(kChacha20Capture);
    if (path.isEmpty()) QSKIP("the shared corpus (../shared/corpus) is not on this machine");

    QThread thread;
    auto* loader = new CaptureLoader;
    loader->moveToThread(&thread);
    connect(&thread, &QThread::finished, loader, &QObject::deleteLater);
    // Stop the thread even when a check below fails, or ~QThread aborts the whole test run.
    const auto stop_thread = qScopeGuard([&] {
      thread.quit();
      thread.wait();
    });

    // Signals are received on this thread through queued connections, as the window receives
    // them. (A QSignalSpy on an object of another thread is not safe in Qt 6.4: a signal emitted
    // before wait() starts is missed.)
    QObject receiver;
    QList<ConnectionRow> rows;
    QList<quint64> load_ids;
    bool finished = false;
    connect(loader, &CaptureLoader::connections_found, &receiver,
            [&](quint64 load_id, const QList<ConnectionRow>& batch) {
              load_ids.append(load_id);
              rows += batch;
            });
    connect(loader, &CaptureLoader::load_finished, &receiver, [&](quint64 load_id, const CaptureLoadResult&) {
      load_ids.append(load_id);
      finished = true;
    });
    thread.start();
    QMetaObject::invokeMethod(loader, "load", Qt::QueuedConnection, Q_ARG(quint64, 4), Q_ARG(QString, path));

    QTRY_VERIFY_WITH_TIMEOUT(finished, kLoadTimeoutMs);
    for (quint64 id : load_ids) QCOMPARE(id, 4u);
    check_chacha20_capture_rows(rows);
  }

  void file_that_is_not_a_capture_fails_with_message() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("These are meeting notes, not packets.\nThey are long enough to hold a pcap header.\n");
    file.close();

    CaptureLoader loader;
    QSignalSpy found(&loader, &CaptureLoader::connections_found);
    QSignalSpy failed(&loader, &CaptureLoader::load_failed);
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.load(2, path);

    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(0).toULongLong(), 2u);
    QCOMPARE(failed.at(0).at(1).toString(), path);
    QVERIFY(!failed.at(0).at(2).toString().isEmpty());
    QCOMPARE(finished.count(), 0);
    QCOMPARE(found.count(), 0);
  }

  void missing_file_fails_with_message() {
    CaptureLoader loader;
    QSignalSpy failed(&loader, &CaptureLoader::load_failed);
    loader.load(1, QStringLiteral("/nonexistent/tlslens/capture.pcap"));
    QCOMPARE(failed.count(), 1);
    QVERIFY(!failed.at(0).at(2).toString().isEmpty());
  }

  void truncated_capture_reports_problem_after_its_packets() {
    const QString source = shared_corpus_file(kChacha20Capture);
    if (source.isEmpty()) QSKIP("the shared corpus (../shared/corpus) is not on this machine");
    QFile original(source);
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray bytes = original.readAll();
    QTemporaryDir dir;
    QFile cut(dir.filePath(QStringLiteral("cut.pcap")));
    QVERIFY(cut.open(QIODevice::WriteOnly));
    cut.write(bytes.left(bytes.size() - 10));  // ends inside the last packet
    cut.close();

    CaptureLoader loader;
    QSignalSpy failed(&loader, &CaptureLoader::load_failed);
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.load(1, cut.fileName());

    QCOMPARE(failed.count(), 0);
    QCOMPARE(finished.count(), 1);
    const CaptureLoadResult result = result_from(finished);
    QVERIFY(!result.problem.isEmpty());
    QVERIFY(result.summary.packets > 0);
    QCOMPARE(result.summary.connections, 7u);
  }

  void many_connections_arrive_in_bounded_batches() {
    constexpr int kConnections = 2000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("many.pcap"));
    QVERIFY(write_synthetic_capture(path, kConnections, 100));

    CaptureLoader loader;
    QSignalSpy found(&loader, &CaptureLoader::connections_found);
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.load(1, path);

    QCOMPARE(finished.count(), 1);
    QCOMPARE(result_from(finished).summary.packets, 6u * kConnections);
    QVERIFY(found.count() >= kConnections / CaptureLoader::kMaxBatchRows);
    for (const QList<QVariant>& signal : found)
      QVERIFY(signal.at(1).value<QList<ConnectionRow>>().size() <= CaptureLoader::kMaxBatchRows);
    const QList<ConnectionRow> rows = rows_from(found);
    QCOMPARE(rows.size(), kConnections);
    // Each synthetic connection is complete: SYN, 100 bytes to the server, FIN both ways.
    for (const ConnectionRow& row : rows) {
      QVERIFY(row.handshake_seen);
      QCOMPARE(row.end_reason, EndReason::fin);
      // 6 frames, but the connection ends at the second FIN; the last ACK arrives after it.
      QCOMPARE(row.packets, 5u);
      QCOMPARE(row.bytes_client_to_server, 100u);
      QCOMPARE(row.bytes_server_to_client, 0u);
      QCOMPARE(row.gaps, 0u);
      QCOMPARE(QString::fromStdString(row.server.to_string()), QStringLiteral("10.2.0.1:443"));
    }
  }

  void cancelled_load_reports_cancellation_and_no_rows() {
    const QString path = shared_corpus_file(kChacha20Capture);
    if (path.isEmpty()) QSKIP("the shared corpus (../shared/corpus) is not on this machine");

    CaptureLoader loader;
    QSignalSpy found(&loader, &CaptureLoader::connections_found);
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.cancel_up_to(5);
    loader.load(3, path);  // queued before the cancel, as far as the loader can tell
    QCOMPARE(finished.count(), 1);
    QVERIFY(result_from(finished).cancelled);
    QCOMPARE(found.count(), 0);

    loader.load(6, path);  // a newer load is not affected
    QCOMPARE(finished.count(), 2);
    QVERIFY(!finished.at(1).at(1).value<CaptureLoadResult>().cancelled);
    QCOMPARE(rows_from(found).size(), 7);
  }

  void progress_counts_bytes_up_to_the_file_size() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("many.pcap"));
    QVERIFY(write_synthetic_capture(path, 3000, 100));
    CaptureLoader loader;
    QSignalSpy progress(&loader, &CaptureLoader::progress);
    loader.load(1, path);
    QVERIFY(progress.count() >= 2);
    const quint64 size = static_cast<quint64>(QFileInfo(path).size());
    quint64 previous = 0;
    for (const QList<QVariant>& signal : progress) {
      const quint64 bytes = signal.at(2).toULongLong();
      QCOMPARE(signal.at(3).toULongLong(), size);  // classic pcap: a real percentage
      QVERIFY(bytes >= previous && bytes <= size);
      previous = bytes;
    }
    QCOMPARE(previous, size);  // the offsets are exact: the last packet ends the file
  }

  void pcapng_progress_is_an_estimate_within_the_file() {
    const QString path = captures_file(QStringLiteral("demo.pcapng"));
    CaptureLoader loader;
    QSignalSpy progress(&loader, &CaptureLoader::progress);
    loader.load(1, path);
    QVERIFY(progress.count() >= 1);
    const quint64 size = static_cast<quint64>(QFileInfo(path).size());
    for (const QList<QVariant>& signal : progress) {
      QCOMPARE(signal.at(3).toULongLong(), size);
      QVERIFY(signal.at(2).toULongLong() > 0 && signal.at(2).toULongLong() <= size);
    }
  }

  void compressed_capture_progress_is_indeterminate() {
    CaptureLoader loader;
    QSignalSpy progress(&loader, &CaptureLoader::progress);
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.load(1, captures_file(QStringLiteral("tls12-ecdhe-aes128gcm.pcap.gz")));
    QCOMPARE(finished.count(), 1);
    QVERIFY(progress.count() >= 1);
    for (const QList<QVariant>& signal : progress) QCOMPARE(signal.at(3).toULongLong(), 0u);
  }

  void cancel_stops_at_the_next_packet_and_keeps_what_was_read() {
    constexpr int kConnections = 20'000;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("large.pcap"));
    QVERIFY(write_synthetic_capture(path, kConnections, 100));
    CaptureLoader loader;
    QList<ConnectionRow> rows;
    quint64 packets_at_cancel = 0;
    // The first batch cancels the load, as the Cancel button would between two batches.
    connect(&loader, &CaptureLoader::connections_found, this, [&](quint64, const QList<ConnectionRow>& batch) {
      rows += batch;
    });
    connect(&loader, &CaptureLoader::progress, this, [&](quint64 id, quint64 packets, quint64, quint64) {
      if (packets_at_cancel == 0) {
        packets_at_cancel = packets;
        loader.cancel_up_to(id);
      }
    });
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.load(7, path);
    QCOMPARE(finished.count(), 1);
    const CaptureLoadResult result = result_from(finished);
    QVERIFY(result.cancelled);
    QVERIFY(packets_at_cancel > 0);
    QVERIFY(packets_at_cancel < 6u * kConnections / 2);
    // Promptly: not one packet more than had been read when Cancel was pressed.
    QCOMPARE(result.summary.packets, packets_at_cancel);
    // What was read stays: every connection that had ended, and the analysis to inspect them.
    QVERIFY(rows.size() >= int{CaptureLoader::kMaxBatchRows});
    QCOMPARE(static_cast<quint64>(rows.size()), (packets_at_cancel + 1) / 6);
    QVERIFY(result.analysis);
  }

  void status_bar_shows_percentage_or_busy() {
    CaptureStatusBar bar;
    bar.show_loading(QStringLiteral("/tmp/x.pcap"));
    QCOMPARE(bar.progress_percent(), -1);
    QVERIFY(bar.is_cancellable());
    bar.show_progress(10, 2, 250, 1000);
    QCOMPARE(bar.progress_percent(), 25);
    bar.show_progress(20, 3, 1000, 1000);
    QCOMPARE(bar.progress_percent(), 100);
    bar.show_progress(30, 4, 5000, 0);  // compressed: how far is unknown
    QCOMPARE(bar.progress_percent(), -1);
    bar.show_cancelled(4);
    QVERIFY(!bar.is_cancellable());
    QVERIFY(bar.problem_text().contains(QStringLiteral("cancelled")));
  }
};

std::unique_ptr<QObject> make_capture_loader_test() {
  return std::make_unique<CaptureLoaderTest>();
}

}  // namespace tlslens::gui::tests

#include "test_capture_loader.moc"
