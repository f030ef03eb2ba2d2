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
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

struct Field {
  std::string_view key;
  FieldKind kind = FieldKind::group;
  uint64_t number = 0;
  std::string text;
  Bytes bytes;
  uint32_t offset = 0;
  uint32_t length = 0;
  Show show = Show::always;
  std::vector<Field> children;

  Field() = default;
  Field(std::string_view k, FieldKind kd) : key(k), kind(kd) {}

  Field& add_group(std::string_view k);
  Field& add_list(std::string_view k);
  Field& add_uint(std::string_view k, uint64_t value);
  Field& add_text(std::string_view k, std::string value);
  Field& add_bytes(std::string_view k, Bytes value);
  Field& add_code(std::string_view k, uint64_t code, std::string_view name);
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
};

}  // namespace tlslens::tls
