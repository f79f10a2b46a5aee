#pragma once
// What a suite may say, for people and tools: each benchmark's keys with their type, default
// and unit (`capbench list`, docs/suite-format.md, configs/schema/suite.schema.json). The
// validation itself is common/case_specs.cpp; tests/common/benchmark_catalog_test.cpp plants
// every key listed here in a suite and checks that validation accepts it with its default.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace capbench {

struct ParameterInfo {
  std::string key;
  std::string type;           // as a person reads it: "[string]", "integer", "[[m, n, k]]", ...
  nlohmann::json default_value;  // null: required
  std::string unit;           // "", "bytes", "seconds", "elements", ...
  std::string description;
};

struct BenchmarkInfo {
  std::string name;
  std::string summary;
  std::string backends;  // "cpu, cuda" or "cuda"
  std::vector<ParameterInfo> parameters;
};

// Keys every case may carry (name, warmup, iterations, timeout_s).
const std::vector<ParameterInfo>& common_case_parameters();
// One entry per benchmark of known_benchmarks(), in that order. Other helpers' benchmarks add
// an entry here and in case_specs.cpp.
const std::vector<BenchmarkInfo>& benchmark_catalog();

// The whole catalog as JSON (`capbench list --json`): {"common": [...], "benchmarks": [...]}.
nlohmann::json benchmark_catalog_json();

}  // namespace capbench
