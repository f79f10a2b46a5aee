#pragma once
// The storage entry of a suite and the planned cases it expands to: one case per phase, in
// IO500's spirit (capacity, easy write/read, hard write/read per API, metadata create, stat,
// read, delete per directory mode), each with every parameter it runs with.
#include <string>
#include <utility>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

// Keys a storage entry may carry besides the keys every case carries.
#define CAPBENCH_STORAGE_CASE_KEYS \
  "path", "phases", "easy", "hard", "mpiio", "metadata", "max_free_fraction", "keep_files", "test_ignore_free_space"

// (case id, normalized parameters) per phase, in the order they run. Throws ConfigError.
std::vector<std::pair<std::string, json>> plan_storage_phases(const ConfigNode& c);

}  // namespace capbench
