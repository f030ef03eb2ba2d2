#include "gui/audit_panel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "gui/capture_summary.h"
#include "gui/findings_model.h"

namespace tlslens::gui {

AuditPanel::AuditPanel(FindingsModel* findings, QWidget* parent)
    : QWidget(parent),
      findings_(findings),
      sorted_(new QSortFilterProxyModel(this)),
      summary_label_(new QLabel(this)),
      only_selected_(new QCheckBox(tr("Only the selected connection"), this)),
      table_(new QTableView(this)) {
  sorted_->setSourceModel(findings_);
  sorted_->setSortRole(FindingsModel::SortRole);
  sorted_->setFilterKeyColumn(FindingsModel::connection);
  summary_label_->setWordWrap(true);
  summary_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  table_->setModel(sorted_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(FindingsModel::severity, Qt::DescendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setWordWrap(false);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);

  auto* top = new QHBoxLayout;
  top->addWidget(summary_label_, 1);
  top->addWidget(only_selected_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(table_, 1);

  connect(only_selected_, &QCheckBox::toggled, this, [this] { apply_connection_filter(); });
  connect(table_, &QTableView::activated, this, [this](const QModelIndex& index) {
    const FindingRow& row = findings_->finding_at(sorted_->mapToSource(index).row());
    emit finding_activated(row.connection_id, row.record_number);
  });
}

void AuditPanel::set_summary(const CaptureSummary& summary) { summary_label_->setText(summary.text()); }

QString AuditPanel::summary_text() const { return summary_label_->text(); }

void AuditPanel::set_selected_connection(uint64_t connection_id) {
  selected_connection_ = connection_id;
  apply_connection_filter();
}

void AuditPanel::set_only_selected(bool only) { only_selected_->setChecked(only); }

void AuditPanel::apply_connection_filter() {
  if (!only_selected_->isChecked()) {
    sorted_->setFilterRegularExpression(QRegularExpression());
  } else {
    sorted_->setFilterRegularExpression(
        QRegularExpression(QStringLiteral("^%1$").arg(selected_connection_)));
  }
}

}  // namespace tlslens::gui
