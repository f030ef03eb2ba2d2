// ConnectionFilterProxy: sorts the connection table (by ConnectionTableModel::SortRole) and
// hides the rows a ConnectionFilter rejects.
#pragma once

#include <QSortFilterProxyModel>

#include "gui/connection_filter.h"

namespace tlslens::gui {

class ConnectionTableModel;

class ConnectionFilterProxy final : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit ConnectionFilterProxy(ConnectionTableModel* source, QObject* parent = nullptr);

  void set_filter(ConnectionFilter filter);
  const ConnectionFilter& filter() const { return filter_; }

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  ConnectionTableModel* source_;
  ConnectionFilter filter_;
};

}  // namespace tlslens::gui
