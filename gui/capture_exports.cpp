#include "gui/capture_exports.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "core/output/audit_report.h"
#include "core/output/decrypted_stream_writer.h"
#include "core/output/output_stream.h"
#include "core/output/text_printer.h"
#include "gui/audit_report_document.h"
#include "gui/capture_pass.h"
#include "gui/connection_reread.h"

namespace tlslens::gui {

namespace {

bool never_cancelled() {
  return false;
}

// Runs `fill` with an OutputStream over memory and returns what it wrote. The core's printers
// write to a FILE*; open_memstream gives one without a temporary file.
template <typename Fill>
QByteArray captured_output(Fill fill) {
  char* data = nullptr;
  size_t size = 0;
  std::FILE* memory = open_memstream(&data, &size);
  if (memory == nullptr) return {};
  {
    OutputStream out(memory);
    fill(out);
  }  // flushed here
  std::fclose(memory);
  QByteArray bytes(data, static_cast<qsizetype>(size));
  std::free(data);
  return bytes;
}

// Writes all of `bytes` or nothing (QSaveFile renames into place only when complete).
ExportOutcome write_file(const QString& path, const QByteArray& bytes) {
  ExportOutcome outcome;
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    outcome.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return outcome;
  }
  outcome.ok = true;
  outcome.files.append(path);
  return outcome;
}

ExportOutcome failed(const QString& message) {
  ExportOutcome outcome;
  outcome.error = message;
  return outcome;
}

QString not_found_message(uint64_t connection_id) {
  return QStringLiteral("connection #%1 was not found when the capture was read again (has the file changed?)")
      .arg(connection_id);
}

}  // namespace

ExportOutcome export_audit_report(const ExportSource& source, AuditReportFormat format, const QString& out_path,
                                  const CancelCheck& cancelled) {
  if (!source.analysis) return failed(QStringLiteral("the capture has not been analysed yet"));
  if (!source.analysis->trust)
    return failed(QStringLiteral("the audit is off: turn it on in Edit > Preferences to export its report"));
  const CancelCheck& stop = cancelled ? cancelled : CancelCheck(never_cancelled);
  const bool json = format != AuditReportFormat::text;
  CapturePassOutcome pass;
  bool was_cancelled = false;
  const QByteArray report = captured_output([&](OutputStream& out) {
    AuditReport audit_report(out, json);
    pass = run_capture_pass(source.capture_path, *source.analysis, audit_report, [&](uint64_t) {
      was_cancelled = stop();
      return !was_cancelled;
    });
  });
  if (was_cancelled) return failed(QStringLiteral("export cancelled"));
  if (pass.status == CapturePassOutcome::Status::failed) return failed(pass.error);

  const QString capture_name = QFileInfo(source.capture_path).fileName();
  switch (format) {
    case AuditReportFormat::text:
    case AuditReportFormat::json:
      return write_file(out_path, report);
    case AuditReportFormat::markdown:
      return write_file(out_path, audit_report_markdown(parse_audit_report_json(report), capture_name).toUtf8());
    case AuditReportFormat::html:
      return write_file(out_path, audit_report_html(parse_audit_report_json(report), capture_name).toUtf8());
  }
  return failed(QStringLiteral("unknown report format"));
}

ExportOutcome export_connection_text(const ExportSource& source, uint64_t connection_id, const QString& out_path,
                                     const CancelCheck& cancelled) {
  if (!source.analysis) return failed(QStringLiteral("the capture has not been analysed yet"));
  RereadOutcome reread;
  const QByteArray text = captured_output([&](OutputStream& out) {
    TextPrinter printer(out, TextOptions{});
    reread = reread_connection(source.capture_path, *source.analysis, connection_id, source.offsets.get(), printer,
                               cancelled ? cancelled : CancelCheck(never_cancelled));
  });
  if (reread.cancelled) return failed(QStringLiteral("export cancelled"));
  if (reread.pass.status == CapturePassOutcome::Status::failed) return failed(reread.pass.error);
  if (!reread.found) return failed(not_found_message(connection_id));
  return write_file(out_path, text);
}

ExportOutcome export_decrypted_streams(const ExportSource& source, uint64_t connection_id, const QString& out_dir,
                                       const CancelCheck& cancelled) {
  if (!source.analysis) return failed(QStringLiteral("the capture has not been analysed yet"));
  DecryptedStreamWriter writer;
  std::string why;
  if (!writer.open(QFile::encodeName(out_dir).toStdString(), why)) return failed(QString::fromStdString(why));
  const RereadOutcome reread =
      reread_connection(source.capture_path, *source.analysis, connection_id, source.offsets.get(), writer,
                        cancelled ? cancelled : CancelCheck(never_cancelled));
  if (reread.cancelled) return failed(QStringLiteral("export cancelled"));
  if (reread.pass.status == CapturePassOutcome::Status::failed) return failed(reread.pass.error);
  if (!reread.found) return failed(not_found_message(connection_id));
  if (!writer.error().empty()) return failed(QString::fromStdString(writer.error()));
  if (writer.files_written() == 0)
    return failed(QStringLiteral("connection #%1 has no decrypted application data (no keys for it, or no data)")
                      .arg(connection_id));
  ExportOutcome outcome;
  outcome.ok = true;
  // The writer names the files; list what it made for this connection.
  const QString prefix = QStringLiteral("conn%1-").arg(connection_id);
  for (const QFileInfo& file : QDir(out_dir).entryInfoList({prefix + QStringLiteral("*.bin")}, QDir::Files, QDir::Name))
    outcome.files.append(file.absoluteFilePath());
  return outcome;
}

}  // namespace tlslens::gui
