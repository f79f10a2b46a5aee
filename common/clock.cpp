#include "common/clock.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace capbench {

namespace {
std::string format_utc(std::chrono::system_clock::time_point now, bool millis) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!millis) return fmt::format("{}Z", buf);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{}.{:03}Z", buf, ms);
}
}  // namespace

std::string utc_now_iso8601() { return format_utc(std::chrono::system_clock::now(), true); }
std::string utc_now_iso8601_seconds() { return format_utc(std::chrono::system_clock::now(), false); }

}  // namespace capbench
