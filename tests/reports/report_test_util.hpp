#pragma once
// Shared fixtures of the capacity report tests: golden results files in tests/data/results
// (written by tests/data/results/generate.py) and the shipped configuration files.
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/results.hpp"
#include "common/stats.hpp"
#include "reports/capacity/capacity.hpp"
#include "reports/system/gpu_database.hpp"
#include "reports/system/system_config.hpp"
#include "tests/tools/scratch_dir.hpp"

namespace capbench::testing {

inline std::string source_path(const std::string& rel) { return std::string(CAPBENCH_SOURCE_DIR) + "/" + rel; }
inline std::string results_path(const std::string& name) { return source_path("tests/data/results/" + name); }
inline constexpr double T = 1e12, P = 1e15;

// Owns everything an Analysis points to.
struct Loaded {
  GpuDatabase db = GpuDatabase::built_in();
  ResultsFile results;
  std::optional<SystemConfig> system;
  Analysis analysis;

  Loaded(const std::string& results_name, const std::string& system_rel) {
    results = read_results_file(results_path(results_name));
    if (!system_rel.empty()) system = load_system_config(source_path(system_rel), db);
    analysis = analyze(results, results_path(results_name), "0" , db, system ? &*system : nullptr);
  }
  Loaded(const Loaded&) = delete;
};

inline const char* kGwangju = "configs/systems/gwangju-ai-datacenter.json";

// The three job-wide metrics of one message size as a results/2 collective case carries them:
// per timed iteration the slowest rank's time, and the rates computed from it.
inline std::vector<Metric> job_metrics(double size_bytes, const std::vector<double>& slowest_times, double factor) {
  auto metric = [&](const char* name, const char* unit) {
    Metric m;
    m.name = name;
    m.unit = unit;
    m.labels = json{{"size_bytes", size_bytes}};
    return m;
  };
  Metric t = metric("time", "s"), alg = metric("algbw", "B/s"), bus = metric("busbw", "B/s");
  t.samples = slowest_times;
  for (double x : slowest_times) {
    alg.samples.push_back(size_bytes / x);
    bus.samples.push_back(size_bytes / x * factor);
  }
  t.stats = summarize(t.samples);
  alg.stats = summarize(alg.samples);
  bus.stats = summarize(bus.samples);
  return {t, alg, bus};
}

// Turns a results/1 collective case into its results/2 shape: no per-rank figures, the given
// job-wide ones in the case, and the case's account of how they were formed.
inline void make_job_wide(CaseResult& c, const std::vector<std::pair<double, std::vector<double>>>& times_by_size,
                          double factor) {
  for (auto& r : c.ranks) r.metrics.clear();
  c.metrics.clear();
  for (const auto& [size, times] : times_by_size)
    for (auto& m : job_metrics(size, times, factor)) c.metrics.push_back(std::move(m));
  c.info["metrics_basis"] = "per iteration, the maximum over ranks of each rank's time (test)";
}

}  // namespace capbench::testing
