#include "gui/findings_model.h"

#include <QBrush>

#include "core/tls/registry.h"
#include "gui/tls_labels.h"

namespace tlslens::gui {

namespace {

QString record_text(const FindingRow& row) {
  if (row.record_number == 0) return QStringLiteral("end");
  QString text = QString::number(row.record_number);
  if (row.handshake_type != 0) {
    const std::string_view name = tls::handshake_type_name(row.handshake_type);
    if (!name.empty()) text += QStringLiteral(" (%1)").arg(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
  }
  return text;
}

QString evidence_text(const FindingRow& row) {
  QStringList parts;
  for (const auto& [key, value] : row.evidence) parts.append(QStringLiteral("%1=%2").arg(key, value));
  return parts.join(QStringLiteral("; "));
}

QVariant display(const FindingRow& row, int column) {
  switch (column) {
    case FindingsModel::severity:
      return severity_name(row.severity);
    case FindingsModel::code:
      return row.code_name();
    case FindingsModel::connection:
      return static_cast<qulonglong>(row.connection_id);
    case FindingsModel::server:
      return row.sni.isEmpty() ? row.server : QStringLiteral("%1 (%2)").arg(row.sni, row.server);
    case FindingsModel::record:
      return record_text(row);
    case FindingsModel::party:
      return QString::fromUtf8(audit::to_string(row.party));
    case FindingsModel::explanation:
      return row.explanation;
    case FindingsModel::evidence:
      return evidence_text(row);
    default:
      return {};
  }
}

QVariant sort_value(const FindingRow& row, int column) {
  switch (column) {
    case FindingsModel::severity:
      return static_cast<int>(row.severity);
    case FindingsModel::connection:
      return static_cast<qulonglong>(row.connection_id);
    case FindingsModel::record:
      return static_cast<qulonglong>(row.record_number);
    default:
      return display(row, column);
  }
}

}  // namespace

FindingsModel::FindingsModel(QObject* parent) : QAbstractTableModel(parent) {}

void FindingsModel::append_findings(const QList<FindingRow>& findings) {
  if (findings.isEmpty()) return;
  const int first = rowCount();
  beginInsertRows({}, first, first + static_cast<int>(findings.size()) - 1);
  findings_.insert(findings_.end(), findings.begin(), findings.end());
  endInsertRows();
}

void FindingsModel::clear() {
  beginResetModel();
  findings_.clear();
  endResetModel();
}

int FindingsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(findings_.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : column_count; }

QVariant FindingsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const FindingRow& row = finding_at(index.row());
  switch (role) {
    case Qt::DisplayRole:
      return display(row, index.column());
    case SortRole:
      return sort_value(row, index.column());
    case Qt::ToolTipRole:
      return index.column() == evidence || index.column() == explanation ? display(row, index.column()) : QVariant();
    case Qt::BackgroundRole:
      return index.column() == severity ? QVariant(QBrush(severity_background(row.severity))) : QVariant();
    case Qt::ForegroundRole:
      return index.column() == severity ? QVariant(QBrush(Qt::black)) : QVariant();
    default:
      return {};
  }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case severity:
      return QStringLiteral("Severity");
    case code:
      return QStringLiteral("Code");
    case connection:
      return QStringLiteral("#");
    case server:
      return QStringLiteral("Server");
    case record:
      return QStringLiteral("Record");
    case party:
      return QStringLiteral("Party");
    case explanation:
      return QStringLiteral("Explanation");
    case evidence:
      return QStringLiteral("Evidence");
    default:
      return {};
  }
}

}  // namespace tlslens::gui
