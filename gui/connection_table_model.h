// ConnectionTableModel: the capture's TCP connections, one row each, for a QTableView.
//
// It holds plain ConnectionRow values and knows nothing of the pipeline: the CaptureLoader fills
// it in batches (one beginInsertRows per batch, so a capture with a million connections does not
// cost a million view updates). Rows keep the order they were appended in; views sort through a
// QSortFilterProxyModel whose sortRole is SortRole, which gives numbers as numbers and endpoints
// as address-then-port keys, so "Bytes" and "Client" sort the way a reader expects. The audit
// column sorts by worst severity and is tinted by it (BackgroundRole).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include <QAbstractTableModel>

#include "gui/connection_row.h"

namespace tlslens::gui {

class ConnectionTableModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    number,
    client,
    server,
    sni,
    version,
    cipher_suite,
    alpn,
    handshake,
    decrypted,
    audit,
    bytes_client_to_server,
    bytes_server_to_client,
    start,
    duration,
    packets,
    end_reason,
    tcp_open,
    gaps,
    column_count,
  };

  // The value a proxy should sort by: a number, or a byte key for endpoints.
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit ConnectionTableModel(QObject* parent = nullptr);

  void append_rows(const QList<ConnectionRow>& rows);
  // Live capture: a row whose connection is already in the table replaces it (an open
  // connection that has ended); the others are appended.
  void update_or_append_rows(const QList<ConnectionRow>& rows);
  void clear();
  const ConnectionRow& row_at(int row) const { return rows_[static_cast<size_t>(row)]; }
  // The model row of connection `id`, or -1.
  int row_of(uint64_t id) const;
  const std::vector<ConnectionRow>& rows() const { return rows_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<ConnectionRow> rows_;
  std::unordered_map<uint64_t, int> row_of_id_;
};

}  // namespace tlslens::gui
