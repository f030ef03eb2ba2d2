// ConnectionDetail: what the GUI shows about one selected connection — its timeline of TLS
// records (each with the messages it completed, decoded into FieldNode trees, and its bytes),
// the notes and findings in between, and its audit (certificates and chain verification).
//
// Memory: a detail exists only for the connection being looked at (and a few recent ones, see
// ConnectionDetailLoader), and is capped: at most kMaxRecords records and about kMaxStoredBytes
// bytes (wire bytes, plaintext and decoded trees together). Past the cap the records are still
// counted (records_seen) but not kept, and `capped` tells the view to say so.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include "core/audit/connection_audit.h"
#include "core/tcp/stream_consumer.h"
#include "core/util/timestamp.h"
#include "gui/field_node.h"

namespace tlslens::gui {

struct TimelineMessage {
  QString name;  // "ClientHello", "Alert", "ChangeCipherSpec"
  uint8_t content_type = 0;
  uint8_t handshake_type = 0;
  QByteArray bytes;  // the whole message (handshake: header + body); field offsets index into it
  FieldNode fields;  // the decoded tree (a group keyed by the message name)
  QString problem;   // "cipher_suites length 7 is odd at offset 40" when malformed
};

struct TimelineEntry {
  enum class Kind : uint8_t { record, note, finding };
  Kind kind = Kind::record;
  Direction dir = Direction::client_to_server;
  Timestamp ts;

  // ---- record
  uint64_t record_number = 0;
  uint64_t stream_offset = 0;
  uint8_t content_type = 0;
  uint8_t inner_content_type = 0;  // the real type of a decrypted record (TLS 1.3 hides it)
  uint16_t version = 0;
  bool encrypted = false;
  bool decrypted = false;
  QString decrypt_error;
  uint32_t wire_length = 0;     // header + fragment, as on the wire
  QByteArray wire;              // header + fragment (cut to kMaxRecordBytes; wire_length says how long it was)
  QByteArray plaintext;         // decrypted content (cut likewise)
  uint32_t plaintext_length = 0;
  std::vector<TimelineMessage> messages;

  // ---- note, finding: one line; a finding's severity
  QString text;
  std::optional<audit::Severity> severity;
};

struct ConnectionDetail {
  static constexpr size_t kMaxRecords = 5000;
  static constexpr qsizetype kMaxStoredBytes = 16 * 1024 * 1024;
  static constexpr qsizetype kMaxRecordBytes = 64 * 1024;  // of one record's wire bytes or plaintext

  uint64_t id = 0;
  bool found = false;  // false: the connection was not in the capture when re-read
  Timestamp first_seen;
  std::vector<TimelineEntry> entries;
  uint64_t records_seen = 0;  // all records of the connection, kept or not
  uint64_t records_kept = 0;
  bool capped = false;  // some records were not kept
  // How the capture was re-read for it: from the connection's first packet (PacketOffsetIndex)
  // or from the file's start, and how many packets that took.
  bool read_from_index = false;
  uint64_t packets_read = 0;
  qsizetype stored_bytes = 0;

  // The audit (null when it did not run); its certificates are the chains as sent.
  std::optional<audit::ConnectionAudit> audit;
  // Per party (0 server, 1 client): the name the leaf was checked against and the time the
  // chain was verified at (the Certificate message's capture time).
  QString name_checked[2];
  Timestamp verified_at[2];
};

}  // namespace tlslens::gui

Q_DECLARE_METATYPE(std::shared_ptr<const tlslens::gui::ConnectionDetail>)
