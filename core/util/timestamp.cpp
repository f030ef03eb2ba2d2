#include "core/util/timestamp.h"

#include <ctime>

#include <fmt/format.h>

namespace tlslens {

std::string format_utc(Timestamp t) {
  int64_t sec = t.whole_seconds();
  int64_t frac_ns = t.ns - sec * 1'000'000'000;
  time_t tt = static_cast<time_t>(sec);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, frac_ns / 1000);
}

}  // namespace tlslens
