#include "gui/connection_table_model.h"

#include <algorithm>

#include <QBrush>
#include <QColor>

#include "gui/display_format.h"
#include "gui/tls_labels.h"

namespace tlslens::gui {

namespace {

using Column = ConnectionTableModel::Column;

QString header_text(int column) {
  switch (column) {
    case Column::number:
      return QStringLiteral("#");
    case Column::client:
      return QStringLiteral("Client");
    case Column::server:
      return QStringLiteral("Server");
    case Column::sni:
      return QStringLiteral("SNI");
    case Column::version:
      return QStringLiteral("Version");
    case Column::cipher_suite:
      return QStringLiteral("Cipher suite");
    case Column::alpn:
      return QStringLiteral("ALPN");
    case Column::handshake:
      return QStringLiteral("Handshake");
    case Column::decrypted:
      return QStringLiteral("Decrypted");
    case Column::audit:
      return QStringLiteral("Audit");
    case Column::start:
      return QStringLiteral("Start");
    case Column::duration:
      return QStringLiteral("Duration");
    case Column::packets:
      return QStringLiteral("Packets");
    case Column::bytes_client_to_server:
      return QStringLiteral("Bytes C→S");
    case Column::bytes_server_to_client:
      return QStringLiteral("Bytes S→C");
    case Column::end_reason:
      return QStringLiteral("End");
    case Column::tcp_open:
      return QStringLiteral("TCP open");
    case Column::gaps:
      return QStringLiteral("Gaps");
    default:
      return {};
  }
}

QString header_tooltip(int column) {
  switch (column) {
    case Column::number:
      return QStringLiteral("Connection number, in order of first packet (as tshark's tcp.stream + 1)");
    case Column::sni:
      return QStringLiteral("The server name the client asked for (ClientHello server_name)");
    case Column::version:
      return QStringLiteral("The negotiated protocol version");
    case Column::cipher_suite:
      return QStringLiteral("The cipher suite the server chose");
    case Column::alpn:
      return QStringLiteral("The application protocol the server selected");
    case Column::handshake:
      return QStringLiteral("How the handshake went");
    case Column::decrypted:
      return QStringLiteral("Whether the encrypted records could be decrypted; the tooltip says why not");
    case Column::audit:
      return QStringLiteral("The worst severity the audit found, and how many kinds of finding");
    case Column::start:
      return QStringLiteral("Capture time of the connection's first packet");
    case Column::duration:
      return QStringLiteral("From the first packet to the last, in capture time");
    case Column::packets:
      return QStringLiteral(
          "TCP segments in both directions until the connection ended "
          "(the ACK that follows the last FIN comes after the end and is not counted)");
    case Column::bytes_client_to_server:
    case Column::bytes_server_to_client:
      return QStringLiteral("Stream bytes delivered in order; retransmitted bytes are counted once");
    case Column::end_reason:
      return QStringLiteral("Why the connection ended");
    case Column::tcp_open:
      return QStringLiteral("Whether the SYN was captured; without it the client/server roles are inferred");
    case Column::gaps:
      return QStringLiteral("Holes in the stream: bytes the peer received that the capture missed");
    default:
      return {};
  }
}

// Words for the table; to_string(EndReason) gives the CLI's and JSON's identifiers ("end_of_capture").
QString end_reason_label(EndReason reason) {
  switch (reason) {
    case EndReason::fin:
      return QStringLiteral("FIN");
    case EndReason::rst:
      return QStringLiteral("RST");
    case EndReason::idle_timeout:
      return QStringLiteral("idle timeout");
    case EndReason::evicted:
      return QStringLiteral("evicted");
    case EndReason::port_reuse:
      return QStringLiteral("port reused");
    case EndReason::end_of_capture:
      return QStringLiteral("capture ended");
  }
  return QString::fromUtf8(to_string(reason));
}

QString end_reason_explanation(EndReason reason) {
  switch (reason) {
    case EndReason::fin:
      return QStringLiteral("Both sides closed with FIN");
    case EndReason::rst:
      return QStringLiteral("A side reset the connection (RST)");
    case EndReason::idle_timeout:
      return QStringLiteral("No packet for longer than the idle timeout (capture time)");
    case EndReason::evicted:
      return QStringLiteral("Pushed out by the flow cap; later packets were not followed");
    case EndReason::port_reuse:
      return QStringLiteral("A new SYN on the same addresses and ports started a new connection");
    case EndReason::end_of_capture:
      return QStringLiteral("Still open when the capture ended");
  }
  return {};
}

QString gaps_text(const ConnectionRow& row) {
  if (row.gaps == 0) return QStringLiteral("none");
  return QStringLiteral("%1 (%2 bytes)").arg(format_count(row.gaps), format_count(row.gap_bytes));
}

QVariant display_value(const ConnectionRow& row, int column) {
  switch (column) {
    case Column::number:
      return static_cast<qulonglong>(row.id);
    case Column::client:
      return format_endpoint(row.client);
    case Column::server:
      return format_endpoint(row.server);
    case Column::sni:
      return row.tls.sni;
    case Column::version:
      return version_label(row.tls.version);
    case Column::cipher_suite:
      return cipher_suite_label(row.tls.cipher_suite);
    case Column::alpn:
      return row.tls.alpn;
    case Column::handshake:
      // A live connection's TLS columns come when it ends; until then nothing is judged.
      return row.open ? QStringLiteral("in progress") : outcome_label(row.tls.outcome);
    case Column::decrypted:
      return decryption_label(row.tls.decryption);
    case Column::audit:
      return audit_verdict_label(row.tls);
    case Column::start:
      return format_capture_time(row.first_seen);
    case Column::duration:
      return format_duration(row.duration());
    case Column::packets:
      return format_count(row.packets);
    case Column::bytes_client_to_server:
      return format_count(row.bytes_client_to_server);
    case Column::bytes_server_to_client:
      return format_count(row.bytes_server_to_client);
    case Column::end_reason:
      return row.open ? QStringLiteral("open") : end_reason_label(row.end_reason);
    case Column::tcp_open:
      return row.handshake_seen ? QStringLiteral("SYN seen") : QStringLiteral("mid-stream");
    case Column::gaps:
      return gaps_text(row);
    default:
      return {};
  }
}

QVariant sort_value(const ConnectionRow& row, int column) {
  switch (column) {
    case Column::number:
      return static_cast<qulonglong>(row.id);
    case Column::client:
      return endpoint_sort_key(row.client);
    case Column::server:
      return endpoint_sort_key(row.server);
    case Column::version:
      return static_cast<uint>(row.tls.version);
    case Column::audit:
      // No audit, then no finding, then by worst severity.
      return row.tls.worst ? static_cast<int>(*row.tls.worst) + 1 : (row.tls.audited ? 0 : -1);
    case Column::start:
      return static_cast<qlonglong>(row.first_seen.ns);
    case Column::duration:
      return static_cast<qlonglong>(row.duration().ns);
    case Column::packets:
      return static_cast<qulonglong>(row.packets);
    case Column::bytes_client_to_server:
      return static_cast<qulonglong>(row.bytes_client_to_server);
    case Column::bytes_server_to_client:
      return static_cast<qulonglong>(row.bytes_server_to_client);
    case Column::gaps:
      return static_cast<qulonglong>(row.gap_bytes);
    default:
      return display_value(row, column);  // text columns sort by their text
  }
}

QVariant tooltip(const ConnectionRow& row, int column) {
  switch (column) {
    case Column::decrypted:
      return row.tls.decryption_note.isEmpty() ? QVariant() : QVariant(row.tls.decryption_note);
    case Column::audit:
      return row.tls.finding_codes.isEmpty() ? QVariant() : QVariant(row.tls.finding_codes.join(QStringLiteral(", ")));
    case Column::end_reason:
      return row.open ? QStringLiteral("Still open: the live capture has not seen it end")
                      : end_reason_explanation(row.end_reason);
    case Column::tcp_open:
      return row.handshake_seen ? QStringLiteral("The connection's SYN was captured")
                                : QStringLiteral(
                                      "The capture began after this connection opened; "
                                      "client and server were inferred from the ports");
    case Column::gaps:
      return row.gaps == 0 ? QStringLiteral("Every byte of both directions was captured")
                           : QStringLiteral(
                                 "%1 byte(s) in %2 hole(s) were never captured; "
                                 "decoding resumes after each hole")
                                 .arg(format_count(row.gap_bytes), format_count(row.gaps));
    default:
      return {};
  }
}

bool is_numeric(int column) {
  switch (column) {
    case Column::number:
    case Column::duration:
    case Column::packets:
    case Column::bytes_client_to_server:
    case Column::bytes_server_to_client:
      return true;
    default:
      return false;
  }
}

// Incomplete data is what a reader must not overlook, so it is coloured; everything else stays plain.
QVariant foreground(const ConnectionRow& row, int column) {
  static const QColor warning_colour(0xb0, 0x4a, 0x00);
  if (column == Column::gaps && row.gaps > 0) return QBrush(warning_colour);
  if (column == Column::tcp_open && !row.handshake_seen) return QBrush(warning_colour);
  if (column == Column::audit && row.tls.worst) return QBrush(Qt::black);  // on its tint
  return {};
}

QVariant background(const ConnectionRow& row, int column) {
  if (column == Column::audit && row.tls.worst) return QBrush(severity_background(*row.tls.worst));
  return {};
}

}  // namespace

ConnectionTableModel::ConnectionTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ConnectionTableModel::append_rows(const QList<ConnectionRow>& rows) {
  if (rows.isEmpty()) return;
  const int first = rowCount();
  beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
  rows_.insert(rows_.end(), rows.begin(), rows.end());
  for (int i = first; i < rowCount(); ++i) row_of_id_[rows_[static_cast<size_t>(i)].id] = i;
  endInsertRows();
}

void ConnectionTableModel::update_or_append_rows(const QList<ConnectionRow>& rows) {
  QList<ConnectionRow> new_rows;
  for (const ConnectionRow& row : rows) {
    const int existing = row_of(row.id);
    if (existing < 0) {
      // A connection reported twice in one batch (started, then ended) is one new row.
      auto same = std::find_if(new_rows.begin(), new_rows.end(), [&](const ConnectionRow& r) { return r.id == row.id; });
      if (same != new_rows.end()) *same = row;
      else new_rows.append(row);
      continue;
    }
    rows_[static_cast<size_t>(existing)] = row;
    emit dataChanged(index(existing, 0), index(existing, column_count - 1));
  }
  append_rows(new_rows);
}

void ConnectionTableModel::clear() {
  if (rows_.empty()) return;
  beginResetModel();
  rows_.clear();
  row_of_id_.clear();
  endResetModel();
}

int ConnectionTableModel::row_of(uint64_t id) const {
  const auto it = row_of_id_.find(id);
  return it == row_of_id_.end() ? -1 : it->second;
}

int ConnectionTableModel::rowCount(const QModelIndex& parent) const {
  // A table: only the invisible root has children.
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ConnectionTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : Column::column_count;
}

QVariant ConnectionTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const ConnectionRow& row = row_at(index.row());
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
      return display_value(row, column);
    case SortRole:
      return sort_value(row, column);
    case Qt::ToolTipRole:
      return tooltip(row, column);
    case Qt::ForegroundRole:
      return foreground(row, column);
    case Qt::BackgroundRole:
      return background(row, column);
    case Qt::TextAlignmentRole:
      // An int, not Qt::Alignment: Qt 6.4's item delegate reads this role with toInt().
      return static_cast<int>(is_numeric(column) ? Qt::AlignRight | Qt::AlignVCenter
                                                 : Qt::AlignLeft | Qt::AlignVCenter);
    default:
      return {};
  }
}

QVariant ConnectionTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return QAbstractTableModel::headerData(section, orientation, role);
  switch (role) {
    case Qt::DisplayRole:
      return header_text(section);
    case Qt::ToolTipRole:
      return header_tooltip(section);
    default:
      return {};
  }
}

}  // namespace tlslens::gui
