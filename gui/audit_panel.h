// AuditPanel: the audit's findings for the whole capture or only the selected connection,
// sortable and tinted by severity, under a summary bar (connections, TLS versions, suites,
// findings by severity). Activating a finding (double-click, Enter) asks the window to show its
// connection and record (finding_activated).
#pragma once

#include <cstdint>

#include <QWidget>

class QCheckBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace tlslens::gui {

class FindingsModel;
struct CaptureSummary;

class AuditPanel final : public QWidget {
  Q_OBJECT

 public:
  AuditPanel(FindingsModel* findings, QWidget* parent = nullptr);

  void set_summary(const CaptureSummary& summary);
  // The connection "only the selected connection" narrows to (0: none selected).
  void set_selected_connection(uint64_t connection_id);
  void set_only_selected(bool only);

  // For tests.
  QTableView* table() const { return table_; }
  QString summary_text() const;

 signals:
  void finding_activated(quint64 connection_id, quint64 record_number);

 private:
  void apply_connection_filter();

  FindingsModel* findings_;
  QSortFilterProxyModel* sorted_;
  QLabel* summary_label_;
  QCheckBox* only_selected_;
  QTableView* table_;
  uint64_t selected_connection_ = 0;
};

}  // namespace tlslens::gui
