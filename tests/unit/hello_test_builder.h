// Test support for the hello and extension decoder tests: a byte builder whose length
// prefixes are computed (so a test reads as the message's structure), decoding entry points
// that own the facts and the tree, and lookups into Field trees.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/tls/field.h"
#include "core/tls/handshake_decoders.h"
#include "core/tls/tls_facts.h"
#include "core/util/reader.h"

namespace tlslens::tls::testing {

class Builder {
 public:
  Builder() = default;
  Builder(std::initializer_list<uint8_t> bytes) : bytes_(bytes) {}

  Builder& u8(uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  Builder& u16(uint16_t v) { return u8(static_cast<uint8_t>(v >> 8)).u8(static_cast<uint8_t>(v)); }
  Builder& u24(uint32_t v) { return u8(static_cast<uint8_t>(v >> 16)).u16(static_cast<uint16_t>(v)); }
  Builder& u32(uint32_t v) { return u16(static_cast<uint16_t>(v >> 16)).u16(static_cast<uint16_t>(v)); }
  Builder& u64(uint64_t v) { return u32(static_cast<uint32_t>(v >> 32)).u32(static_cast<uint32_t>(v)); }
  Builder& raw(const Builder& b) {
    bytes_.insert(bytes_.end(), b.bytes_.begin(), b.bytes_.end());
    return *this;
  }
  Builder& raw(std::string_view s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  Builder& fill(size_t n, uint8_t v) {
    bytes_.insert(bytes_.end(), n, v);
    return *this;
  }
  // Length-prefixed vectors.
  Builder& vec8(const Builder& b) { return u8(static_cast<uint8_t>(b.size())).raw(b); }
  Builder& vec16(const Builder& b) { return u16(static_cast<uint16_t>(b.size())).raw(b); }
  Builder& vec24(const Builder& b) { return u24(static_cast<uint32_t>(b.size())).raw(b); }
  Builder& vec8(std::string_view s) { return vec8(Builder().raw(s)); }
  Builder& vec16(std::string_view s) { return vec16(Builder().raw(s)); }
  // One extension: type, length, data.
  Builder& extension(uint16_t type, const Builder& data = {}) { return u16(type).vec16(data); }

  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

inline std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return out;
}

// A handshake message: 1-byte type, 3-byte length, body.
inline std::vector<uint8_t> handshake(uint8_t type, const Builder& body) {
  return Builder().u8(type).vec24(body).bytes();
}

// The result of decoding one message: the message (a copy, which the tree's byte fields point
// into: keep the Decoded, and do not copy it), what the decoder returned, the tree and the facts.
struct Decoded {
  std::vector<uint8_t> message;
  TlsFacts facts;
  Field tree;
  DecodeResult problem;

  bool ok() const { return !problem.has_value(); }
  std::string reason() const { return problem ? problem->reason : std::string("(no problem)"); }
};

enum class HelloKind { client, server, sslv2 };

// Decodes `message` (a whole handshake message, or an SSLv2 record), reusing `facts` when
// given (for sequences such as HRR then ServerHello).
inline void decode_into(HelloKind kind, const std::vector<uint8_t>& message, Decoded& d) {
  d.message = message;
  Bytes bytes(d.message);
  Direction dir = kind == HelloKind::server ? Direction::server_to_client : Direction::client_to_server;
  DecodeContext ctx{dir, d.facts, bytes};
  d.tree = Field(kind == HelloKind::server ? "server_hello" : "client_hello", FieldKind::group);
  if (kind == HelloKind::sslv2) {
    d.problem = decode_sslv2_client_hello(ctx, d.tree);
    return;
  }
  Reader body(bytes.size() >= 4 ? bytes.subspan(4) : bytes.subspan(bytes.size()));
  d.problem =
      kind == HelloKind::client ? decode_client_hello(body, ctx, d.tree) : decode_server_hello(body, ctx, d.tree);
}

inline Decoded decode(HelloKind kind, const std::vector<uint8_t>& message) {
  Decoded d;
  decode_into(kind, message, d);
  return d;
}

// Decodes an extensions block (length included) as it appears in a message of the given type;
// `message` is the block itself, so offsets are relative to its first byte.
inline Decoded decode_block(uint8_t handshake_type, const std::vector<uint8_t>& block,
                            Direction dir = Direction::client_to_server) {
  Decoded d;
  d.message = block;
  d.tree = Field("message", FieldKind::group);
  DecodeContext ctx{dir, d.facts, Bytes(d.message)};
  Reader in{Bytes(d.message)};
  d.problem = decode_extensions(in, handshake_type, ctx, d.tree);
  return d;
}

// The child at a path of keys separated by '/', where a number indexes a list. Fails the
// test (and returns an empty field) when there is none.
inline const Field& at(const Field& root, std::string_view path) {
  static const Field kMissing;
  const Field* f = &root;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view key = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    const Field* next = nullptr;
    if (!key.empty() && key[0] >= '0' && key[0] <= '9') {
      size_t index = std::stoul(std::string(key));
      if (index < f->children.size()) next = &f->children[index];
    } else {
      next = f->find(key);
    }
    if (next == nullptr) {
      ADD_FAILURE() << "no field '" << key << "' under '" << f->key << "'";
      return kMissing;
    }
    f = next;
  }
  return *f;
}

inline bool has(const Field& root, std::string_view key) {
  return root.find(key) != nullptr;
}

// The extension group of the given type in a decoded hello or block, or nullptr.
inline const Field* extension(const Field& tree, uint16_t type) {
  const Field* list = tree.find("extensions");
  if (list == nullptr) return nullptr;
  for (const Field& ext : list->children) {
    const Field* t = ext.find("type");
    if (t != nullptr && t->number == type) return &ext;
  }
  return nullptr;
}

inline std::vector<uint8_t> bytes_of(const Field& f) {
  return {f.bytes.begin(), f.bytes.end()};
}

}  // namespace tlslens::tls::testing
