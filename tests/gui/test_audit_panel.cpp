// The audit panel and the window around it: findings of a capture in the panel, coloured and
// sortable; the summary bar; a finding leading to its connection and record; the filter box;
// settings (a CA file) applied by analysing the capture again.
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeView>

#include "gui/audit_panel.h"
#include "gui/capture_summary.h"
#include "gui/connection_filter_proxy.h"
#include "gui/connection_inspector.h"
#include "gui/connection_table_model.h"
#include "gui/dropped_file.h"
#include "gui/findings_model.h"
#include "gui/main_window.h"
#include "gui/timeline_model.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

constexpr int kTimeoutMs = 30'000;

AnalysisSettings audit_settings(const QString& keys) {
  AnalysisSettings settings;
  settings.key_log_file = captures_file(keys);
  settings.ca_file = captures_file(QStringLiteral("certs/audit/root-ca.pem"));
  return settings;
}

bool open_and_wait(MainWindow& window, const QString& capture) {
  QSignalSpy ended(&window, &MainWindow::loading_ended);
  window.open_capture(captures_file(capture));
  return ended.wait(kTimeoutMs);
}

}  // namespace

class AuditPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void findings_model_colours_and_sorts_by_severity() {
    FindingsModel model;
    FindingRow low;
    low.connection_id = 2;
    low.code = audit::Code::CERT_LONG_VALIDITY;
    low.severity = audit::Severity::low;
    low.record_number = 3;
    low.handshake_type = 11;
    FindingRow high = low;
    high.connection_id = 1;
    high.code = audit::Code::CERT_EXPIRED;
    high.severity = audit::Severity::high;
    high.evidence = {{QStringLiteral("not_after"), QStringLiteral("2026-11-25 00:00:00 UTC")}};
    model.append_findings({low, high});
    AuditPanel panel(&model);
    QTableView* table = panel.table();
    QCOMPARE(table->model()->rowCount(), 2);
    // Sorted by severity, worst first.
    QCOMPARE(table->model()->index(0, FindingsModel::code).data().toString(), QStringLiteral("CERT_EXPIRED"));
    QCOMPARE(table->model()->index(0, FindingsModel::record).data().toString(), QStringLiteral("3 (certificate)"));
    QCOMPARE(table->model()->index(0, FindingsModel::evidence).data().toString(),
             QStringLiteral("not_after=2026-11-25 00:00:00 UTC"));
    QVERIFY(table->model()->index(0, FindingsModel::severity).data(Qt::BackgroundRole).isValid());
    QVERIFY(table->model()->index(0, FindingsModel::severity).data(Qt::BackgroundRole) !=
            table->model()->index(1, FindingsModel::severity).data(Qt::BackgroundRole));
    panel.set_selected_connection(2);
    panel.set_only_selected(true);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, FindingsModel::connection).data().toULongLong(), 2ULL);
    panel.set_only_selected(false);
    QCOMPARE(table->model()->rowCount(), 2);
  }

  void summary_counts_versions_suites_and_severities() {
    ConnectionRow tls13;
    tls13.tls.is_tls = true;
    tls13.tls.version = 0x0304;
    tls13.tls.cipher_suite = 0x1301;
    tls13.tls.decryption = DecryptionState::full;
    ConnectionRow tls12 = tls13;
    tls12.tls.version = 0x0303;
    tls12.tls.cipher_suite = 0xc02f;
    tls12.tls.decryption = DecryptionState::no_keys;
    ConnectionRow plain;
    FindingRow finding;
    finding.severity = audit::Severity::high;
    const CaptureSummary summary = CaptureSummary::of({tls13, tls13, tls12, plain}, {finding});
    QCOMPARE(summary.connections, 4u);
    QCOMPARE(summary.tls_connections, 3u);
    QCOMPARE(summary.decrypted_connections, 2u);
    QCOMPARE(summary.versions.at(QStringLiteral("TLS 1.3")), 2u);
    const QString text = summary.text();
    QVERIFY2(text.startsWith(QStringLiteral("4 connections (3 TLS, 2 decrypted) · TLS 1.3: 2, TLS 1.2: 1 · 2 suites: "
                                            "TLS_AES_128_GCM_SHA256: 2")),
             qPrintable(text));
    QVERIFY(text.endsWith(QStringLiteral("findings: 0 critical, 1 high, 0 medium, 0 low, 0 info")));
  }

  void window_shows_findings_and_leads_to_their_record() {
    MainWindow window;
    window.set_analysis_settings(audit_settings(QStringLiteral("audit/audit-expired.keys")), false);
    QVERIFY(open_and_wait(window, QStringLiteral("audit/audit-expired.pcap")));
    QCOMPARE(window.findings_model()->rowCount(), 1);
    QCOMPARE(window.findings_model()->finding_at(0).code_name(), QStringLiteral("CERT_EXPIRED"));
    QVERIFY2(window.audit_panel()->summary_text().contains(QStringLiteral("1 high")),
             qPrintable(window.audit_panel()->summary_text()));

    QSignalSpy shown(window.inspector(), &ConnectionInspector::detail_shown);
    QTableView* findings = window.audit_panel()->table();
    emit findings->activated(findings->model()->index(0, 0));
    QVERIFY(shown.wait(kTimeoutMs));
    QCOMPARE(window.inspector()->shown_connection(), 1u);
    QCOMPARE(window.connection_view()->selectionModel()->selectedRows().size(), 1);
    const QModelIndex current = window.inspector()->timeline_view()->currentIndex();
    QCOMPARE(current, window.inspector()->timeline_model()->index_of_record(3));
  }

  void filter_box_filters_and_reports_errors() {
    MainWindow window;
    window.set_analysis_settings(audit_settings(QStringLiteral("audit/audit-wildcard.keys")), false);
    QVERIFY(open_and_wait(window, QStringLiteral("audit/audit-wildcard.pcap")));
    QCOMPARE(window.connection_view()->model()->rowCount(), 2);
    window.filter_edit()->setText(QStringLiteral("code:CERT_HOSTNAME_MISMATCH"));
    QCOMPARE(window.connection_view()->model()->rowCount(), 1);
    QCOMPARE(window.connection_view()->model()->index(0, ConnectionTableModel::number).data().toULongLong(), 2ULL);
    window.filter_edit()->setText(QStringLiteral("severity>=bad"));
    QVERIFY(!window.filter_error().isEmpty());
    QCOMPARE(window.connection_view()->model()->rowCount(), 1);  // the last good filter stays
    window.filter_edit()->setText(QStringLiteral("-code:CERT_HOSTNAME_MISMATCH"));
    QVERIFY(window.filter_error().isEmpty());
    QCOMPARE(window.connection_view()->model()->rowCount(), 1);
    QCOMPARE(window.connection_view()->model()->index(0, ConnectionTableModel::number).data().toULongLong(), 1ULL);
  }

  void new_ca_file_reanalyses_the_open_capture() {
    MainWindow window;
    AnalysisSettings settings = audit_settings(QStringLiteral("audit/audit-good.keys"));
    settings.ca_file = captures_file(QStringLiteral("certs/audit/root-ca.pem"));
    window.set_analysis_settings(settings, false);
    QVERIFY(open_and_wait(window, QStringLiteral("audit/audit-good.pcap")));
    QCOMPARE(window.findings_model()->rowCount(), 0);
    // Without the test root the chain is not trusted: the capture is analysed again at once.
    QSignalSpy ended(&window, &MainWindow::loading_ended);
    settings.ca_file.clear();
    window.set_analysis_settings(settings, false);
    QVERIFY(ended.wait(kTimeoutMs));
    QVERIFY(window.findings_model()->rowCount() >= 1);
  }

  void dropped_files_are_recognised_by_content() {
    QCOMPARE(classify_dropped_file(captures_file(QStringLiteral("tls12-ecdhe-aes128gcm.pcap"))),
             DroppedFileKind::capture);
    QCOMPARE(classify_dropped_file(captures_file(QStringLiteral("tls12-ecdhe-aes128gcm.pcap.gz"))),
             DroppedFileKind::capture);
    QCOMPARE(classify_dropped_file(captures_file(QStringLiteral("tls12-ecdhe-aes128gcm.keys"))),
             DroppedFileKind::key_log);
    QCOMPARE(classify_dropped_file(captures_file(QStringLiteral("certs/audit/root-ca.pem"))), DroppedFileKind::ca_file);
  }
};

std::unique_ptr<QObject> make_audit_panel_test() { return std::make_unique<AuditPanelTest>(); }

}  // namespace tlslens::gui::tests

#include "test_audit_panel.moc"
