#pragma once
// A case's GPU telemetry, reduced to what a reader needs: min, median and max of each
// quantity, how often clocks were held down and why, and ECC errors that appeared.
#include <cstdint>
#include <vector>

#include "common/results.hpp"

namespace capbench {

// One sample; NaN where NVML could not read a quantity.
struct TelemetrySample {
  double sm_clock_mhz = 0, mem_clock_mhz = 0, power_w = 0, temperature_c = 0;
  std::uint64_t throttle_mask = 0;
  bool throttle_known = false;
};

struct EccCounts {
  bool available = false;
  std::uint64_t corrected = 0, uncorrected = 0;
};

json summarize_telemetry(const std::vector<TelemetrySample>& samples, const EccCounts& before, const EccCounts& after,
                         double interval_s);

}  // namespace capbench
