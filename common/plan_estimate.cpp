#include "common/plan_estimate.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace capbench {

namespace {

// Nominal rates: round figures, deliberately not tuned to one machine.
double gemm_rate(const std::string& precision, bool gpu) {
  if (!gpu) return precision == "fp64" ? 20e9 : 40e9;
  if (precision == "fp64" || precision == "fp32") return 50e12;
  if (precision == "tf32") return 400e12;
  if (precision == "fp16" || precision == "bf16") return 700e12;
  return 1400e12;  // fp8, int8
}

std::string si(double v, const char* unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  while (v >= 1000 && i < 6) {
    v /= 1000;
    ++i;
  }
  return fmt::format("{:.3g} {}{}", v, prefixes[i], unit);
}

std::int64_t int_param(const json& p, const char* key, std::int64_t fallback) {
  return p.contains(key) && p[key].is_number_integer() ? p[key].get<std::int64_t>() : fallback;
}

}  // namespace

CaseEstimate estimate_case(const PlannedCase& c, const std::string& backend, int ranks) {
  const bool gpu = backend == "cuda";
  const double passes = c.warmup + c.iterations;
  const double setup = gpu ? 0.5 : 0.05;  // allocation, random inputs, the check
  const json& p = c.params;
  CaseEstimate e;
  // What the CPU backend skips at once (bench/cpu/): no time, so the ETA does not count it.
  const bool cpu_gemm_skips = c.benchmark == "gemm" && p.value("precision", "fp64") != "fp64" &&
                              p.value("precision", "fp64") != "fp32";
  const bool gpu_only = c.benchmark == "host_device" || c.benchmark == "p2p" || c.benchmark == "device_copy";
  if (!gpu && (cpu_gemm_skips || gpu_only)) {
    e.basis = "skipped at once by the CPU backend";
    return e;
  }
  if (c.benchmark == "gemm") {
    const double batch = std::max<std::int64_t>(1, int_param(p, "batch", 0));
    const double flop = 2.0 * int_param(p, "m", 1) * int_param(p, "n", 1) * int_param(p, "k", 1) * batch;
    const std::string precision = p.value("precision", "fp64");
    const double rate = gemm_rate(precision, gpu);
    const double tuning = gpu ? static_cast<double>(int_param(p, "algorithms", 8)) : 0;  // one pass per candidate
    const double sustained = p.value("duration_s", 0.0);
    // The check multiplies by vectors (O(n^2)), and the inputs are filled once: a pass's worth.
    e.seconds = setup + sustained + (passes + tuning + 1) * flop / rate;
    e.basis = fmt::format("{}{:.0f} passes of {} at ~{}", sustained > 0 ? fmt::format("{:.0f} s sustained + ", sustained) : "",
                          passes + tuning + 1, si(flop, "FLOP"), si(rate, "FLOP/s"));
  } else if (c.benchmark == "stream") {
    const double elem = p.value("precision", "fp64") == "fp64" ? 8 : 4;
    const double n = p.contains("elements") && p["elements"].is_number_integer()
                         ? p["elements"].get<double>()
                         : p.value("llc_multiple", 4.0) * (gpu ? 50e6 : 32e6) / elem;
    const double bytes = n * elem * 13;  // copy 2, mul 2, add 3, triad 3, dot 2, replay check 1
    const double rate = gpu ? 3e12 : 10e9;
    e.seconds = setup + (passes + 1) * bytes / rate;
    e.basis = fmt::format("{:.0f} passes of {} at ~{}", passes + 1, si(bytes, "B"), si(rate, "B/s"));
  } else if (c.benchmark == "collective") {
    double bytes = 0;
    if (p.contains("sizes"))
      for (const auto& s : p["sizes"]) bytes += s.get<double>();
    bytes *= static_cast<double>(std::max<std::int64_t>(1, int_param(p, "batch", 1))) * 2.0 *
             std::max(1, ranks - 1) / std::max(1, ranks);
    const double rate = gpu ? 100e9 : 2e9;
    const double latency = (gpu ? 50e-6 : 20e-6) * (p.contains("sizes") ? p["sizes"].size() : 1);
    e.seconds = setup + passes * (bytes / rate + latency);
    e.basis = fmt::format("{:.0f} passes of {} at ~{}", passes, si(bytes, "B"), si(rate, "B/s"));
  } else {
    // host_device, p2p, device_copy and any benchmark this model does not know: bytes at a
    // link's rate (p2p: every peer of an 8-GPU node in turn).
    const double bytes = static_cast<double>(int_param(p, "bytes", 256 << 20));
    const double rate = c.benchmark == "device_copy" ? 1e12 : c.benchmark == "p2p" ? 300e9 / 56 : 20e9;
    e.seconds = setup + passes * bytes / rate;
    e.basis = fmt::format("{:.0f} passes of {} at ~{}", passes, si(bytes, "B"), si(rate, "B/s"));
  }
  e.seconds = std::min(e.seconds, c.timeout_s);  // a case is stopped at its timeout
  return e;
}

std::string estimate_family(const PlannedCase& c) {
  json p = c.params;
  // How long or how often a case runs, and names: not what one pass costs.
  for (const char* key : {"duration_s", "window_s", "name", "warmup", "iterations", "timeout_s"}) p.erase(key);
  return c.benchmark + " " + p.dump();
}

double estimate_from_warmup(const PlannedCase& c, double setup_s, double per_pass_s) {
  const double sustained = c.params.is_object() ? c.params.value("duration_s", 0.0) : 0.0;
  const double passes = c.warmup + (sustained > 0 ? 0 : c.iterations) + 1;
  return std::min(std::max(0.0, setup_s) + passes * std::max(0.0, per_pass_s) + sustained, c.timeout_s);
}

std::vector<double> expected_durations(const std::vector<PlannedCase>& plan, const std::string& backend, int ranks) {
  std::vector<double> out;
  for (const auto& c : plan) out.push_back(estimate_case(c, backend, ranks).seconds);
  return out;
}

}  // namespace capbench
