#include "core/tls/field.h"

#include <utility>

namespace tlslens::tls {

Field& Field::add_group(std::string_view k) { return children.emplace_back(k, FieldKind::group); }

Field& Field::add_list(std::string_view k) { return children.emplace_back(k, FieldKind::list); }

Field& Field::add_uint(std::string_view k, uint64_t value) {
  Field& f = children.emplace_back(k, FieldKind::uint);
  f.number = value;
  return f;
}

Field& Field::add_text(std::string_view k, std::string value) {
  Field& f = children.emplace_back(k, FieldKind::text);
  f.text = std::move(value);
  return f;
}

Field& Field::add_bytes(std::string_view k, Bytes value) {
  Field& f = children.emplace_back(k, FieldKind::bytes);
  f.bytes = value;
  return f;
}

Field& Field::add_code(std::string_view k, uint64_t code, std::string_view name) {
  Field& f = children.emplace_back(k, FieldKind::code);
  f.number = code;
  f.text = name;
  return f;
}

Field& Field::add_bool(std::string_view k, bool value) {
  Field& f = children.emplace_back(k, FieldKind::boolean);
  f.number = value ? 1 : 0;
  return f;
}

const Field* Field::find(std::string_view k) const {
  for (const Field& c : children)
    if (c.key == k) return &c;
  return nullptr;
}

Field* Field::find(std::string_view k) {
  for (Field& c : children)
    if (c.key == k) return &c;
  return nullptr;
}

}  // namespace tlslens::tls
