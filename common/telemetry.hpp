#pragma once
// A GPU's telemetry over one case (NVML on the CUDA backend), as the results file records it
// beside the rank's figures: min, median and max of clocks, power and temperature, how much
// of the case the clocks were held down and why, and ECC errors that appeared during it.
// Typed, not free-form: reports check it (throttling criteria) and a large run holds one per
// GPU per case.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

struct TelemetryRange {
  double min = 0, median = 0, max = 0;
};

struct EccDelta {
  std::int64_t corrected = 0, uncorrected = 0;
};

// The GPU board's energy over the case's timed windows (NVML's total-energy counter read at
// the start and end of each), and the work done in them: joules, and work per joule where the
// benchmark states its work (GEMM: FLOP or OP; STREAM: bytes). Board only: no CPUs, memory,
// network or cooling.
struct CaseEnergy {
  double joules = 0, window_s = 0;
  std::int64_t windows = 0;
  std::string work_unit;                  // FLOP | OP | B; "" when the work is not stated
  std::optional<double> work, work_per_joule;
};

struct CaseTelemetry {
  bool available = false;
  std::string source;  // "nvml"
  std::string reason;  // why it is not available
  std::int64_t samples = 0;
  double interval_s = 0;
  // Absent where the source could not read the quantity.
  std::optional<TelemetryRange> sm_clock_mhz, memory_clock_mhz, power_w, temperature_c;
  // Fraction of samples in which a performance-limiting throttle reason was active; absent
  // when the throttle reasons could not be read.
  std::optional<double> throttled_fraction;
  std::optional<std::vector<std::string>> throttle_reasons;
  std::optional<EccDelta> ecc_new;
  std::optional<CaseEnergy> energy;  // absent where the energy counter was not read
};

json telemetry_to_json(const CaseTelemetry& t);
// Strict: unknown keys, wrong types, negative or non-finite values and min > max are errors
// naming the key path.
CaseTelemetry telemetry_from(const ConfigNode& n);

}  // namespace capbench
