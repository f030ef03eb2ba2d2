// The certificate view on the expired-leaf audit capture: the chain as sent, each
// certificate's fields and validity at capture time, the verification per link, and PEM export.
#include <openssl/pem.h>

#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include "gui/certificate_view.h"
#include "gui/connection_detail_loader.h"
#include "gui/pem_export.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

std::shared_ptr<const ConnectionDetail> expired_detail() {
  AnalysisSettings settings;
  settings.key_log_file = captures_file(QStringLiteral("audit/audit-expired.keys"));
  settings.ca_file = captures_file(QStringLiteral("certs/audit/root-ca.pem"));
  const QString capture = captures_file(QStringLiteral("audit/audit-expired.pcap"));
  QString error;
  auto analysis = prepare_analysis(settings, capture, error);
  if (!analysis) return nullptr;
  ConnectionDetailLoader loader;
  QSignalSpy ready(&loader, &ConnectionDetailLoader::detail_ready);
  loader.load(1, capture, std::make_shared<const PreparedAnalysis>(std::move(*analysis)), 1);
  return ready.isEmpty() ? nullptr : ready.at(0).at(1).value<std::shared_ptr<const ConnectionDetail>>();
}

// The value of the first item named `name` anywhere in the tree.
QString tree_value(const QTreeWidget* tree, const QString& name) {
  const QList<QTreeWidgetItem*> items = tree->findItems(name, Qt::MatchExactly | Qt::MatchRecursive, 0);
  return items.isEmpty() ? QStringLiteral("<none>") : items.first()->text(1);
}

}  // namespace

class CertificateViewTest : public QObject {
  Q_OBJECT

 private slots:
  void shows_the_chain_as_sent_with_its_verification() {
    const auto detail = expired_detail();
    QVERIFY(detail != nullptr);
    CertificateView view;
    view.set_detail(detail);
    QCOMPARE(view.chain_list()->count(), static_cast<int>(detail->audit->server_certificates.size()));
    QVERIFY(view.chain_list()->count() >= 1);
    QVERIFY2(view.chain_list()->item(0)->text().contains(QStringLiteral("CN=localhost")),
             qPrintable(view.chain_list()->item(0)->text()));
    QVERIFY(view.chain_list()->item(0)->text().contains(QStringLiteral("leaf; expired at capture")));
    QVERIFY2(view.verdict_text().startsWith(QStringLiteral("Not trusted: certificate has expired")),
             qPrintable(view.verdict_text()));
    QVERIFY(view.verdict_text().contains(QStringLiteral("localhost matches (DNS:localhost)")));

    const QTreeWidget* verification = view.verification_tree();
    QVERIFY(!verification->findItems(QStringLiteral("CERT_EXPIRED"), Qt::MatchExactly | Qt::MatchRecursive).isEmpty());
    const QList<QTreeWidgetItem*> leaf =
        verification->findItems(QStringLiteral("0  CN="), Qt::MatchStartsWith | Qt::MatchRecursive, 0);
    QVERIFY(!leaf.isEmpty());
    QVERIFY2(leaf.first()->text(1).contains(QStringLiteral("expired at capture")), qPrintable(leaf.first()->text(1)));
    QVERIFY(leaf.first()->text(1).contains(QStringLiteral("certificate has expired")));
  }

  void shows_each_certificates_fields() {
    const auto detail = expired_detail();
    QVERIFY(detail != nullptr);
    CertificateView view;
    view.set_detail(detail);
    const QTreeWidget* fields = view.field_tree();
    QVERIFY(tree_value(fields, QStringLiteral("subject")).startsWith(QStringLiteral("CN=localhost")));
    QCOMPARE(tree_value(fields, QStringLiteral("validity at capture time")), QStringLiteral("expired"));
    QVERIFY(tree_value(fields, QStringLiteral("not after")).endsWith(QStringLiteral("UTC")));
    QVERIFY(tree_value(fields, QStringLiteral("sha256 fingerprint")).contains(QLatin1Char(':')));
    const QList<QTreeWidgetItem*> sans =
        fields->findItems(QStringLiteral("subject alt names"), Qt::MatchExactly | Qt::MatchRecursive);
    QVERIFY(!sans.isEmpty());
    QVERIFY(sans.first()->childCount() >= 1);
    QCOMPARE(sans.first()->child(0)->text(1), QStringLiteral("DNS:localhost"));
    if (view.chain_list()->count() > 1) {
      view.select_certificate(1);
      QVERIFY(tree_value(view.field_tree(), QStringLiteral("subject")).contains(QStringLiteral("Intermediate")));
    }
  }

  void exports_pem_that_openssl_reads_back() {
    const auto detail = expired_detail();
    QVERIFY(detail != nullptr);
    const auto& chain = detail->audit->server_certificates;
    const QByteArray leaf = certificate_pem(chain.front());
    QVERIFY(leaf.startsWith("-----BEGIN CERTIFICATE-----\n"));
    BIO* bio = BIO_new_mem_buf(leaf.constData(), static_cast<int>(leaf.size()));
    X509* back = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    QVERIFY(back != nullptr);
    QCOMPARE(X509_cmp(back, chain.front().x509()), 0);
    X509_free(back);
    const QByteArray all = chain_pem(chain);
    QCOMPARE(all.count("-----BEGIN CERTIFICATE-----"), static_cast<qsizetype>(chain.size()));
  }

  void says_why_there_is_nothing_to_show() {
    CertificateView view;
    QVERIFY(view.verdict_text().contains(QStringLiteral("Select a connection")));
    auto detail = std::make_shared<ConnectionDetail>();
    view.set_detail(detail);
    QVERIFY(view.verdict_text().contains(QStringLiteral("did not run")));
  }
};

std::unique_ptr<QObject> make_certificate_view_test() { return std::make_unique<CertificateViewTest>(); }

}  // namespace tlslens::gui::tests

#include "test_certificate_view.moc"
