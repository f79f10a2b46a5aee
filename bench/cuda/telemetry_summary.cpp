#include "bench/cuda/telemetry_summary.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "bench/cuda/throttle_reasons.hpp"
#include "common/stats.hpp"

namespace capbench {

namespace {
json min_median_max(const std::vector<TelemetrySample>& samples, double TelemetrySample::*field) {
  std::vector<double> v;
  for (const auto& s : samples)
    if (std::isfinite(s.*field)) v.push_back(s.*field);
  if (v.empty()) return nullptr;
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return {{"min", *lo}, {"median", median(v)}, {"max", *hi}};
}
}  // namespace

json summarize_telemetry(const std::vector<TelemetrySample>& samples, const EccCounts& before, const EccCounts& after,
                         double interval_s) {
  json out = {{"available", true}, {"source", "nvml"}, {"samples", samples.size()}, {"interval_s", interval_s}};
  out["sm_clock_mhz"] = min_median_max(samples, &TelemetrySample::sm_clock_mhz);
  out["memory_clock_mhz"] = min_median_max(samples, &TelemetrySample::mem_clock_mhz);
  out["power_w"] = min_median_max(samples, &TelemetrySample::power_w);
  out["temperature_c"] = min_median_max(samples, &TelemetrySample::temperature_c);

  std::size_t known = 0, limited = 0;
  std::set<std::string> reasons;
  for (const auto& s : samples) {
    if (!s.throttle_known) continue;
    ++known;
    if (throttle_limits_performance(s.throttle_mask)) ++limited;
    for (auto& n : throttle_reason_names(s.throttle_mask)) reasons.insert(std::move(n));
  }
  if (known > 0) {
    out["throttled_fraction"] = double(limited) / double(known);
    out["throttle_reasons"] = std::vector<std::string>(reasons.begin(), reasons.end());
  } else {
    out["throttled_fraction"] = nullptr;
    out["throttle_reasons"] = nullptr;
  }
  if (before.available && after.available) {
    // Volatile counters only grow within a driver load; a reset in between shows as 0 here.
    out["ecc_new"] = {{"corrected", after.corrected >= before.corrected ? after.corrected - before.corrected : 0},
                      {"uncorrected",
                       after.uncorrected >= before.uncorrected ? after.uncorrected - before.uncorrected : 0}};
  } else {
    out["ecc_new"] = nullptr;
  }
  return out;
}

}  // namespace capbench
