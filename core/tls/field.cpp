#include "core/tls/field.h"

#include <ostream>
#include <utility>

namespace tlslens::tls {

namespace {

// Most groups and lists get a handful of children (an extension: its type, length and one
// or two fields of data), so the first child makes room for that many instead of letting
// the vector grow through capacities 1, 2 and 4: one allocation where there were three.
constexpr size_t kFirstChildrenCapacity = 4;

}  // namespace

std::ostream& operator<<(std::ostream& out, const FieldText& text) {
  return out << text.view();
}

Field& Field::add_child(std::string_view k, FieldKind kd) {
  if (children.capacity() == 0) children.reserve(kFirstChildrenCapacity);
  return children.emplace_back(k, kd);
}

Field& Field::add_group(std::string_view k) {
  return add_child(k, FieldKind::group);
}

Field& Field::add_list(std::string_view k) {
  return add_child(k, FieldKind::list);
}

Field& Field::add_uint(std::string_view k, uint64_t value) {
  Field& f = add_child(k, FieldKind::uint);
  f.number = value;
  return f;
}

Field& Field::add_text(std::string_view k, std::string value) {
  Field& f = add_child(k, FieldKind::text);
  f.text = std::move(value);
  return f;
}

Field& Field::add_bytes(std::string_view k, Bytes value) {
  Field& f = add_child(k, FieldKind::bytes);
  f.bytes = value;
  return f;
}

Field& Field::add_code(std::string_view k, uint64_t code, std::string_view name) {
  return add_code(k, code, FieldText::of_static(name));
}

Field& Field::add_code(std::string_view k, uint64_t code, FieldText name) {
  Field& f = add_child(k, FieldKind::code);
  f.number = code;
  f.text = std::move(name);
  return f;
}

Field& Field::add_bool(std::string_view k, bool value) {
  Field& f = add_child(k, FieldKind::boolean);
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
