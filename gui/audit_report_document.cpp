#include "gui/audit_report_document.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace tlslens::gui {

namespace {

// The report's layout is written once (write_report) against this small interface; Markdown
// and HTML differ only in how a heading, a paragraph, a list or a table is spelled. Every text
// handed to it is plain text, escaped by the implementation.
class DocumentWriter {
 public:
  virtual ~DocumentWriter() = default;
  virtual void heading(int level, const QString& text) = 0;
  virtual void paragraph(const QString& text) = 0;
  virtual void bullets(const QStringList& items) = 0;
  virtual void table(const QStringList& headers, const QList<QStringList>& rows) = 0;
  QString text;
};

class MarkdownWriter final : public DocumentWriter {
 public:
  void heading(int level, const QString& line) override {
    text += QString(level, QLatin1Char('#')) + QLatin1Char(' ') + markdown_escaped(line) + QStringLiteral("\n\n");
  }
  void paragraph(const QString& line) override { text += markdown_escaped(line) + QStringLiteral("\n\n"); }
  void bullets(const QStringList& items) override {
    for (const QString& item : items) text += QStringLiteral("- ") + markdown_escaped(item) + QLatin1Char('\n');
    text += QLatin1Char('\n');
  }
  void table(const QStringList& headers, const QList<QStringList>& rows) override {
    text += row(headers);
    text += QStringLiteral("|") + QStringLiteral("---|").repeated(headers.size()) + QLatin1Char('\n');
    for (const QStringList& cells : rows) text += row(cells);
    text += QLatin1Char('\n');
  }

 private:
  static QString row(const QStringList& cells) {
    QString line = QStringLiteral("|");
    for (const QString& cell : cells) line += QLatin1Char(' ') + markdown_escaped(cell) + QStringLiteral(" |");
    return line + QLatin1Char('\n');
  }
};

class HtmlWriter final : public DocumentWriter {
 public:
  void heading(int level, const QString& line) override {
    text += QStringLiteral("<h%1>%2</h%1>\n").arg(level).arg(html_escaped(line));
  }
  void paragraph(const QString& line) override { text += QStringLiteral("<p>%1</p>\n").arg(html_escaped(line)); }
  void bullets(const QStringList& items) override {
    text += QStringLiteral("<ul>\n");
    for (const QString& item : items) text += QStringLiteral("<li>%1</li>\n").arg(html_escaped(item));
    text += QStringLiteral("</ul>\n");
  }
  void table(const QStringList& headers, const QList<QStringList>& rows) override {
    text += QStringLiteral("<table>\n<tr>");
    for (const QString& header : headers) text += QStringLiteral("<th>%1</th>").arg(html_escaped(header));
    text += QStringLiteral("</tr>\n");
    for (const QStringList& cells : rows) {
      // A severity cell gets its class, so the stylesheet can tint it.
      text += QStringLiteral("<tr>");
      for (const QString& cell : cells) {
        const bool severity = kSeverities.contains(cell);
        text += severity ? QStringLiteral("<td class=\"%1\">%1</td>").arg(cell)
                         : QStringLiteral("<td>%1</td>").arg(html_escaped(cell));
      }
      text += QStringLiteral("</tr>\n");
    }
    text += QStringLiteral("</table>\n");
  }

 private:
  inline static const QStringList kSeverities{QStringLiteral("critical"), QStringLiteral("high"),
                                              QStringLiteral("medium"), QStringLiteral("low"), QStringLiteral("info")};
};

QString ids_text(const QJsonObject& object) {
  QStringList ids;
  for (const QJsonValue& id : object.value(QStringLiteral("connection_ids")).toArray())
    ids.append(QStringLiteral("#%1").arg(id.toInteger()));
  const qint64 count = object.value(QStringLiteral("connections")).toInteger();
  QString text = ids.join(QStringLiteral(", "));
  if (count > ids.size()) text += QStringLiteral(" and %1 more").arg(count - ids.size());
  return text;
}

QString verification_text(const QJsonObject& verification) {
  if (verification.value(QStringLiteral("trusted")).toBool()) return QStringLiteral("verified (trusted)");
  const QString error = verification.value(QStringLiteral("error")).toObject().value(QStringLiteral("text")).toString();
  return QStringLiteral("NOT verified: %1").arg(error.isEmpty() ? QStringLiteral("unknown reason") : error);
}

QString hostname_text(const QJsonObject& hostname) {
  const QString name = hostname.value(QStringLiteral("name")).toString();
  if (name.isEmpty()) return {};
  if (hostname.value(QStringLiteral("matched")).toBool())
    return QStringLiteral("%1 matched %2").arg(name, hostname.value(QStringLiteral("matched_by")).toString());
  return QStringLiteral("%1 does NOT match: %2").arg(name, hostname.value(QStringLiteral("reason")).toString());
}

QString evidence_text(const QJsonObject& evidence) {
  QStringList parts;
  for (auto it = evidence.begin(); it != evidence.end(); ++it) {
    const QJsonValue& value = it.value();
    const QString shown =
        value.isString()
            ? value.toString()
            : QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    parts.append(QStringLiteral("%1: %2").arg(it.key(), shown));
  }
  return parts.join(QStringLiteral("; "));
}

void write_chain(DocumentWriter& doc, const QJsonObject& chain) {
  const QJsonArray sent = chain.value(QStringLiteral("sent")).toArray();
  doc.paragraph(QStringLiteral("%1 chain as sent (%2 certificate%3; %4 connection%5)")
                    .arg(chain.value(QStringLiteral("party")).toString())
                    .arg(sent.size())
                    .arg(sent.size() == 1 ? "" : "s")
                    .arg(chain.value(QStringLiteral("connections")).toInteger())
                    .arg(chain.value(QStringLiteral("connections")).toInteger() == 1 ? "" : "s"));
  QList<QStringList> rows;
  int index = 0;
  for (const QJsonValue& value : sent) {
    const QJsonObject cert = value.toObject();
    rows.append({QString::number(index++), cert.value(QStringLiteral("subject")).toString(),
                 cert.value(QStringLiteral("issuer")).toString(),
                 QStringLiteral("%1 .. %2")
                     .arg(cert.value(QStringLiteral("not_before")).toString(),
                          cert.value(QStringLiteral("not_after")).toString()),
                 QStringLiteral("%1; %2").arg(cert.value(QStringLiteral("key")).toString(),
                                              cert.value(QStringLiteral("signature_algorithm")).toString())});
  }
  doc.table({QStringLiteral("#"), QStringLiteral("Subject"), QStringLiteral("Issuer"), QStringLiteral("Validity"),
             QStringLiteral("Key; signature")},
            rows);
  const QJsonObject verification = chain.value(QStringLiteral("verification")).toObject();
  QStringList verdict{QStringLiteral("Verification: %1").arg(verification_text(verification))};
  if (const QString host = hostname_text(verification.value(QStringLiteral("hostname")).toObject()); !host.isEmpty())
    verdict.append(QStringLiteral("Hostname: %1").arg(host));
  for (const QJsonValue& note : verification.value(QStringLiteral("notes")).toArray())
    verdict.append(QStringLiteral("Note: %1").arg(note.toString()));
  doc.bullets(verdict);
}

void write_server(DocumentWriter& doc, const QJsonObject& server) {
  const QJsonObject address = server.value(QStringLiteral("server")).toObject();
  const QString sni = server.value(QStringLiteral("sni")).toString();
  const QString worst = server.value(QStringLiteral("worst")).toString();
  doc.heading(2,
              QStringLiteral("%1 (%2:%3)")
                  .arg(sni.isEmpty() ? QStringLiteral("(no SNI)") : sni, address.value(QStringLiteral("ip")).toString())
                  .arg(address.value(QStringLiteral("port")).toInteger()));
  QStringList facts{QStringLiteral("Connections: %1 (%2)")
                        .arg(server.value(QStringLiteral("connections")).toInteger())
                        .arg(ids_text(server)),
                    QStringLiteral("Worst finding: %1").arg(worst.isEmpty() ? QStringLiteral("none") : worst)};
  for (const QJsonValue& negotiated : server.value(QStringLiteral("negotiated")).toArray())
    facts.append(QStringLiteral("Negotiated: %1").arg(negotiated.toString()));
  doc.bullets(facts);
  for (const QJsonValue& chain : server.value(QStringLiteral("chains")).toArray()) write_chain(doc, chain.toObject());

  const QJsonArray findings = server.value(QStringLiteral("findings")).toArray();
  if (findings.isEmpty()) {
    doc.paragraph(QStringLiteral("Findings: none"));
    return;
  }
  QList<QStringList> rows;
  for (const QJsonValue& value : findings) {
    const QJsonObject finding = value.toObject();
    rows.append({finding.value(QStringLiteral("severity")).toString(), finding.value(QStringLiteral("code")).toString(),
                 finding.value(QStringLiteral("party")).toString(),
                 finding.value(QStringLiteral("explanation")).toString(),
                 evidence_text(finding.value(QStringLiteral("evidence")).toObject()), ids_text(finding)});
  }
  doc.table({QStringLiteral("Severity"), QStringLiteral("Code"), QStringLiteral("Party"), QStringLiteral("Explanation"),
             QStringLiteral("Evidence"), QStringLiteral("Seen on")},
            rows);
}

void write_report(DocumentWriter& doc, const QList<QJsonObject>& report, const QString& capture_name) {
  doc.heading(1, QStringLiteral("tlslens audit report: %1").arg(capture_name));
  for (const QJsonObject& object : report) {
    if (object.value(QStringLiteral("event")).toString() != QStringLiteral("audit_end")) continue;
    const QJsonObject by_severity = object.value(QStringLiteral("findings")).toObject();
    doc.paragraph(QStringLiteral("%1 server(s), %2 TLS connection(s). Distinct findings by severity:")
                      .arg(object.value(QStringLiteral("servers")).toInteger())
                      .arg(object.value(QStringLiteral("tls_connections")).toInteger()));
    QStringList counts;
    for (const char* severity : {"critical", "high", "medium", "low", "info"})
      counts.append(QString::number(by_severity.value(QLatin1String(severity)).toInteger()));
    doc.table({QStringLiteral("critical"), QStringLiteral("high"), QStringLiteral("medium"), QStringLiteral("low"),
               QStringLiteral("info")},
              {counts});
  }
  for (const QJsonObject& object : report)
    if (object.value(QStringLiteral("event")).toString() == QStringLiteral("server_audit")) write_server(doc, object);
}

}  // namespace

QList<QJsonObject> parse_audit_report_json(const QByteArray& json_lines) {
  QList<QJsonObject> objects;
  for (const QByteArray& line : json_lines.split('\n')) {
    const QJsonDocument document = QJsonDocument::fromJson(line);
    if (document.isObject()) objects.append(document.object());
  }
  return objects;
}

QString markdown_escaped(const QString& text) {
  // Characters that mean something anywhere in a line (emphasis, code, links, HTML, tables,
  // entities), and those that do only at its start (headings, lists, images).
  static const QString kInline = QStringLiteral("\\`*_{}[]<>|~&");
  static const QString kLineStart = QStringLiteral("#-+!");
  QString out;
  out.reserve(text.size());
  for (qsizetype i = 0; i < text.size(); ++i) {
    const QChar c = text[i];
    if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
      out += QLatin1Char(' ');
      continue;
    }
    if (kInline.contains(c) || (i == 0 && kLineStart.contains(c))) out += QLatin1Char('\\');
    out += c;
  }
  return out;
}

QString html_escaped(const QString& text) {
  QString out = text.toHtmlEscaped();  // & < > "
  out.replace(QLatin1Char('\''), QStringLiteral("&#39;"));
  return out;
}

QString audit_report_markdown(const QList<QJsonObject>& report, const QString& capture_name) {
  MarkdownWriter doc;
  write_report(doc, report, capture_name);
  return doc.text;
}

QString audit_report_html(const QList<QJsonObject>& report, const QString& capture_name) {
  HtmlWriter doc;
  write_report(doc, report, capture_name);
  return QStringLiteral(
             "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%1</title>\n<style>\n"
             "body { font-family: sans-serif; margin: 2em; }\n"
             "table { border-collapse: collapse; margin-bottom: 1em; }\n"
             "th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }\n"
             "td.critical { background: #d9534f; color: white; } td.high { background: #f0a0a0; }\n"
             "td.medium { background: #f5d08a; } td.low { background: #fff3b0; } td.info { background: #dde8f5; }\n"
             "</style>\n</head>\n<body>\n")
             .arg(html_escaped(QStringLiteral("tlslens audit report: %1").arg(capture_name))) +
         doc.text + QStringLiteral("</body>\n</html>\n");
}

}  // namespace tlslens::gui
