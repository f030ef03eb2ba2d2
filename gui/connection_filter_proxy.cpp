#include "gui/connection_filter_proxy.h"

#include <utility>

#include "gui/connection_table_model.h"

namespace tlslens::gui {

ConnectionFilterProxy::ConnectionFilterProxy(ConnectionTableModel* source, QObject* parent)
    : QSortFilterProxyModel(parent), source_(source) {
  setSourceModel(source);
  setSortRole(ConnectionTableModel::SortRole);
}

void ConnectionFilterProxy::set_filter(ConnectionFilter filter) {
  // Qt 6.9's beginFilterChange() is not available on every target; invalidateFilter is.
  filter_ = std::move(filter);
  invalidateFilter();
}

bool ConnectionFilterProxy::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
  if (source_parent.isValid() || filter_.empty()) return true;
  return filter_.matches(source_->row_at(source_row));
}

}  // namespace tlslens::gui
