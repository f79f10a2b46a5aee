#pragma once
// Shared fixtures of the capacity report tests: golden results files in tests/data/results
// (written by tests/data/results/generate.py) and the shipped configuration files.
#include <string>

#include "common/results.hpp"
#include "reports/capacity.hpp"
#include "reports/gpu_database.hpp"
#include "reports/system_config.hpp"

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

}  // namespace capbench::testing
