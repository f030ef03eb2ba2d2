#include "core/crypto/psk.h"

#include <openssl/crypto.h>

#include <string_view>

namespace tlslens::crypto {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr size_t kMaxLength = 0xffff;  // what the premaster's uint16 length can carry

void put_u16(std::vector<uint8_t>& out, size_t n) {
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n));
}

}  // namespace

PresharedKey::~PresharedKey() {
  if (!key.empty()) OPENSSL_cleanse(key.data(), key.size());
}

bool parse_psk_spec(const std::string& spec, PresharedKey& out, std::string& error) {
  size_t colon = spec.rfind(':');
  std::string_view hex = colon == std::string::npos ? std::string_view(spec) : std::string_view(spec).substr(colon + 1);
  std::string identity = colon == std::string::npos ? std::string() : spec.substr(0, colon);
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.empty()) {
    error = "bad PSK: no key (expected HEX or IDENTITY:HEX)";
    return false;
  }
  for (char c : hex) {
    if (hex_value(c) < 0) {
      error = "bad PSK: the key is not hex (expected HEX or IDENTITY:HEX)";
      return false;
    }
  }
  if (hex.size() % 2 != 0) {
    error = "bad PSK: the key has an odd number of hex digits";
    return false;
  }
  if (hex.size() / 2 > kMaxLength) {
    error = "bad PSK: the key is longer than 65535 bytes";
    return false;
  }
  if (identity.size() > kMaxLength) {
    error = "bad PSK: the identity is longer than 65535 bytes";
    return false;
  }
  PresharedKey parsed;
  parsed.identity = std::move(identity);
  parsed.key.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2)
    parsed.key.push_back(static_cast<uint8_t>(hex_value(hex[i]) << 4 | hex_value(hex[i + 1])));
  if (!out.key.empty()) OPENSSL_cleanse(out.key.data(), out.key.size());
  out = std::move(parsed);
  return true;
}

std::vector<uint8_t> psk_premaster(Bytes psk, Bytes other_secret) {
  if (psk.size() > kMaxLength || other_secret.size() > kMaxLength) return {};
  bool plain = other_secret.empty();
  size_t other_length = plain ? psk.size() : other_secret.size();
  std::vector<uint8_t> out;
  out.reserve(4 + other_length + psk.size());
  put_u16(out, other_length);
  if (plain) {
    out.insert(out.end(), psk.size(), 0);
  } else {
    out.insert(out.end(), other_secret.begin(), other_secret.end());
  }
  put_u16(out, psk.size());
  out.insert(out.end(), psk.begin(), psk.end());
  return out;
}

}  // namespace tlslens::crypto
