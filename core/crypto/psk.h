// Pre-shared keys for the TLS 1.2 PSK cipher suites (`--psk [IDENTITY:]HEX`), and the
// premaster secret those suites derive from them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/reader.h"

namespace tlslens::crypto {

struct PresharedKey {
  std::string identity;  // the psk_identity it is for; empty = any identity
  std::vector<uint8_t> key;

  PresharedKey() = default;
  PresharedKey(const PresharedKey&) = default;
  PresharedKey(PresharedKey&&) noexcept = default;
  PresharedKey& operator=(const PresharedKey&) = default;
  PresharedKey& operator=(PresharedKey&&) noexcept = default;
  ~PresharedKey();  // zeroes the key

  // Whether this key is for `identity` (the ClientKeyExchange's psk_identity).
  bool matches(std::string_view client_identity) const { return identity.empty() || identity == client_identity; }
};

// Parses "HEX" or "IDENTITY:HEX" (the identity may itself contain ':'; the key is what follows
// the last one). The key is 1 to 65535 bytes of hex in either case; errors never quote it.
bool parse_psk_spec(const std::string& spec, PresharedKey& out, std::string& error);

// The premaster secret of RFC 4279 section 2 and its relatives:
//   uint16 len(other_secret) || other_secret || uint16 len(psk) || psk
// other_secret is the (EC)DH shared secret for DHE_PSK (RFC 4279 s.3) and ECDHE_PSK (RFC 5489),
// the 48-byte RSA-encrypted premaster for RSA_PSK (RFC 4279 s.4). Plain PSK uses len(psk) zero
// bytes: pass an empty other_secret (or call plain_psk_premaster). Empty if either is longer
// than 65535 bytes (no TLS message can carry that).
std::vector<uint8_t> psk_premaster(Bytes psk, Bytes other_secret);
inline std::vector<uint8_t> plain_psk_premaster(Bytes psk) {
  return psk_premaster(psk, {});
}

}  // namespace tlslens::crypto
