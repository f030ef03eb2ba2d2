// CaptureLoader on the project's own captures with key material and a CA file: the TLS and
// audit columns of the rows, the findings sent with them, and the analysis handed back for
// re-reading connections.
#include <QSignalSpy>
#include <QTest>

#include "gui/capture_loader.h"
#include "gui/connection_table_model.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

struct Loaded {
  QList<ConnectionRow> rows;
  QList<FindingRow> findings;
  CaptureLoadResult result;
  bool failed = false;
};

Loaded load(const QString& capture, const AnalysisSettings& settings) {
  CaptureLoader loader;
  QSignalSpy found(&loader, &CaptureLoader::connections_found);
  QSignalSpy findings(&loader, &CaptureLoader::findings_found);
  QSignalSpy failed(&loader, &CaptureLoader::load_failed);
  QSignalSpy finished(&loader, &CaptureLoader::load_finished);
  loader.load(1, captures_file(capture), settings);
  Loaded out;
  for (const QList<QVariant>& signal : found) out.rows += signal.at(1).value<QList<ConnectionRow>>();
  for (const QList<QVariant>& signal : findings) out.findings += signal.at(1).value<QList<FindingRow>>();
  out.failed = !failed.isEmpty();
  if (!finished.isEmpty()) out.result = finished.at(0).at(1).value<CaptureLoadResult>();
  return out;
}

AnalysisSettings audit_settings(const QString& keys) {
  AnalysisSettings settings;
  if (!keys.isEmpty()) settings.key_log_file = captures_file(keys);
  settings.ca_file = captures_file(QStringLiteral("certs/audit/root-ca.pem"));
  return settings;
}

QString cell(const ConnectionRow& row, int column) {
  ConnectionTableModel model;
  model.append_rows({row});
  return model.data(model.index(0, column)).toString();
}

}  // namespace

class TlsRowsTest : public QObject {
  Q_OBJECT

 private slots:
  void decrypted_tls12_connection_fills_every_tls_column() {
    AnalysisSettings settings;
    settings.key_log_file = captures_file(QStringLiteral("tls12-ecdhe-aes128gcm.keys"));
    const Loaded loaded = load(QStringLiteral("tls12-ecdhe-aes128gcm.pcap"), settings);
    QVERIFY(!loaded.failed);
    QCOMPARE(loaded.rows.size(), 1);
    const ConnectionRow& row = loaded.rows.first();
    using M = ConnectionTableModel;
    QCOMPARE(cell(row, M::number), QStringLiteral("1"));
    QCOMPARE(cell(row, M::server), QStringLiteral("127.0.0.1:4431"));
    QCOMPARE(cell(row, M::sni), QStringLiteral("localhost"));
    QCOMPARE(cell(row, M::version), QStringLiteral("TLS 1.2"));
    QCOMPARE(cell(row, M::cipher_suite), QStringLiteral("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    QCOMPARE(cell(row, M::alpn), QStringLiteral("http/1.1"));
    QCOMPARE(cell(row, M::handshake), QStringLiteral("complete"));
    QCOMPARE(cell(row, M::decrypted), QStringLiteral("yes"));
    QCOMPARE(row.tls.records, 19u);
    // The system store does not hold the test root, and the leaf's validity is a century.
    QVERIFY(row.tls.audited);
    QVERIFY(row.tls.finding_codes.contains(QStringLiteral("CERT_LONG_VALIDITY")));
    QVERIFY(loaded.result.analysis != nullptr);
    QVERIFY(loaded.result.analysis->keys != nullptr);
  }

  void without_keys_the_row_says_why_not_decrypted() {
    const Loaded loaded = load(QStringLiteral("tls12-ecdhe-aes128gcm.pcap"), AnalysisSettings{});
    QCOMPARE(loaded.rows.size(), 1);
    QCOMPARE(loaded.rows.first().tls.decryption, DecryptionState::no_keys);
    QVERIFY(!loaded.rows.first().tls.decryption_note.isEmpty());
    QCOMPARE(cell(loaded.rows.first(), ConnectionTableModel::decrypted), QStringLiteral("no keys"));
  }

  void expired_certificate_is_a_high_finding_with_its_record() {
    const Loaded loaded =
        load(QStringLiteral("audit/audit-expired.pcap"), audit_settings(QStringLiteral("audit/audit-expired.keys")));
    QCOMPARE(loaded.rows.size(), 1);
    const ConnectionRow& row = loaded.rows.first();
    QCOMPARE(row.tls.finding_codes, QStringList{QStringLiteral("CERT_EXPIRED")});
    QCOMPARE(row.tls.worst, std::optional<audit::Severity>(audit::Severity::high));
    QCOMPARE(cell(row, ConnectionTableModel::audit), QStringLiteral("high (1)"));
    ConnectionTableModel model;
    model.append_rows({row});
    QVERIFY(model.data(model.index(0, ConnectionTableModel::audit), Qt::BackgroundRole).isValid());

    QCOMPARE(loaded.findings.size(), 1);
    const FindingRow& finding = loaded.findings.first();
    QCOMPARE(finding.code_name(), QStringLiteral("CERT_EXPIRED"));
    QCOMPARE(finding.connection_id, 1u);
    QCOMPARE(finding.record_number, 3u);  // the Certificate message's record
    QCOMPARE(finding.sni, QStringLiteral("localhost"));
    QVERIFY(!finding.explanation.isEmpty());
  }

  void good_chain_has_no_finding() {
    const Loaded loaded =
        load(QStringLiteral("audit/audit-good.pcap"), audit_settings(QStringLiteral("audit/audit-good.keys")));
    QCOMPARE(loaded.rows.size(), 2);  // TLS 1.2 and TLS 1.3
    for (const ConnectionRow& row : loaded.rows) {
      QVERIFY(row.tls.audited);
      QVERIFY(!row.tls.worst.has_value());
      QCOMPARE(cell(row, ConnectionTableModel::audit), QStringLiteral("ok"));
    }
    QVERIFY(loaded.findings.isEmpty());
  }

  void unreadable_key_log_fails_the_load_with_its_name() {
    AnalysisSettings settings;
    settings.key_log_file = QStringLiteral("/nonexistent/keys.log");
    const Loaded loaded = load(QStringLiteral("tls12-ecdhe-aes128gcm.pcap"), settings);
    QVERIFY(loaded.failed);
  }
};

std::unique_ptr<QObject> make_tls_rows_test() { return std::make_unique<TlsRowsTest>(); }

}  // namespace tlslens::gui::tests

#include "test_tls_rows.moc"
