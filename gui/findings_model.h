// FindingsModel: every audit finding of the capture, one row each, for the audit panel —
// severity (tinted), code, connection, server/SNI, record, party, explanation, evidence.
// Sorted through a proxy by SortRole (severity by rank, numbers as numbers); the audit panel's
// proxy narrows it to the selected connection when asked.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <QAbstractTableModel>

#include "gui/finding_row.h"

namespace tlslens::gui {

class FindingsModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { severity, code, connection, server, record, party, explanation, evidence, column_count };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit FindingsModel(QObject* parent = nullptr);

  void append_findings(const QList<FindingRow>& findings);
  void clear();
  const FindingRow& finding_at(int row) const { return findings_[static_cast<size_t>(row)]; }
  const std::vector<FindingRow>& findings() const { return findings_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<FindingRow> findings_;
};

}  // namespace tlslens::gui
