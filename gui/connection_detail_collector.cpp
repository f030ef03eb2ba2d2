#include "gui/connection_detail_collector.h"

#include <algorithm>

#include "core/output/text_printer.h"
#include "core/tls/registry.h"

namespace tlslens::gui {

namespace {

QByteArray copy_bytes(Bytes bytes, qsizetype limit) {
  const auto size = std::min(static_cast<qsizetype>(bytes.size()), limit);
  return QByteArray(reinterpret_cast<const char*>(bytes.data()), size);
}

QByteArray wire_bytes(const tls::RecordEvent& record) {
  QByteArray wire = copy_bytes(record.header, ConnectionDetail::kMaxRecordBytes);
  wire += copy_bytes(record.fragment, ConnectionDetail::kMaxRecordBytes - wire.size());
  return wire;
}

QString message_name(const tls::MessageEvent& message) {
  const std::string_view name = tls_message_display_name(message);
  if (!name.empty()) return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
  if (message.content_type == tls::content_type::handshake)
    return QStringLiteral("unknown handshake message %1").arg(message.handshake_type);
  return QStringLiteral("content type %1").arg(message.content_type);
}

}  // namespace

ConnectionDetailCollector::ConnectionDetailCollector(uint64_t connection_id) { detail_.id = connection_id; }

bool ConnectionDetailCollector::room_for(qsizetype bytes) const {
  return detail_.records_kept < ConnectionDetail::kMaxRecords &&
         detail_.stored_bytes + bytes <= ConnectionDetail::kMaxStoredBytes;
}

void ConnectionDetailCollector::connection_ended(const Connection& conn) {
  if (!mine(conn)) return;
  detail_.found = true;
  detail_.first_seen = conn.first_seen;
  done_ = true;
}

void ConnectionDetailCollector::tls_record(const Connection& conn, const tls::RecordEvent& record) {
  if (!mine(conn)) return;
  ++detail_.records_seen;
  TimelineEntry entry;
  entry.kind = TimelineEntry::Kind::record;
  entry.dir = record.dir;
  entry.ts = record.at.ts;
  entry.record_number = record.number;
  entry.stream_offset = record.stream_offset;
  entry.content_type = record.content_type;
  entry.inner_content_type = record.inner_content_type;
  entry.version = record.version;
  entry.encrypted = record.encrypted;
  entry.decrypted = record.decrypted;
  entry.decrypt_error = QString::fromUtf8(record.decrypt_error.data(), static_cast<qsizetype>(record.decrypt_error.size()));
  entry.wire_length = static_cast<uint32_t>(record.header.size() + record.fragment.size());
  entry.wire = wire_bytes(record);
  if (record.decrypted) {
    entry.plaintext_length = static_cast<uint32_t>(record.plaintext.size());
    entry.plaintext = copy_bytes(record.plaintext, ConnectionDetail::kMaxRecordBytes);
  }
  const qsizetype size = entry.wire.size() + entry.plaintext.size() + static_cast<qsizetype>(sizeof(TimelineEntry));
  last_record_kept_ = room_for(size);
  if (!last_record_kept_) {
    detail_.capped = true;
    return;
  }
  detail_.stored_bytes += size;
  ++detail_.records_kept;
  detail_.entries.push_back(std::move(entry));
}

void ConnectionDetailCollector::tls_message(const Connection& conn, const tls::RecordEvent& /*record*/,
                                            const tls::MessageEvent& message) {
  // A message belongs to the record that completed it, which was reported just before.
  if (!mine(conn) || !last_record_kept_ || detail_.entries.empty()) return;
  TimelineMessage copy;
  copy.name = message_name(message);
  copy.content_type = message.content_type;
  copy.handshake_type = message.handshake_type;
  copy.bytes = copy_bytes(message.bytes, ConnectionDetail::kMaxStoredBytes);
  if (message.fields != nullptr) copy.fields = copy_field(*message.fields);
  if (message.problem != nullptr)
    copy.problem = QStringLiteral("%1 at offset %2")
                       .arg(QString::fromStdString(message.problem->reason))
                       .arg(message.problem->offset);
  const qsizetype size = copy.bytes.size() + copy.fields.stored_bytes();
  if (!room_for(size)) {
    detail_.capped = true;
    return;
  }
  detail_.stored_bytes += size;
  detail_.entries.back().messages.push_back(std::move(copy));
}

void ConnectionDetailCollector::tls_note(const Connection& conn, const tls::NoteEvent& note) {
  if (!mine(conn) || detail_.capped) return;
  TimelineEntry entry;
  entry.kind = TimelineEntry::Kind::note;
  entry.dir = note.dir;
  entry.ts = note.at.ts;
  entry.text = QString::fromStdString(note.text);
  detail_.entries.push_back(std::move(entry));
}

void ConnectionDetailCollector::tls_summary(const Connection& conn, const tls::SessionSummary& summary) {
  if (!mine(conn) || summary.audit == nullptr) return;
  detail_.audit = *summary.audit;
}

void ConnectionDetailCollector::audit_chain(const Connection& conn, const audit::ChainEvent& chain) {
  if (!mine(conn)) return;
  const int party = chain.party == audit::Party::client ? 1 : 0;
  detail_.name_checked[party] = QString::fromStdString(chain.name_checked);
  detail_.verified_at[party] = chain.ts;
}

void ConnectionDetailCollector::audit_finding(const Connection& conn, const audit::FindingEvent& finding) {
  if (!mine(conn) || detail_.capped) return;
  TimelineEntry entry;
  entry.kind = TimelineEntry::Kind::finding;
  entry.dir = finding.dir;
  entry.ts = finding.ts;
  entry.record_number = finding.record_number;
  entry.severity = finding.finding.severity;
  entry.text = QStringLiteral("%1: %2").arg(QString::fromUtf8(audit::to_string(finding.finding.code)),
                                            QString::fromStdString(finding.finding.explanation));
  detail_.entries.push_back(std::move(entry));
}

}  // namespace tlslens::gui
