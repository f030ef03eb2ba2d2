// Exports: the audit report in its four forms on captures/audit files with known findings, the
// escaping of wire text in HTML and Markdown, a connection's text output (compared with the
// CLI's when it is built) and its decrypted streams, and the File > Export menu's thread.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "gui/audit_report_document.h"
#include "gui/capture_exports.h"
#include "gui/export_menu.h"
#include "gui/main_window.h"
#include "tests/gui/gui_test_suites.h"

namespace tlslens::gui::tests {

namespace {

constexpr int kExportTimeoutMs = 30'000;

QByteArray contents(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// An audit capture analysed as the window would: its key log, and the audit PKI's root trusted.
ExportSource audit_source(const QString& name) {
  AnalysisSettings settings;
  settings.key_log_file = captures_file(QStringLiteral("audit/%1.keys").arg(name));
  settings.ca_file = captures_file(QStringLiteral("certs/audit/root-ca.pem"));
  const QString capture = captures_file(QStringLiteral("audit/%1.pcap").arg(name));
  QString error;
  std::optional<PreparedAnalysis> prepared = prepare_analysis(settings, capture, error);
  if (!prepared) qFatal("cannot prepare %s: %s", qPrintable(name), qPrintable(error));
  return ExportSource{capture, std::make_shared<const PreparedAnalysis>(std::move(*prepared)), nullptr};
}

}  // namespace

class ExportsTest : public QObject {
  Q_OBJECT

 private slots:
  void audit_report_in_every_format_carries_the_findings() {
    // audit-wildcard: connection 2's name does not match the wildcard (tests/e2e/test_audit.py).
    const ExportSource source = audit_source(QStringLiteral("audit-wildcard"));
    QTemporaryDir dir;
    const QString text_path = dir.filePath(QStringLiteral("r.txt"));
    const QString json_path = dir.filePath(QStringLiteral("r.json"));
    const QString md_path = dir.filePath(QStringLiteral("r.md"));
    const QString html_path = dir.filePath(QStringLiteral("r.html"));
    for (auto [format, path] :
         {std::pair{AuditReportFormat::text, text_path}, std::pair{AuditReportFormat::json, json_path},
          std::pair{AuditReportFormat::markdown, md_path}, std::pair{AuditReportFormat::html, html_path}}) {
      const ExportOutcome outcome = export_audit_report(source, format, path);
      QVERIFY2(outcome.ok, qPrintable(outcome.error));
      QCOMPARE(outcome.files, QStringList{path});
    }

    const QByteArray text = contents(text_path);
    QVERIFY(text.contains("CERT_HOSTNAME_MISMATCH"));
    QVERIFY(text.contains("Audit: "));

    const QList<QJsonObject> json = parse_audit_report_json(contents(json_path));
    QVERIFY(json.size() >= 2);
    QCOMPARE(json.last().value(QStringLiteral("event")).toString(), QStringLiteral("audit_end"));
    QStringList codes;
    for (const QJsonObject& server : json)
      for (const QJsonValue& finding : server.value(QStringLiteral("findings")).toArray())
        codes.append(finding.toObject().value(QStringLiteral("code")).toString());
    QCOMPARE(codes, QStringList{QStringLiteral("CERT_HOSTNAME_MISMATCH")});

    const QString markdown = QString::fromUtf8(contents(md_path));
    QVERIFY(markdown.startsWith(QStringLiteral("# tlslens audit report: audit-wildcard.pcap\n")));
    QVERIFY2(markdown.contains(QStringLiteral("| medium | CERT\\_HOSTNAME\\_MISMATCH | server |")) ||
                 markdown.contains(QStringLiteral("| high | CERT\\_HOSTNAME\\_MISMATCH | server |")),
             qPrintable(markdown));
    QVERIFY(markdown.contains(QStringLiteral("| critical | high | medium | low | info |")));

    const QString html = QString::fromUtf8(contents(html_path));
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY(html.contains(QStringLiteral("<td>CERT_HOSTNAME_MISMATCH</td>")));
    QVERIFY(html.contains(QStringLiteral("Verification: NOT verified")) ||
            html.contains(QStringLiteral("Verification: verified")));
    QVERIFY(html.trimmed().endsWith(QStringLiteral("</html>")));
  }

  void audit_report_of_expired_chain_names_its_code() {
    const ExportSource source = audit_source(QStringLiteral("audit-expired"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("r.html"));
    const ExportOutcome outcome = export_audit_report(source, AuditReportFormat::html, path);
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    const QString html = QString::fromUtf8(contents(path));
    QVERIFY(html.contains(QStringLiteral("<td class=\"high\">high</td><td>CERT_EXPIRED</td>")));
    QVERIFY(html.contains(QStringLiteral("NOT verified: certificate has expired")));
  }

  void html_and_markdown_escape_text_from_the_wire() {
    // An SNI and a subject are the server's (or an attacker's) choice: they must stay text.
    const QByteArray line =
        R"({"schema":1,"event":"server_audit","sni":"<script>alert('x')</script>&co","server":{"ip":"10.0.0.1","port":443},)"
        R"("connections":1,"connection_ids":[1],"worst":"low","negotiated":[],"chains":[],)"
        R"("findings":[{"code":"CERT_NO_SAN","severity":"low","party":"server","explanation":"a|b *c* <i>","evidence":{},)"
        R"("connections":1,"connection_ids":[1]}]})";
    const QList<QJsonObject> report = parse_audit_report_json(line + "\nnot json\n");
    QCOMPARE(report.size(), 1);

    const QString html = audit_report_html(report, QStringLiteral("a<b>.pcap"));
    QVERIFY(!html.contains(QStringLiteral("<script>")));
    QVERIFY(!html.contains(QStringLiteral("<i>")));
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;co")));
    QVERIFY(html.contains(QStringLiteral("<title>tlslens audit report: a&lt;b&gt;.pcap</title>")));
    QVERIFY(html.contains(QStringLiteral("<td>a|b *c* &lt;i&gt;</td>")));

    const QString markdown = audit_report_markdown(report, QStringLiteral("x.pcap"));
    QVERIFY(markdown.contains(QStringLiteral("## \\<script\\>alert('x')\\</script\\>\\&co (10.0.0.1:443)")));
    QVERIFY(markdown.contains(QStringLiteral("| a\\|b \\*c\\* \\<i\\> |")));
    QCOMPARE(markdown_escaped(QStringLiteral("two\nlines")), QStringLiteral("two lines"));
    QCOMPARE(markdown_escaped(QStringLiteral("- not a list - item")), QStringLiteral("\\- not a list - item"));
    QCOMPARE(html_escaped(QStringLiteral("\"&'")), QStringLiteral("&quot;&amp;&#39;"));
  }

  void audit_report_needs_the_audit() {
    ExportSource source = audit_source(QStringLiteral("audit-expired"));
    auto without_audit = std::make_shared<PreparedAnalysis>(*source.analysis);
    without_audit->trust = nullptr;
    source.analysis = without_audit;
    QTemporaryDir dir;
    const ExportOutcome outcome =
        export_audit_report(source, AuditReportFormat::json, dir.filePath(QStringLiteral("r")));
    QVERIFY(!outcome.ok);
    QVERIFY(outcome.error.contains(QStringLiteral("the audit is off")));
  }

  void connection_text_is_what_the_cli_prints() {
    const ExportSource source = audit_source(QStringLiteral("audit-expired"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c1.txt"));
    const ExportOutcome outcome = export_connection_text(source, 1, path);
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    const QByteArray text = contents(path);
    QVERIFY(text.startsWith("New TCP connection #1: 127.0.0.1("));
    QVERIFY(text.contains("ClientHello"));
    QVERIFY(text.contains("CERT_EXPIRED"));
    QVERIFY(text.contains("Connection #1 ended"));

    const QString cli = qEnvironmentVariable("TLSLENS_CLI");
    if (cli.isEmpty() || !QFileInfo(cli).isExecutable())
      QSKIP("TLSLENS_CLI (the tlslens binary) is not set: ctest sets it");
    QProcess tlslens;
    tlslens.start(cli, {QStringLiteral("-r"), source.capture_path, QStringLiteral("-l"),
                        captures_file(QStringLiteral("audit/audit-expired.keys")), QStringLiteral("--ca-file"),
                        captures_file(QStringLiteral("certs/audit/root-ca.pem"))});
    QVERIFY(tlslens.waitForFinished(kExportTimeoutMs));
    // The capture holds this one connection: the CLI's standard output is the export (its
    // decryption coverage line goes to standard error).
    QCOMPARE(tlslens.exitCode(), 0);
    QCOMPARE(text, tlslens.readAllStandardOutput());
  }

  void connection_text_holds_that_connection_only() {
    AnalysisSettings settings;
    settings.key_log_file = captures_file(QStringLiteral("demo.keys"));
    const QString capture = captures_file(QStringLiteral("demo.pcapng"));
    QString error;
    auto prepared = prepare_analysis(settings, capture, error);
    QVERIFY2(prepared, qPrintable(error));
    const ExportSource source{capture, std::make_shared<const PreparedAnalysis>(std::move(*prepared)), nullptr};
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c4.txt"));
    QVERIFY(export_connection_text(source, 4, path).ok);
    const QByteArray text = contents(path);
    QVERIFY(text.startsWith("New TCP connection #4: 127.0.0.1("));
    QVERIFY(text.contains("(9443)"));  // the mutual-TLS connection of the demo (captures/README.md)
    QVERIFY(text.contains("Connection #4 ended"));
    for (const char* other : {"#1:", "#2:", "#3:", "#5:", "#6:"}) QVERIFY(!text.contains(other));

    QVERIFY(!export_connection_text(source, 99, dir.filePath(QStringLiteral("none.txt"))).ok);
  }

  void decrypted_streams_of_a_connection_are_written_per_direction() {
    AnalysisSettings settings;
    settings.key_log_file = captures_file(QStringLiteral("demo.keys"));
    const QString capture = captures_file(QStringLiteral("demo.pcapng"));
    QString error;
    auto prepared = prepare_analysis(settings, capture, error);
    QVERIFY2(prepared, qPrintable(error));
    const ExportSource source{capture, std::make_shared<const PreparedAnalysis>(std::move(*prepared)), nullptr};
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("streams"));
    const ExportOutcome outcome = export_decrypted_streams(source, 1, out);
    QVERIFY2(outcome.ok, qPrintable(outcome.error));
    QCOMPARE(outcome.files.size(), 2);
    // Named like the CLI's --write-decrypted; only this connection's files.
    QVERIFY(outcome.files[0].endsWith(QStringLiteral("-c2s.bin")));
    QVERIFY(outcome.files[1].endsWith(QStringLiteral("-s2c.bin")));
    QCOMPARE(QDir(out).entryList(QDir::Files).size(), 2);
    QVERIFY(contents(outcome.files[0]).startsWith("GET /demo/tls13.html HTTP/1.1\r\n"));
    QVERIFY(contents(outcome.files[1]).startsWith("HTTP/1."));

    // Without keys there is nothing to write, and the export says so.
    const ExportSource no_keys{capture, std::make_shared<const PreparedAnalysis>(), nullptr};
    const ExportOutcome refused = export_decrypted_streams(no_keys, 1, dir.filePath(QStringLiteral("none")));
    QVERIFY(!refused.ok);
    QVERIFY(refused.error.contains(QStringLiteral("no decrypted application data")));
  }

  void export_menu_runs_the_export_on_its_thread() {
    MainWindow window;
    AnalysisSettings settings;
    settings.key_log_file = captures_file(QStringLiteral("audit/audit-expired.keys"));
    settings.ca_file = captures_file(QStringLiteral("certs/audit/root-ca.pem"));
    window.set_analysis_settings(settings, /*remember=*/false);
    QSignalSpy ended(&window, &MainWindow::loading_ended);
    QVERIFY(!window.export_source().has_value());
    window.open_capture(captures_file(QStringLiteral("audit/audit-expired.pcap")));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, kExportTimeoutMs);
    QVERIFY(window.export_source().has_value());

    QSignalSpy finished(window.export_menu(), &ExportMenu::export_finished);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("report.md"));
    window.export_menu()->export_audit_report_to(AuditReportFormat::markdown, path);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kExportTimeoutMs);
    QVERIFY(finished.at(0).at(0).value<ExportOutcome>().ok);
    QVERIFY(contents(path).contains("CERT\\_EXPIRED"));
  }
};

std::unique_ptr<QObject> make_exports_test() {
  return std::make_unique<ExportsTest>();
}

}  // namespace tlslens::gui::tests

#include "test_exports.moc"
