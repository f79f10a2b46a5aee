#pragma once
// NVML's clock-event ("throttle") reason bits, decoded to names.
#include <cstdint>
#include <string>
#include <vector>

namespace capbench {

// Names of the bits set in an nvmlDeviceGetCurrentClocksThrottleReasons mask, lowest bit
// first; a bit NVML has not documented is named "unknown_0x…".
std::vector<std::string> throttle_reason_names(std::uint64_t mask);

// True when the mask holds a reason that lowers clocks under load (power cap, thermal or
// hardware slowdown, power brake), as opposed to idling or an application clock setting.
bool throttle_limits_performance(std::uint64_t mask);

}  // namespace capbench
