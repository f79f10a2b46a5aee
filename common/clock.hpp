#pragma once
// Wall-clock timestamps for files people read: ISO 8601, always UTC.
#include <string>

namespace capbench {

// "2026-11-26T17:30:00.123Z"
std::string utc_now_iso8601();
// "2026-11-26T17:30:00Z"
std::string utc_now_iso8601_seconds();

}  // namespace capbench
