// FieldNode: an owned copy of a decoded tls::Field tree, for the views.
//
// The core's Field trees (and the bytes they point into) live only while an event is handled;
// the timeline keeps what it shows, so it copies the tree: keys become display text
// ("legacy_version" -> "legacy version"), byte values are copied into a QByteArray.
// Offsets and lengths keep their meaning: they locate the field within the message's bytes.
#pragma once

#include <cstdint>
#include <vector>

#include <QByteArray>
#include <QString>

#include "core/tls/field.h"

namespace tlslens::gui {

struct FieldNode {
  QString name;  // the key as words; for a list's unnamed entries, "" (the view numbers them)
  tls::FieldKind kind = tls::FieldKind::group;
  quint64 number = 0;
  QString text;
  QByteArray bytes;
  uint32_t offset = 0;
  uint32_t length = 0;
  std::vector<FieldNode> children;

  // What the value column shows: "TLS 1.2 (0x0303)", "42", "example.com", "true",
  // "[32 bytes] 6e6efd14…" (the start of the bytes), or "" for groups and lists.
  QString value_text() const;

  // Bytes held by this node and its children (for the timeline's memory cap).
  qsizetype stored_bytes() const;
};

FieldNode copy_field(const tls::Field& field);

}  // namespace tlslens::gui
