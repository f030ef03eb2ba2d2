// IpAddress and Endpoint: value types for IPv4/IPv6 addresses and address:port pairs.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace tlslens {

struct IpAddress {
  uint8_t version = 0;              // 4 or 6; 0 means unset
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes

  static IpAddress v4(std::span<const uint8_t, 4> b);
  static IpAddress v6(std::span<const uint8_t, 16> b);
  // Parses dotted-quad or RFC 5952 text; returns an unset address on failure.
  static IpAddress parse(const std::string& text);

  // "10.0.0.1" or "2001:db8::1" (RFC 5952 compressed form, no brackets).
  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

struct Endpoint {
  IpAddress addr;
  uint16_t port = 0;

  // ssldump style: "10.0.0.1(443)"; IPv6 addresses in brackets: "[::1](443)".
  std::string to_ssldump_string() const;
  // "10.0.0.1:443" or "[::1]:443".
  std::string to_string() const;

  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

struct EndpointHash {
  size_t operator()(const Endpoint& e) const noexcept;
};

}  // namespace tlslens
