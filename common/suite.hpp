#pragma once
// A suite (configs/suites/*.json) and the plan of cases it expands to. Loading validates
// everything up front: a run never starts on a configuration it would reject half-way.
#include <cstdint>
#include <string>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

inline constexpr const char* kSuiteSchema = "capbench.suite/1";

struct CaseDefaults {
  int warmup = 2;
  int iterations = 10;
  double timeout_s = 300;
};

// One concrete case: every rank runs it at the same time with these parameters.
struct PlannedCase {
  int index = 0;
  std::string id;         // e.g. "gemm/fp64/4096x4096x4096"; unique within a plan
  std::string benchmark;  // gemm, stream, collective, host_device, p2p, device_copy
  json params;            // normalized parameters of this one case
  int warmup = 0;
  int iterations = 0;
  double timeout_s = 0;
};

struct Suite {
  std::string name;
  std::string description;
  std::string path;      // as given on the command line
  std::string sha256;    // of the file's bytes
  std::string text;      // the file's bytes, kept so rank 0 can broadcast exactly what it read
  json content;          // parsed (comments removed); after any --set (common/suite_overrides.hpp)
  json overrides;        // null, or the --only/--set that changed the plan and the file's own hash
  std::uint64_t seed = 0x5EEDCAFEull;
  CaseDefaults defaults;
  std::vector<PlannedCase> plan;
};

// Throws ConfigError (file, key path, expectation) on any problem.
Suite load_suite_file(const std::string& path);
Suite parse_suite(const std::string& text, const std::string& display_name);

// Per-benchmark validation and expansion into concrete cases (common/case_specs.cpp).
std::vector<PlannedCase> expand_case(const ConfigNode& node, const CaseDefaults& defaults);

// Benchmarks a suite may name.
const std::vector<std::string>& known_benchmarks();

}  // namespace capbench
