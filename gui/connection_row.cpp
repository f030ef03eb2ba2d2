#include "gui/connection_row.h"

#include "core/audit/connection_audit.h"

namespace tlslens::gui {

namespace {

void add_decryption(TlsColumns& row, const tls::SessionSummary& summary, uint64_t encrypted_records) {
  const uint64_t decrypted = summary.decrypted_records[0] + summary.decrypted_records[1];
  const uint64_t undecryptable = summary.undecryptable_records[0] + summary.undecryptable_records[1];
  if (encrypted_records == 0) {
    row.decryption = DecryptionState::nothing_encrypted;
    return;
  }
  if (!summary.decryption_attempted) {
    row.decryption = DecryptionState::no_keys;
    row.decryption_note = QStringLiteral("no key log or RSA key was given (Edit > Preferences)");
    return;
  }
  if (decrypted == 0 && undecryptable == 0) {
    row.decryption = DecryptionState::nothing_encrypted;
    return;
  }
  if (decrypted == 0) {
    row.decryption = DecryptionState::none;
  } else if (undecryptable == 0) {
    row.decryption = DecryptionState::full;
  } else {
    row.decryption = DecryptionState::partial;
  }
  QString note = QStringLiteral("C>S %1/%2, S>C %3/%4 records decrypted")
                     .arg(summary.decrypted_records[0])
                     .arg(summary.decrypted_records[0] + summary.undecryptable_records[0])
                     .arg(summary.decrypted_records[1])
                     .arg(summary.decrypted_records[1] + summary.undecryptable_records[1]);
  if (!summary.missing_keys.empty()) note = QString::fromStdString(summary.missing_keys) + QStringLiteral("; ") + note;
  row.decryption_note = note;
}

}  // namespace

ConnectionRow make_connection_row(const Connection& connection) {
  const DirectionStats& to_server = connection.stats_of(Direction::client_to_server);
  const DirectionStats& to_client = connection.stats_of(Direction::server_to_client);

  ConnectionRow row;
  row.id = connection.id;
  row.client = connection.client;
  row.server = connection.server;
  row.first_seen = connection.first_seen;
  row.last_seen = connection.last_seen;
  row.packets = to_server.segments + to_client.segments;
  row.bytes_client_to_server = to_server.delivered_bytes;
  row.bytes_server_to_client = to_client.delivered_bytes;
  row.end_reason = connection.end_reason;
  row.handshake_seen = connection.handshake_seen;
  row.gaps = to_server.gaps + to_client.gaps;
  row.gap_bytes = to_server.gap_bytes + to_client.gap_bytes;
  return row;
}

TlsColumns make_tls_columns(const tls::SessionSummary& summary, uint64_t encrypted_records) {
  TlsColumns row;
  row.outcome = summary.outcome;
  row.is_tls = summary.outcome != tls::HandshakeOutcome::not_tls;
  row.records = summary.records[0] + summary.records[1];
  if (const tls::TlsFacts* facts = summary.facts) {
    row.sni = QString::fromStdString(facts->sni);
    row.alpn = QString::fromStdString(facts->alpn);
    if (facts->server_hello_seen) {
      row.version = facts->negotiated_version;
      row.cipher_suite = facts->cipher_suite;
    }
  }
  if (row.is_tls) add_decryption(row, summary, encrypted_records);
  if (const audit::ConnectionAudit* audit = summary.audit) {
    row.audited = true;
    row.worst = audit->worst();
    for (const audit::FindingEvent& event : audit->findings) {
      const QString code = QString::fromUtf8(audit::to_string(event.finding.code));
      if (!row.finding_codes.contains(code)) row.finding_codes.append(code);
    }
  }
  return row;
}

}  // namespace tlslens::gui
