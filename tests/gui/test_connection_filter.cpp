// ConnectionFilter: plain words and the expression form over rows with known TLS columns, the
// errors it reports, and the proxy that applies it to the table.
#include <QTest>

#include "gui/connection_filter.h"
#include "gui/connection_filter_proxy.h"
#include "gui/connection_table_model.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

Endpoint ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  Endpoint e;
  e.addr.version = 4;
  e.addr.bytes = {a, b, c, d};
  e.port = port;
  return e;
}

// #1 example.com TLS 1.3 h2, CERT_EXPIRED (high); #2 api.test TLS 1.2 on 8443, no finding;
// #3 not TLS on port 80.
QList<ConnectionRow> sample_rows() {
  ConnectionRow one;
  one.id = 1;
  one.client = ipv4(10, 0, 0, 1, 50000);
  one.server = ipv4(93, 184, 216, 34, 443);
  one.tls.is_tls = true;
  one.tls.sni = QStringLiteral("www.example.com");
  one.tls.version = 0x0304;
  one.tls.cipher_suite = 0x1301;
  one.tls.alpn = QStringLiteral("h2");
  one.tls.outcome = tls::HandshakeOutcome::complete;
  one.tls.decryption = DecryptionState::no_keys;
  one.tls.audited = true;
  one.tls.worst = audit::Severity::high;
  one.tls.finding_codes = {QStringLiteral("CERT_EXPIRED"), QStringLiteral("CERT_LONG_VALIDITY")};

  ConnectionRow two;
  two.id = 2;
  two.client = ipv4(10, 0, 0, 2, 50001);
  two.server = ipv4(192, 0, 2, 7, 8443);
  two.tls.is_tls = true;
  two.tls.sni = QStringLiteral("api.test");
  two.tls.version = 0x0303;
  two.tls.cipher_suite = 0xc02f;
  two.tls.outcome = tls::HandshakeOutcome::alert;
  two.tls.decryption = DecryptionState::full;
  two.tls.audited = true;

  ConnectionRow three;
  three.id = 3;
  three.client = ipv4(10, 0, 0, 3, 50002);
  three.server = ipv4(192, 0, 2, 8, 80);
  return {one, two, three};
}

// The ids of the sample rows `text` keeps, or {0} when it does not parse.
QList<uint64_t> kept(const QString& text) {
  QString error;
  const std::optional<ConnectionFilter> filter = ConnectionFilter::parse(text, error);
  if (!filter) return {0};
  QList<uint64_t> ids;
  for (const ConnectionRow& row : sample_rows())
    if (filter->matches(row)) ids.append(row.id);
  return ids;
}

using Ids = QList<uint64_t>;

}  // namespace

class ConnectionFilterTest : public QObject {
  Q_OBJECT

 private slots:
  void empty_text_keeps_everything() { QCOMPARE(kept(QString()), (Ids{1, 2, 3})); }

  void plain_words_match_any_text_column() {
    QCOMPARE(kept(QStringLiteral("example")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("EXAMPLE")), (Ids{1}));           // case-insensitive
    QCOMPARE(kept(QStringLiteral("192.0.2.")), (Ids{2, 3}));      // addresses
    QCOMPARE(kept(QStringLiteral(":8443")), (Ids{2}));            // address:port text
    QCOMPARE(kept(QStringLiteral("1.3")), (Ids{1}));              // version
    QCOMPARE(kept(QStringLiteral("ECDHE_RSA")), (Ids{2}));        // suite
    QCOMPARE(kept(QStringLiteral("expired")), (Ids{1}));          // finding code
    QCOMPARE(kept(QStringLiteral("10.0.0.1:50000")), (Ids{1}));  // an endpoint is not a key
  }

  void keys_match_their_column_only() {
    QCOMPARE(kept(QStringLiteral("sni:example")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("sni:192")), (Ids{}));
    QCOMPARE(kept(QStringLiteral("port:443")), (Ids{1}));  // not 8443
    QCOMPARE(kept(QStringLiteral("port:80")), (Ids{3}));
    QCOMPARE(kept(QStringLiteral("addr:10.0.0.2")), (Ids{2}));
    QCOMPARE(kept(QStringLiteral("ip:93.184")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("version:1.3")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("version:\"TLS 1.2\"")), (Ids{2}));
    QCOMPARE(kept(QStringLiteral("suite:AES_128_GCM")), (Ids{1, 2}));
    QCOMPARE(kept(QStringLiteral("alpn:h2")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("state:alert")), (Ids{2}));
    QCOMPARE(kept(QStringLiteral("code:CERT_EXPIRED")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("code:cert_")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("id:2")), (Ids{2}));
    QCOMPARE(kept(QStringLiteral("#3")), (Ids{3}));
    QCOMPARE(kept(QStringLiteral("decrypted:yes")), (Ids{2}));
    QCOMPARE(kept(QStringLiteral("decrypted:no")), (Ids{1}));  // "no keys", not a non-TLS row
  }

  void severity_compares_worst_finding() {
    QCOMPARE(kept(QStringLiteral("severity>=high")), (Ids{1}));
    QCOMPARE(kept(QStringLiteral("severity>high")), (Ids{}));
    QCOMPARE(kept(QStringLiteral("severity=none")), (Ids{2, 3}));
    QCOMPARE(kept(QStringLiteral("severity<medium")), (Ids{2, 3}));
    QCOMPARE(kept(QStringLiteral("severity!=high")), (Ids{2, 3}));
    QCOMPARE(kept(QStringLiteral("severity:high")), (Ids{1}));
  }

  void terms_combine_and_negate() {
    QCOMPARE(kept(QStringLiteral("192.0.2. -port:80")), (Ids{2}));
    QCOMPARE(kept(QStringLiteral("!code:CERT_EXPIRED")), (Ids{2, 3}));
    QCOMPARE(kept(QStringLiteral("sni:example port:8443")), (Ids{}));
  }

  void bad_text_is_an_error_with_a_reason() {
    QString error;
    QVERIFY(!ConnectionFilter::parse(QStringLiteral("colour:red"), error));
    QVERIFY2(error.contains(QStringLiteral("unknown key")), qPrintable(error));
    QVERIFY(!ConnectionFilter::parse(QStringLiteral("port:https"), error));
    QVERIFY2(error.contains(QStringLiteral("number")), qPrintable(error));
    QVERIFY(!ConnectionFilter::parse(QStringLiteral("severity>=dire"), error));
    QVERIFY2(error.contains(QStringLiteral("unknown severity")), qPrintable(error));
    QVERIFY(!ConnectionFilter::parse(QStringLiteral("sni:\"open"), error));
  }

  void proxy_hides_rejected_rows_and_sorts() {
    ConnectionTableModel model;
    model.append_rows(sample_rows());
    ConnectionFilterProxy proxy(&model);
    QCOMPARE(proxy.rowCount(), 3);
    QString error;
    proxy.set_filter(*ConnectionFilter::parse(QStringLiteral("severity<high"), error));
    QCOMPARE(proxy.rowCount(), 2);
    proxy.set_filter(ConnectionFilter{});
    proxy.sort(ConnectionTableModel::audit, Qt::DescendingOrder);
    QCOMPARE(proxy.data(proxy.index(0, ConnectionTableModel::number)).toULongLong(), 1ULL);
    QCOMPARE(proxy.data(proxy.index(0, ConnectionTableModel::audit)).toString(), QStringLiteral("high (2)"));
    QCOMPARE(proxy.data(proxy.index(1, ConnectionTableModel::audit)).toString(), QStringLiteral("ok"));
    QCOMPARE(proxy.data(proxy.index(2, ConnectionTableModel::audit)).toString(), QString());
  }
};

std::unique_ptr<QObject> make_connection_filter_test() { return std::make_unique<ConnectionFilterTest>(); }

}  // namespace tlslens::gui::tests

#include "test_connection_filter.moc"
