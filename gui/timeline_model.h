// TimelineModel: one connection's ConnectionDetail as a tree for a QTreeView — records (with
// direction arrow, time since the connection's first packet, size), notes and findings at the
// top level; under a record the messages it completed and, when decrypted, its plaintext;
// under a message every decoded field, to any depth.
//
// bytes_of() says which bytes a node stands for, so the hex view can highlight them: a record
// its wire bytes, a message its bytes, a field its offset/length within its message, the
// plaintext node the decrypted content. The model shares the detail (a shared_ptr) and keeps a
// flat table of nodes built once per connection, so index() and parent() are O(1).
#pragma once

#include <memory>
#include <vector>

#include <QAbstractItemModel>
#include <QByteArray>
#include <QString>

#include "gui/connection_detail.h"

namespace tlslens::gui {

// The bytes a timeline node stands for: `data`, of which [start, start + length) is the node's.
struct ByteSelection {
  QByteArray data;
  qsizetype start = 0;
  qsizetype length = 0;
  QString title;  // "record 3 (wire)", "ClientHello", "decrypted record 7"
};

class TimelineModel final : public QAbstractItemModel {
  Q_OBJECT

 public:
  enum Column { item, value, time, size, column_count };

  explicit TimelineModel(QObject* parent = nullptr);

  void set_detail(std::shared_ptr<const ConnectionDetail> detail);
  void clear() { set_detail(nullptr); }
  const ConnectionDetail* detail() const { return detail_.get(); }

  ByteSelection bytes_of(const QModelIndex& index) const;
  // The top-level row of record `number`, or an invalid index.
  QModelIndex index_of_record(uint64_t number) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  enum class NodeKind : uint8_t { entry, message, plaintext, field };
  struct Node {
    NodeKind kind = NodeKind::entry;
    int parent = -1;  // node index; -1 for top level
    int row = 0;
    std::vector<int> children;
    const TimelineEntry* entry = nullptr;      // every node: its record (or note/finding)
    const TimelineMessage* message = nullptr;  // message and field nodes
    const FieldNode* field = nullptr;          // field nodes
    int list_position = -1;                    // an unnamed list entry's position, shown as "[n]"
  };

  int add_node(Node node);
  void add_fields(int parent, const TimelineEntry& entry, const TimelineMessage& message, const FieldNode& field);
  const Node* node_at(const QModelIndex& index) const;
  QVariant display(const Node& node, int column) const;

  std::shared_ptr<const ConnectionDetail> detail_;
  std::vector<Node> nodes_;
  std::vector<int> top_;
};

}  // namespace tlslens::gui
