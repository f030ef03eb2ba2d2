// Timestamp: a capture timestamp in nanoseconds since the Unix epoch.
//
// Everything in tlslens that judges time (idle timeouts, fragment expiry, certificate
// validity) uses the capture's timestamps, never the wall clock, so an analysis gives the
// same result whenever it is run.
#pragma once

#include <cstdint>
#include <string>

namespace tlslens {

struct Timestamp {
  int64_t ns = 0;

  static constexpr Timestamp from_sec_usec(int64_t sec, int64_t usec) { return {sec * 1'000'000'000 + usec * 1'000}; }
  static constexpr Timestamp from_sec_nsec(int64_t sec, int64_t nsec) { return {sec * 1'000'000'000 + nsec}; }
  static constexpr Timestamp from_seconds(double s) { return {static_cast<int64_t>(s * 1e9)}; }

  double seconds() const { return static_cast<double>(ns) / 1e9; }
  int64_t whole_seconds() const { return ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000); }

  friend constexpr auto operator<=>(Timestamp, Timestamp) = default;
  friend constexpr Timestamp operator-(Timestamp a, Timestamp b) { return {a.ns - b.ns}; }
  friend constexpr Timestamp operator+(Timestamp a, Timestamp b) { return {a.ns + b.ns}; }
};

// "2026-11-29 16:37:23.123456 UTC"-style rendering (microsecond precision), for absolute times.
std::string format_utc(Timestamp t);

}  // namespace tlslens
