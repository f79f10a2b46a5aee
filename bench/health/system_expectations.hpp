#pragma once
// The node shapes of a system description (configs/systems/*.json, the file capreport
// reads with --system) for the health stage of `capbench run --system FILE`: per inventory
// entry with "per_node", the GPUs of that model per node and the node's CPUs and memory, and
// "cpu_nodes" for nodes without GPUs.
#include <string>

#include "bench/health/node_expectations.hpp"

namespace capbench {

// Strict, as capreport reads it (reports/system/system_config.cpp), with the GPU database compiled
// in; a file that states no node shape (no per_node, no cpu_nodes) is an error too, since it
// would check nothing. Errors are ConfigError naming the file, the key and what was expected.
SystemShapes load_system_shapes(const std::string& path);

}  // namespace capbench
