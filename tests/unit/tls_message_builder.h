// Helpers for the handshake message decoder tests: build messages byte by byte, decode
// them with chosen TlsFacts, find fields in the tree, and run the malformed-length sweeps
// every message gets (each truncation is a problem, an extra byte is a problem, no crash).
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

namespace tlslens::tls::test {

// Appends wire values to a byte vector: Body b; b.u16(0x0303).vec8({1, 2}).
class Body {
 public:
  Body() = default;
  Body(std::initializer_list<uint8_t> bytes) : bytes_(bytes) {}

  Body& u8(uint32_t v) { return put(v, 1); }
  Body& u16(uint32_t v) { return put(v, 2); }
  Body& u24(uint32_t v) { return put(v, 3); }
  Body& u32(uint32_t v) { return put(v, 4); }
  Body& raw(const std::vector<uint8_t>& bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  Body& text(std::string_view s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  Body& vec8(const std::vector<uint8_t>& bytes) { return u8(static_cast<uint32_t>(bytes.size())).raw(bytes); }
  Body& vec16(const std::vector<uint8_t>& bytes) { return u16(static_cast<uint32_t>(bytes.size())).raw(bytes); }
  Body& vec24(const std::vector<uint8_t>& bytes) { return u24(static_cast<uint32_t>(bytes.size())).raw(bytes); }

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  operator const std::vector<uint8_t>&() const { return bytes_; }  // NOLINT: used as bytes everywhere

 private:
  Body& put(uint32_t v, int size) {
    for (int shift = (size - 1) * 8; shift >= 0; shift -= 8) bytes_.push_back(static_cast<uint8_t>(v >> shift));
    return *this;
  }
  std::vector<uint8_t> bytes_;
};

// A handshake message: type, 24-bit length, body.
inline std::vector<uint8_t> handshake(uint8_t type, const std::vector<uint8_t>& body) {
  return Body().u8(type).u24(static_cast<uint32_t>(body.size())).raw(body);
}

inline std::vector<uint8_t> filled(size_t n, uint8_t value) {
  return std::vector<uint8_t>(n, value);
}

inline std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int high = -1;
  for (char c : hex) {
    int n = nibble(c);
    if (n < 0) continue;  // whitespace and line breaks in embedded dumps
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | n));
      high = -1;
    }
  }
  return out;
}

// Facts for a connection that negotiated `version` and `suite`.
inline TlsFacts negotiated(uint16_t version, uint16_t suite = 0) {
  TlsFacts facts;
  facts.server_hello_seen = true;
  facts.negotiated_version = version;
  facts.cipher_suite = suite;
  return facts;
}

// The tree's bytes fields point into the message, so the result keeps its own copy of it
// (a moved vector keeps its buffer, so returning it by value keeps the spans valid).
struct Decoded {
  std::vector<uint8_t> message;
  Field tree;
  DecodeResult problem;
};

inline Decoded decode_message(const std::vector<uint8_t>& message, TlsFacts& facts,
                              Direction dir = Direction::server_to_client) {
  Decoded out;
  out.message = message;
  DecodeContext ctx{dir, facts, Bytes(out.message)};
  out.problem = decode_handshake_message(ctx, out.tree);
  return out;
}

// The child with this key; a test failure (and an empty field) when there is none.
inline const Field& child(const Field& parent, std::string_view key) {
  if (const Field* f = parent.find(key)) return *f;
  ADD_FAILURE() << "no field '" << key << "' in '" << parent.key << "'";
  static const Field kMissing;
  return kMissing;
}

inline std::vector<uint8_t> bytes_of(const Field& f) {
  return std::vector<uint8_t>(f.bytes.begin(), f.bytes.end());
}

// Offsets within the message of a field's bytes: checks the tree points where it should.
inline std::vector<uint8_t> located(const Field& f, const std::vector<uint8_t>& message) {
  if (f.offset + f.length > message.size()) {
    ADD_FAILURE() << "field '" << f.key << "' at " << f.offset << "+" << f.length << " is outside the message";
    return {};
  }
  return std::vector<uint8_t>(message.begin() + f.offset, message.begin() + f.offset + f.length);
}

// Every field of the tree lies inside the message.
inline void expect_inside(const Field& f, size_t message_size) {
  EXPECT_LE(static_cast<size_t>(f.offset) + f.length, message_size) << "field '" << f.key << "'";
  for (const Field& c : f.children) expect_inside(c, message_size);
}

// The malformed-length sweep. For a well-formed message whose every field is length-bound:
//  * every cut of the body (header fixed to match) is a problem inside the body;
//  * every cut of the raw message (header left as it was) is a problem;
//  * one byte more in the body is a problem;
// and no tree ever points outside its message.
inline void expect_every_malformation_reported(const std::vector<uint8_t>& message, const TlsFacts& facts,
                                               Direction dir = Direction::server_to_client) {
  ASSERT_GE(message.size(), 4u);
  const std::vector<uint8_t> body(message.begin() + 4, message.end());
  for (size_t cut = 0; cut < body.size(); ++cut) {
    TlsFacts f = facts;
    std::vector<uint8_t> shorter = handshake(message[0], std::vector<uint8_t>(body.begin(), body.begin() + cut));
    Decoded d = decode_message(shorter, f, dir);
    EXPECT_TRUE(d.problem.has_value()) << "body cut to " << cut << " of " << body.size() << " bytes";
    if (d.problem) {
      EXPECT_LE(d.problem->offset, shorter.size()) << d.problem->reason;
    }
    expect_inside(d.tree, shorter.size());
  }
  for (size_t cut = 0; cut < message.size(); ++cut) {
    TlsFacts f = facts;
    std::vector<uint8_t> raw(message.begin(), message.begin() + cut);
    Decoded d = decode_message(raw, f, dir);
    EXPECT_TRUE(d.problem.has_value()) << "message cut to " << cut << " bytes";
    expect_inside(d.tree, raw.size());
  }
  TlsFacts f = facts;
  std::vector<uint8_t> longer_body = body;
  longer_body.push_back(0x00);
  std::vector<uint8_t> longer = handshake(message[0], longer_body);
  Decoded d = decode_message(longer, f, dir);
  ASSERT_TRUE(d.problem.has_value()) << "one trailing byte";
  EXPECT_EQ(d.problem->offset, message.size()) << d.problem->reason;
}

}  // namespace tlslens::tls::test
