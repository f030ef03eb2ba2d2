#include "gui/timeline_model.h"

#include <QBrush>

#include "core/tls/registry.h"
#include "gui/tls_labels.h"

namespace tlslens::gui {

namespace {

QString direction_arrow(Direction dir) { return dir == Direction::client_to_server ? QStringLiteral("C→S") : QStringLiteral("S→C"); }

QString content_type_label(uint8_t type) {
  const std::string_view name = tls::content_type_name(type);
  return name.empty() ? QStringLiteral("content type %1").arg(type)
                      : QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

QString record_label(const TimelineEntry& entry) {
  const uint8_t shown = entry.decrypted ? entry.inner_content_type : entry.content_type;
  QString label = QStringLiteral("%1  %2  %3").arg(entry.record_number).arg(direction_arrow(entry.dir), content_type_label(shown));
  if (entry.decrypted) {
    label += QStringLiteral(" (decrypted)");
  } else if (entry.encrypted) {
    label += QStringLiteral(" (encrypted)");
  }
  return label;
}

// The start of decrypted data, as text when it reads as text.
QString plaintext_preview(const QByteArray& plaintext) {
  constexpr qsizetype kPreview = 60;
  const QByteArray head = plaintext.left(kPreview);
  int printable = 0;
  for (char c : head)
    if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t') ++printable;
  if (!head.isEmpty() && printable == head.size()) {
    QString text = QString::fromLatin1(head);
    text.replace(QLatin1Char('\r'), QStringLiteral("\\r")).replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return plaintext.size() > kPreview ? text + QStringLiteral("…") : text;
  }
  return QString::fromLatin1(head.left(16).toHex(' ')) + (plaintext.size() > 16 ? QStringLiteral(" …") : QString());
}

QString record_value(const TimelineEntry& entry) {
  QStringList names;
  for (const TimelineMessage& message : entry.messages) names.append(message.name);
  if (!names.isEmpty()) return names.join(QStringLiteral(", "));
  if (entry.decrypted && entry.inner_content_type == tls::content_type::application_data)
    return plaintext_preview(entry.plaintext);
  if (entry.encrypted && !entry.decrypted && !entry.decrypt_error.isEmpty())
    return QStringLiteral("decryption failed: %1").arg(entry.decrypt_error);
  return {};
}

QString seconds_since(Timestamp t, Timestamp origin) { return QString::number((t - origin).seconds(), 'f', 4); }

}  // namespace

TimelineModel::TimelineModel(QObject* parent) : QAbstractItemModel(parent) {}

int TimelineModel::add_node(Node node) {
  const int id = static_cast<int>(nodes_.size());
  if (node.parent < 0) {
    node.row = static_cast<int>(top_.size());
    top_.push_back(id);
  } else {
    node.row = static_cast<int>(nodes_[static_cast<size_t>(node.parent)].children.size());
    nodes_[static_cast<size_t>(node.parent)].children.push_back(id);
  }
  nodes_.push_back(std::move(node));
  return id;
}

void TimelineModel::add_fields(int parent, const TimelineEntry& entry, const TimelineMessage& message,
                               const FieldNode& field) {
  const bool list = field.kind == tls::FieldKind::list;
  int position = 0;
  for (const FieldNode& child : field.children) {
    Node node;
    node.kind = NodeKind::field;
    node.parent = parent;
    node.entry = &entry;
    node.message = &message;
    node.field = &child;
    if (list || child.name.isEmpty()) node.list_position = position;
    ++position;
    const int id = add_node(node);
    add_fields(id, entry, message, child);
  }
}

void TimelineModel::set_detail(std::shared_ptr<const ConnectionDetail> detail) {
  beginResetModel();
  detail_ = std::move(detail);
  nodes_.clear();
  top_.clear();
  if (detail_) {
    for (const TimelineEntry& entry : detail_->entries) {
      Node top;
      top.entry = &entry;
      const int top_id = add_node(top);
      for (const TimelineMessage& message : entry.messages) {
        Node node;
        node.kind = NodeKind::message;
        node.parent = top_id;
        node.entry = &entry;
        node.message = &message;
        const int message_id = add_node(node);
        add_fields(message_id, entry, message, message.fields);
      }
      if (entry.decrypted && !entry.plaintext.isEmpty() && entry.messages.empty()) {
        Node node;
        node.kind = NodeKind::plaintext;
        node.parent = top_id;
        node.entry = &entry;
        add_node(node);
      }
    }
  }
  endResetModel();
}

const TimelineModel::Node* TimelineModel::node_at(const QModelIndex& index) const {
  if (!index.isValid() || index.internalId() >= nodes_.size()) return nullptr;
  return &nodes_[index.internalId()];
}

QModelIndex TimelineModel::index(int row, int column, const QModelIndex& parent) const {
  if (row < 0 || column < 0 || column >= column_count) return {};
  const std::vector<int>* children = &top_;
  if (parent.isValid()) {
    const Node* p = node_at(parent);
    if (p == nullptr) return {};
    children = &p->children;
  }
  if (static_cast<size_t>(row) >= children->size()) return {};
  return createIndex(row, column, static_cast<quintptr>((*children)[static_cast<size_t>(row)]));
}

QModelIndex TimelineModel::parent(const QModelIndex& child) const {
  const Node* node = node_at(child);
  if (node == nullptr || node->parent < 0) return {};
  const Node& p = nodes_[static_cast<size_t>(node->parent)];
  return createIndex(p.row, 0, static_cast<quintptr>(node->parent));
}

int TimelineModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return static_cast<int>(top_.size());
  if (parent.column() != 0) return 0;
  const Node* node = node_at(parent);
  return node == nullptr ? 0 : static_cast<int>(node->children.size());
}

int TimelineModel::columnCount(const QModelIndex& /*parent*/) const { return column_count; }

QVariant TimelineModel::display(const Node& node, int column) const {
  const TimelineEntry& entry = *node.entry;
  switch (node.kind) {
    case NodeKind::entry:
      switch (column) {
        case item:
          if (entry.kind == TimelineEntry::Kind::record) return record_label(entry);
          return entry.kind == TimelineEntry::Kind::note ? QStringLiteral("note %1").arg(direction_arrow(entry.dir))
                                                         : QStringLiteral("finding");
        case value:
          return entry.kind == TimelineEntry::Kind::record ? record_value(entry) : entry.text;
        case time:
          return detail_ ? seconds_since(entry.ts, detail_->first_seen) : QString();
        case size:
          return entry.kind == TimelineEntry::Kind::record ? QVariant(entry.wire_length) : QVariant();
        default:
          return {};
      }
    case NodeKind::message:
      switch (column) {
        case item:
          return node.message->name;
        case value:
          return node.message->problem.isEmpty() ? QString() : QStringLiteral("malformed: %1").arg(node.message->problem);
        case size:
          return static_cast<qulonglong>(node.message->bytes.size());
        default:
          return {};
      }
    case NodeKind::plaintext:
      switch (column) {
        case item:
          return QStringLiteral("decrypted data");
        case value:
          return plaintext_preview(entry.plaintext);
        case size:
          return entry.plaintext_length;
        default:
          return {};
      }
    case NodeKind::field:
      switch (column) {
        case item:
          return node.list_position >= 0 && node.field->name.isEmpty()
                     ? QStringLiteral("[%1]").arg(node.list_position)
                     : node.field->name;
        case value:
          return node.field->value_text();
        case size:
          return node.field->length > 0 ? QVariant(node.field->length) : QVariant();
        default:
          return {};
      }
  }
  return {};
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const {
  const Node* node = node_at(index);
  if (node == nullptr) return {};
  switch (role) {
    case Qt::DisplayRole:
      return display(*node, index.column());
    case Qt::ToolTipRole:
      if (node->kind == NodeKind::entry && !node->entry->decrypt_error.isEmpty())
        return QStringLiteral("decryption failed: %1").arg(node->entry->decrypt_error);
      if (index.column() == value) return display(*node, value);
      return {};
    case Qt::BackgroundRole:
      if (node->kind == NodeKind::entry && node->entry->severity)
        return QBrush(severity_background(*node->entry->severity));
      return {};
    case Qt::ForegroundRole:
      if (node->kind == NodeKind::entry && node->entry->severity) return QBrush(Qt::black);
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == size || index.column() == time)
        return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    default:
      return {};
  }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case item:
      return QStringLiteral("Record / message / field");
    case value:
      return QStringLiteral("Value");
    case time:
      return QStringLiteral("Time (s)");
    case size:
      return QStringLiteral("Bytes");
    default:
      return {};
  }
}

ByteSelection TimelineModel::bytes_of(const QModelIndex& index) const {
  const Node* node = node_at(index);
  if (node == nullptr) return {};
  const TimelineEntry& entry = *node->entry;
  ByteSelection selection;
  switch (node->kind) {
    case NodeKind::entry:
      selection.data = entry.wire;
      selection.length = entry.wire.size();
      selection.title = QStringLiteral("record %1 as on the wire (%2 bytes)").arg(entry.record_number).arg(entry.wire_length);
      break;
    case NodeKind::message:
      selection.data = node->message->bytes;
      selection.length = node->message->bytes.size();
      selection.title = node->message->name;
      break;
    case NodeKind::plaintext:
      selection.data = entry.plaintext;
      selection.length = entry.plaintext.size();
      selection.title = QStringLiteral("record %1 decrypted (%2 bytes)").arg(entry.record_number).arg(entry.plaintext_length);
      break;
    case NodeKind::field:
      selection.data = node->message->bytes;
      selection.start = node->field->offset;
      selection.length = node->field->length;
      selection.title = QStringLiteral("%1: %2").arg(node->message->name, node->field->name);
      break;
  }
  return selection;
}

QModelIndex TimelineModel::index_of_record(uint64_t number) const {
  for (size_t row = 0; row < top_.size(); ++row) {
    const Node& node = nodes_[static_cast<size_t>(top_[row])];
    if (node.entry->kind == TimelineEntry::Kind::record && node.entry->record_number == number)
      return createIndex(static_cast<int>(row), 0, static_cast<quintptr>(top_[row]));
  }
  return {};
}

}  // namespace tlslens::gui
