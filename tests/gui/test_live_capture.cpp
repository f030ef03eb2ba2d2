// LiveCaptureController (and its dialog's filter check): interfaces, a filter libpcap rejects,
// the permission error without root, and — as root — a real capture on lo of a TLS connection
// this test makes to 127.0.0.1, saved as pcapng and opened again.
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "gui/capture_loader.h"
#include "gui/connection_inspector.h"
#include "gui/connection_table_model.h"
#include "gui/live_capture_controller.h"
#include "gui/live_capture_dialog.h"
#include "gui/main_window.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

constexpr int kExchangeTimeoutMs = 20'000;
constexpr int kRowTimeoutMs = 15'000;
constexpr int kExchangeAttempts = 3;
// The unprivileged user the permission test becomes (nobody).
constexpr uid_t kUnprivilegedId = 65534;

// A port nothing listens on now (the OS's choice), for the exchange and the filter.
quint16 free_loopback_port() {
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  if (probe < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  quint16 port = 0;
  if (bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  close(probe);
  return port;
}

// Runs tests/gui/tls_exchange.py against 127.0.0.1:port (the client writing its secrets to
// `key_log` when given); true when the client got its reply.
bool tls_exchange(quint16 port, const QString& key_log = {}) {
  QProcess python;
  python.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  QStringList arguments{captures_file(QStringLiteral("../tests/gui/tls_exchange.py")), QString::number(port),
                        captures_file(QStringLiteral("certs/server-chain.pem")),
                        captures_file(QStringLiteral("certs/server.key"))};
  if (!key_log.isEmpty()) arguments.append(key_log);
  python.start(QStringLiteral("python3"), arguments);
  if (!python.waitForFinished(kExchangeTimeoutMs)) {
    python.kill();
    python.waitForFinished();
    return false;
  }
  return python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0;
}

// The message opening `lo` gives a process that is not allowed to capture. As root, a child
// process drops to an unprivileged user first (setuid drops every capability), so the real
// libpcap error path runs; the child writes the message to a pipe.
QString unprivileged_open_error() {
  const LiveCaptureRequest request{QStringLiteral("lo"), QString(), AnalysisSettings{}};
  QString error;
  if (geteuid() != 0) {
    if (LiveCaptureController::open_source(request, error)) return QStringLiteral("<opened>");
    return error;
  }
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return QStringLiteral("<pipe failed>");
  const pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    QByteArray message = "<could not drop privileges>";
    if (setgroups(0, nullptr) == 0 && setgid(kUnprivilegedId) == 0 && setuid(kUnprivilegedId) == 0)
      message = LiveCaptureController::open_source(request, error) ? QByteArray("<opened>") : error.toUtf8();
    const ssize_t written = write(pipe_fds[1], message.constData(), static_cast<size_t>(message.size()));
    _exit(written == message.size() ? 0 : 1);
  }
  close(pipe_fds[1]);
  QByteArray message;
  char buffer[512];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0;) message.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return QString::fromUtf8(message);
}

}  // namespace

class LiveCaptureTest : public QObject {
  Q_OBJECT

 private slots:
  void lists_interfaces_with_loopback() {
    QString error;
    const QList<CaptureInterface> interfaces = LiveCaptureController::interfaces(error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto lo = std::find_if(interfaces.begin(), interfaces.end(),
                                 [](const CaptureInterface& i) { return i.name == QStringLiteral("lo"); });
    QVERIFY2(lo != interfaces.end(), "pcap_findalldevs did not list lo");
    QVERIFY(lo->loopback);
    QVERIFY(lo->label().startsWith(QStringLiteral("lo")));
  }

  void invalid_filter_is_refused_with_libpcap_message() {
    QCOMPARE(LiveCaptureController::filter_problem(QStringLiteral("tcp port 443")), QString());
    QCOMPARE(LiveCaptureController::filter_problem(QString()), QString());
    const QString problem = LiveCaptureController::filter_problem(QStringLiteral("tcp port"));
    QVERIFY2(problem.contains(QStringLiteral("invalid filter 'tcp port'")), qPrintable(problem));
    QVERIFY2(problem.contains(QStringLiteral("syntax error")), qPrintable(problem));  // libpcap's words

    LiveCaptureController controller;
    QSignalSpy started(&controller, &LiveCaptureController::capture_started);
    QVERIFY(!controller.start({QStringLiteral("lo"), QStringLiteral("tcp port"), AnalysisSettings{}}));
    QCOMPARE(controller.error(), problem);
    QCOMPARE(controller.state(), LiveCaptureController::State::idle);
    QCOMPARE(started.count(), 0);
  }

  void dialog_will_not_start_a_bad_filter() {
    LiveCaptureController controller;
    LiveCaptureDialog dialog(controller, [] { return AnalysisSettings{}; });
    dialog.select_interface(QStringLiteral("lo"));
    dialog.filter_edit()->setText(QStringLiteral("port 443 and and"));
    QVERIFY(dialog.filter_error_text().contains(QStringLiteral("invalid filter")));
    QVERIFY(!dialog.start_button()->isEnabled());
    dialog.filter_edit()->setText(QStringLiteral("port 443"));
    QCOMPARE(dialog.filter_error_text(), QString());
    QVERIFY(dialog.start_button()->isEnabled());
    QVERIFY(!dialog.stop_button()->isEnabled());
    QVERIFY(!dialog.save_button()->isEnabled());
  }

  void unprivileged_capture_fails_with_the_fix() {
    const QString error = unprivileged_open_error();
    if (error == QStringLiteral("<opened>"))
      QSKIP("this process may capture without root (capabilities), so there is no permission error to see");
    if (error == QStringLiteral("<could not drop privileges>"))
      QSKIP("the test runs as root and could not become an unprivileged user (setuid refused here)");
    // The core's message, as the CLI prints it: what failed and the setcap command that fixes it.
    QVERIFY2(error.contains(QStringLiteral("cannot capture on lo: permission denied")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("setcap cap_net_raw,cap_net_admin+eip")), qPrintable(error));
  }

  void save_needs_a_stopped_capture() {
    LiveCaptureController controller;
    QString error;
    QTemporaryDir dir;
    QVERIFY(!controller.save(dir.filePath(QStringLiteral("x.pcapng")), error));
    QVERIFY(error.contains(QStringLiteral("stop the capture first")));
  }

  void captures_loopback_tls_connection_and_saves_pcapng() {
    if (geteuid() != 0) QSKIP("live capture on lo needs root (CI runs as root)");
    LiveCaptureController controller;
    QList<ConnectionRow> rows;
    connect(&controller, &LiveCaptureController::connections_found, this,
            [&](const QList<ConnectionRow>& batch) { rows += batch; });
    QSignalSpy stopped(&controller, &LiveCaptureController::capture_stopped);

    // The client writes the key log during the handshake: it does not exist when the capture
    // starts, so the capture must watch for it and read it as it grows (as the CLI does).
    QTemporaryDir key_dir;
    const QString key_log = key_dir.filePath(QStringLiteral("live.keys"));
    AnalysisSettings settings;
    settings.key_log_file = key_log;

    // Only the exchange's port passes the filter, so other traffic on lo cannot confuse the test.
    quint16 port = 0;
    bool exchanged = false;
    for (int attempt = 0; attempt < kExchangeAttempts && !exchanged; ++attempt) {
      if (controller.is_capturing()) {
        controller.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!controller.is_capturing(), kRowTimeoutMs);
      }
      port = free_loopback_port();
      QVERIFY(port != 0);
      rows.clear();
      QVERIFY2(controller.start({QStringLiteral("lo"), QStringLiteral("tcp port %1").arg(port), settings}),
               qPrintable(controller.error()));
      exchanged = tls_exchange(port, key_log);
    }
    QVERIFY2(exchanged, "no TLS exchange on loopback succeeded");

    // The connection shows as it happens: open first (maybe in the same batch), then ended.
    auto ended_row = [&]() -> const ConnectionRow* {
      for (const ConnectionRow& row : rows)
        if (row.server.port == port && !row.open) return &row;
      return nullptr;
    };
    QTRY_VERIFY_WITH_TIMEOUT(ended_row() != nullptr, kRowTimeoutMs);
    const ConnectionRow row = *ended_row();
    QCOMPARE(QString::fromStdString(row.server.addr.to_string()), QStringLiteral("127.0.0.1"));
    QVERIFY(row.handshake_seen);
    QVERIFY(row.tls.is_tls);
    QCOMPARE(row.tls.sni, QStringLiteral("localhost"));
    QVERIFY(row.bytes_client_to_server > 0 && row.bytes_server_to_client > 0);
    // Decrypted with secrets that appeared during the capture (TLS 1.3: what went by before the
    // client logged them may stay encrypted, so "partly" is enough).
    QVERIFY2(row.tls.decryption == DecryptionState::full || row.tls.decryption == DecryptionState::partial,
             qPrintable(row.tls.decryption_note));
    QVERIFY(std::any_of(rows.begin(), rows.end(), [&](const ConnectionRow& r) { return r.open && r.id == row.id; }));

    controller.stop();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, kRowTimeoutMs);
    const LiveCaptureResult result = stopped.at(0).at(0).value<LiveCaptureResult>();
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QVERIFY(result.packets >= 10);  // handshake, data, FINs
    QCOMPARE(controller.state(), LiveCaptureController::State::stopped);

    // Saved as pcapng, the capture opens again with the same connection in it.
    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("live.pcapng"));
    QString error;
    QVERIFY2(controller.save(saved, error), qPrintable(error));
    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.read(4), QByteArray("\x0a\x0d\x0d\x0a", 4));  // a pcapng Section Header Block
    file.close();
    CaptureLoader loader;
    QSignalSpy found(&loader, &CaptureLoader::connections_found);
    QSignalSpy finished(&loader, &CaptureLoader::load_finished);
    loader.load(1, saved);
    QCOMPARE(finished.count(), 1);
    QList<ConnectionRow> reloaded;
    for (const QList<QVariant>& signal : found) reloaded += signal.at(1).value<QList<ConnectionRow>>();
    QCOMPARE(reloaded.size(), 1);
    QCOMPARE(reloaded.first().server.port, port);
    QCOMPARE(reloaded.first().client.port, row.client.port);
    QCOMPARE(reloaded.first().tls.sni, QStringLiteral("localhost"));
    QCOMPARE(reloaded.first().bytes_server_to_client, row.bytes_server_to_client);
  }

  void window_shows_live_connections_and_inspects_them_after_stop() {
    if (geteuid() != 0) QSKIP("live capture on lo needs root (CI runs as root)");
    MainWindow window;
    LiveCaptureDialog* dialog = window.show_live_capture_dialog();
    dialog->select_interface(QStringLiteral("lo"));
    quint16 port = 0;
    bool exchanged = false;
    for (int attempt = 0; attempt < kExchangeAttempts && !exchanged; ++attempt) {
      if (window.live_capture()->is_capturing()) {
        window.live_capture()->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!window.live_capture()->is_capturing(), kRowTimeoutMs);
      }
      port = free_loopback_port();
      dialog->filter_edit()->setText(QStringLiteral("tcp port %1").arg(port));
      QVERIFY(dialog->start_button()->isEnabled());
      dialog->start_button()->click();
      QVERIFY2(window.live_capture()->is_capturing(), qPrintable(dialog->status_text()));
      QVERIFY(window.windowTitle().startsWith(QStringLiteral("live: lo")));
      exchanged = tls_exchange(port);
    }
    QVERIFY2(exchanged, "no TLS exchange on loopback succeeded");
    // The table fills while the capture runs.
    QTRY_VERIFY_WITH_TIMEOUT(window.connection_model()->rowCount() == 1 && !window.connection_model()->row_at(0).open,
                             kRowTimeoutMs);
    QCOMPARE(window.connection_model()->row_at(0).server.port, port);
    QVERIFY(!window.export_source().has_value());  // nothing to re-read until the capture stops

    QVERIFY(dialog->stop_button()->isEnabled());
    dialog->stop_button()->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->save_button()->isEnabled(), kRowTimeoutMs);
    QVERIFY(dialog->status_text().startsWith(QStringLiteral("Stopped: ")));
    QVERIFY(window.export_source().has_value());
    QCOMPARE(window.export_source()->capture_path, window.live_capture()->spool_path());

    // Stopped, its connections are read again from the spool file, like a file's.
    QSignalSpy shown(window.inspector(), &ConnectionInspector::detail_shown);
    window.select_connection(window.connection_model()->row_at(0).id);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kRowTimeoutMs);
    QVERIFY2(window.inspector()->detail() != nullptr && window.inspector()->detail()->found,
             qPrintable(window.inspector()->status_text()));
    QVERIFY(window.inspector()->detail()->records_seen >= 4);
  }
};

std::unique_ptr<QObject> make_live_capture_test() {
  return std::make_unique<LiveCaptureTest>();
}

}  // namespace tlslens::gui::tests

#include "test_live_capture.moc"
