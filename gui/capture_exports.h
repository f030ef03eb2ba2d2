// The File > Export entries, as functions a worker thread (or a test) calls: each makes one
// more pass over the capture with the load's PreparedAnalysis — so what is exported is
// numbered, decrypted and audited exactly as the window shows it — and writes files.
//
//  * export_audit_report: the audit of the whole capture, the report `tlslens --audit` prints
//    (core AuditReport): as its text, as its JSON lines (`--audit -j`), or as Markdown or HTML
//    made from those JSON lines (audit_report_document.h).
//  * export_connection_text: what `tlslens -r CAPTURE` prints for one connection (TextPrinter,
//    default options, the audit inline), and nothing about the others.
//  * export_decrypted_streams: one connection's decrypted application data, one file per
//    direction, named as `--write-decrypted DIR` names them (DecryptedStreamWriter).
//
// The connection exports re-read only the connection (connection_reread.h), from its first
// packet when the PacketOffsetIndex knows it. `cancelled` is polled after every packet.
#pragma once

#include <cstdint>
#include <functional>

#include <QString>
#include <QStringList>

#include "gui/analysis_settings.h"
#include "gui/packet_offset_index.h"

namespace tlslens::gui {

enum class AuditReportFormat { text, json, markdown, html };

struct ExportOutcome {
  bool ok = false;
  QString error;      // why nothing (or not everything) was written
  QStringList files;  // what was written
};

// The capture being exported from, as the load left it.
struct ExportSource {
  QString capture_path;
  std::shared_ptr<const PreparedAnalysis> analysis;
  std::shared_ptr<const PacketOffsetIndex> offsets;  // may be null
};

using CancelCheck = std::function<bool()>;

ExportOutcome export_audit_report(const ExportSource& source, AuditReportFormat format, const QString& out_path,
                                  const CancelCheck& cancelled = {});
ExportOutcome export_connection_text(const ExportSource& source, uint64_t connection_id, const QString& out_path,
                                     const CancelCheck& cancelled = {});
// Creates `out_dir` when missing. Not ok when the connection has no decrypted application data.
ExportOutcome export_decrypted_streams(const ExportSource& source, uint64_t connection_id, const QString& out_dir,
                                       const CancelCheck& cancelled = {});

}  // namespace tlslens::gui
