#pragma once
// The fabric benchmark: point-to-point latency and bandwidth between every pair of nodes, one
// pair per rail (local rank k of one node with local rank k of the other), every pair of a
// round at once (common/fabric.hpp's circle schedule); then each pair that fell short is
// measured again alone. Its figures are node x node matrices in the case's info.fabric, or
// above full_matrix_up_to nodes per-node summaries and the short pairs (common/fabric_summary.hpp).
#include <memory>

#include "bench/fabric/fabric_transport.hpp"

namespace capbench {

class FabricBenchmark final : public Benchmark {
 public:
  FabricBenchmark(std::unique_ptr<FabricTransport> transport, const Comm& comm)
      : transport_(std::move(transport)), nodes_(comm.node_count()) {}
  std::string key() const override { return "fabric"; }
  std::string description() const override {
    return "Point-to-point between every pair of nodes (circle schedule, one pair per rail): latency = half "
           "round trip, bandwidth with a window of messages in flight, one way and both ways; every payload "
           "word checked";
  }
  Support filter(const PlannedCase& spec) const override;
  RankResult run(const CaseContext& ctx) override;
  std::string job_wide_basis() const override {
    return "one sample per node pair and rail (per direction for bandwidth_uni), measured while every pair "
           "of its round ran at once: the pair's median half round trip (latency), its 99th percentile, or "
           "its median window bandwidth; the matrices are in info.fabric";
  }
  json job_wide_info() const override { return fabric_; }

 private:
  std::unique_ptr<FabricTransport> transport_;
  int nodes_;
  json fabric_;  // {"fabric": {...}} once run() got that far
};

}  // namespace capbench
