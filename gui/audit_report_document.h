// The audit report as a document to read or share: Markdown and HTML made from the JSON lines
// of the core's AuditReport (`tlslens --audit -j`: one server_audit object per server, worst
// first, then an audit_end object with the totals) — the same content as the text report, laid
// out as headings and tables.
//
// Everything in the report may come from the wire or a certificate (an SNI, a subject), so it is
// escaped for the format: HTML-escaped (& < > " ') in HTML, and Markdown's special characters
// backslash-escaped (table pipes included, newlines flattened) in Markdown.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tlslens::gui {

// The objects of JSON lines text; lines that are not a JSON object are skipped.
QList<QJsonObject> parse_audit_report_json(const QByteArray& json_lines);

QString audit_report_markdown(const QList<QJsonObject>& report, const QString& capture_name);
QString audit_report_html(const QList<QJsonObject>& report, const QString& capture_name);

// Exposed for tests: text made safe for a Markdown paragraph or table cell, and for HTML.
QString markdown_escaped(const QString& text);
QString html_escaped(const QString& text);

}  // namespace tlslens::gui
