// Field: one decoded field of a TLS message, as a tree.
//
// Decoders describe what they read as a tree of Fields; every front end renders the same
// tree its own way: the text printer as ssldump-style indented lines (some fields only
// with -N or -A, see Show), the JSON writer as objects carrying every field, the GUI as an
// expandable tree whose nodes highlight their bytes. So each message is decoded once and
// described once.
//
// Keys are snake_case string literals (static storage). Offsets and lengths locate the
// field's bytes within the message the tree describes (for a handshake message: from its
// first header byte, so the 4-byte header is offsets 0..3).
//
// Kinds and how they render:
//   group   — children with distinct keys          (JSON object)
//   list    — children whose keys are ignored      (JSON array)
//   uint    — `number`                             (JSON number)
//   text    — `text`                               (JSON string)
//   bytes   — `bytes`, a view valid only while the event that carries the tree is being
//             handled; front ends that keep a tree copy them (JSON: lowercase hex string)
//   code    — a registry code point: `number` and its name in `text` ("" when unknown)
//             (JSON: {"code": n, "name": "..."} — name omitted when unknown)
//   boolean — `number` is 0 or 1                   (JSON true/false)
//
// Allocation: a handshake message becomes dozens of fields, so the tree is built with few
// allocations — a code field refers to its registry name instead of copying it (FieldText),
// and a field's first child reserves room for a few siblings. Everything but `bytes` stays
// valid for as long as the tree (or a copy of it) lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/util/reader.h"

namespace tlslens::tls {

enum class FieldKind : uint8_t { group, list, uint, text, bytes, code, boolean };

// When the text output shows a field (JSON and the GUI always show everything).
enum class Show : uint8_t {
  always,
  with_cert_details,  // -N: certificate details
  with_all,           // -A: every field
};

// The text of a text or code field, read as a std::string_view. It either refers to storage
// that lives as long as the program (a registry name, a literal: what code fields carry, so
// naming a code point allocates nothing) or owns its characters (text read from the message
// or built for it). Either way a copy of the tree keeps valid text.
class FieldText {
 public:
  FieldText() = default;
  // Owned text. Implicit, so `field.text = fmt::format(...)` reads like assigning a string.
  FieldText(std::string owned) : text_(std::move(owned)) {}
  // Text in static storage, kept as a view without copying it.
  static FieldText of_static(std::string_view static_text) {
    FieldText text;
    text.text_ = static_text;
    return text;
  }

  std::string_view view() const {
    if (const std::string* owned = std::get_if<std::string>(&text_)) return *owned;
    return *std::get_if<std::string_view>(&text_);
  }
  // Implicit, so the text passes wherever a std::string_view is expected, as the
  // std::string it replaced did.
  operator std::string_view() const { return view(); }
  bool empty() const { return view().empty(); }
  size_t size() const { return view().size(); }
  const char* data() const { return view().data(); }
  std::string_view::const_iterator begin() const { return view().begin(); }
  std::string_view::const_iterator end() const { return view().end(); }

  friend bool operator==(const FieldText& text, std::string_view other) { return text.view() == other; }
  friend std::ostream& operator<<(std::ostream& out, const FieldText& text);  // for test failure messages

 private:
  std::variant<std::string_view, std::string> text_;
};

struct Field {
  std::string_view key;
  FieldKind kind = FieldKind::group;
  Show show = Show::always;  // declared next to `kind`: the two bytes share one padded word
  uint64_t number = 0;
  FieldText text;
  Bytes bytes;
  uint32_t offset = 0;
  uint32_t length = 0;
  std::vector<Field> children;

  Field() = default;
  Field(std::string_view k, FieldKind kd) : key(k), kind(kd) {}

  // Adding a child may move its siblings (they live in a vector): keep a reference only to
  // the child added last. Where the number of children is known, reserving `children`
  // first saves the vector's regrowth.
  Field& add_group(std::string_view k);
  Field& add_list(std::string_view k);
  Field& add_uint(std::string_view k, uint64_t value);
  Field& add_text(std::string_view k, std::string value);
  Field& add_bytes(std::string_view k, Bytes value);
  // `name` must have static storage, like keys (registry names and literals do): the field
  // refers to it. A name built at run time is passed as a FieldText that owns it.
  Field& add_code(std::string_view k, uint64_t code, std::string_view name);
  Field& add_code(std::string_view k, uint64_t code, FieldText name);
  Field& add_bool(std::string_view k, bool value);

  // Chainable setters: field.add_uint("length", n).at(off, 2).set_detail();
  Field& at(size_t off, size_t len) {
    offset = static_cast<uint32_t>(off);
    length = static_cast<uint32_t>(len);
    return *this;
  }
  Field& set_detail() {  // shown in text only with -A
    show = Show::with_all;
    return *this;
  }
  Field& set_cert_detail() {  // shown in text only with -N (or -A)
    show = Show::with_cert_details;
    return *this;
  }

  // The first child with this key, or nullptr.
  const Field* find(std::string_view k) const;
  Field* find(std::string_view k);

 private:
  Field& add_child(std::string_view k, FieldKind kd);
};

}  // namespace tlslens::tls
