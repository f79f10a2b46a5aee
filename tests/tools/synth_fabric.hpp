#pragma once
// A synthetic fabric case (info.fabric and the case metrics) for any node count: every pair
// within a few percent of its peers, one node's links planted slow and one pair slow only
// beside its round (it recovers alone). Full matrices up to full_matrix_up_to nodes, the
// bounded form above, built the way the benchmark builds it (common/fabric_summary.hpp).
#include <cstdint>
#include <utility>
#include <vector>

#include "common/fabric_summary.hpp"
#include "common/results.hpp"

namespace capbench {

struct SynthFabricOptions {
  int nodes = 8;
  int rails = 1;
  std::uint64_t seed = 1;
  int slow_node = -1;                     // its links at slow_factor of the others' bandwidth
  double slow_factor = 0.3;
  std::pair<int, int> bottleneck{-1, -1};  // at half bandwidth with its round, normal alone
  int full_matrix_up_to = kFabricFullMatrixNodes;
  double remeasure_below = 0.8;
  std::int64_t latency_size = 8, bandwidth_size = std::int64_t(4) << 20;
};

struct SynthFabric {
  json info;  // {"fabric": {...}}
  std::vector<Metric> metrics;
};

SynthFabric synthesize_fabric(const SynthFabricOptions& o);

}  // namespace capbench
