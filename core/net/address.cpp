#include "core/net/address.h"

#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

namespace tlslens {

IpAddress IpAddress::v4(std::span<const uint8_t, 4> b) {
  IpAddress a;
  a.version = 4;
  std::memcpy(a.bytes.data(), b.data(), 4);
  return a;
}

IpAddress IpAddress::v6(std::span<const uint8_t, 16> b) {
  IpAddress a;
  a.version = 6;
  std::memcpy(a.bytes.data(), b.data(), 16);
  return a;
}

IpAddress IpAddress::parse(const std::string& text) {
  IpAddress a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.version = 4;
  } else if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.version = 6;
  } else {
    a = IpAddress{};
  }
  return a;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (version == 4) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else if (version == 6) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  } else {
    return "?";
  }
  return buf;
}

std::string Endpoint::to_ssldump_string() const {
  if (addr.version == 6) return fmt::format("[{}]({})", addr.to_string(), port);
  return fmt::format("{}({})", addr.to_string(), port);
}

std::string Endpoint::to_string() const {
  if (addr.version == 6) return fmt::format("[{}]:{}", addr.to_string(), port);
  return fmt::format("{}:{}", addr.to_string(), port);
}

size_t EndpointHash::operator()(const Endpoint& e) const noexcept {
  // FNV-1a over the significant bytes; cheap and good enough to spread flows.
  uint64_t h = 1469598103934665603ull;
  size_t n = e.addr.version == 4 ? 4 : 16;
  for (size_t i = 0; i < n; ++i) h = (h ^ e.addr.bytes[i]) * 1099511628211ull;
  h = (h ^ e.port) * 1099511628211ull;
  h = (h ^ e.addr.version) * 1099511628211ull;
  return static_cast<size_t>(h);
}

}  // namespace tlslens
