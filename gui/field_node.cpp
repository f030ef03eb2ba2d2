#include "gui/field_node.h"

namespace tlslens::gui {

namespace {

// Enough hex to recognise a value; the hex view shows all of it.
constexpr qsizetype kPreviewBytes = 16;

}  // namespace

QString FieldNode::value_text() const {
  switch (kind) {
    case tls::FieldKind::group:
    case tls::FieldKind::list:
      return children.empty() && !text.isEmpty() ? text : QString();
    case tls::FieldKind::uint:
      return QString::number(number);
    case tls::FieldKind::text:
      return text;
    case tls::FieldKind::bytes: {
      QString preview = QString::fromLatin1(bytes.left(kPreviewBytes).toHex(' '));
      if (bytes.size() > kPreviewBytes) preview += QStringLiteral(" …");
      return QStringLiteral("[%1 bytes] %2").arg(bytes.size()).arg(preview).trimmed();
    }
    case tls::FieldKind::code: {
      const int digits = number > 0xff ? 4 : 2;
      const QString hex = QStringLiteral("0x%1").arg(number, digits, 16, QLatin1Char('0'));
      return text.isEmpty() ? hex : QStringLiteral("%1 (%2)").arg(text, hex);
    }
    case tls::FieldKind::boolean:
      return number ? QStringLiteral("true") : QStringLiteral("false");
  }
  return {};
}

qsizetype FieldNode::stored_bytes() const {
  qsizetype total = bytes.size() + text.size() * 2 + name.size() * 2 + static_cast<qsizetype>(sizeof(FieldNode));
  for (const FieldNode& child : children) total += child.stored_bytes();
  return total;
}

FieldNode copy_field(const tls::Field& field) {
  FieldNode node;
  node.name = QString::fromUtf8(field.key.data(), static_cast<qsizetype>(field.key.size()));
  node.name.replace(QLatin1Char('_'), QLatin1Char(' '));
  node.kind = field.kind;
  node.number = field.number;
  node.text = QString::fromUtf8(field.text.data(), static_cast<qsizetype>(field.text.size()));
  if (!field.bytes.empty())
    node.bytes = QByteArray(reinterpret_cast<const char*>(field.bytes.data()), static_cast<qsizetype>(field.bytes.size()));
  node.offset = field.offset;
  node.length = field.length;
  node.children.reserve(field.children.size());
  for (const tls::Field& child : field.children) node.children.push_back(copy_field(child));
  return node;
}

}  // namespace tlslens::gui
