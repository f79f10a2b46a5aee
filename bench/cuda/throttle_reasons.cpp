#include "bench/cuda/throttle_reasons.hpp"

#include <array>

#include <fmt/format.h>

namespace capbench {

namespace {
struct ReasonBit {
  std::uint64_t bit;
  const char* name;
  bool limits;
};
// Values from nvml.h (nvmlClocksEventReason*/nvmlClocksThrottleReason*).
constexpr std::array<ReasonBit, 9> kReasons{{
    {0x1, "gpu_idle", false},
    {0x2, "applications_clocks_setting", false},
    {0x4, "sw_power_cap", true},
    {0x8, "hw_slowdown", true},
    {0x10, "sync_boost", false},
    {0x20, "sw_thermal_slowdown", true},
    {0x40, "hw_thermal_slowdown", true},
    {0x80, "hw_power_brake_slowdown", true},
    {0x100, "display_clock_setting", false},
}};
}  // namespace

std::vector<std::string> throttle_reason_names(std::uint64_t mask) {
  std::vector<std::string> out;
  std::uint64_t known = 0;
  for (const auto& r : kReasons) {
    known |= r.bit;
    if (mask & r.bit) out.emplace_back(r.name);
  }
  for (int b = 0; b < 64; ++b) {
    const std::uint64_t bit = std::uint64_t(1) << b;
    if ((mask & bit) && !(known & bit)) out.push_back(fmt::format("unknown_{:#x}", bit));
  }
  return out;
}

bool throttle_limits_performance(std::uint64_t mask) {
  for (const auto& r : kReasons)
    if (r.limits && (mask & r.bit)) return true;
  return false;
}

}  // namespace capbench
