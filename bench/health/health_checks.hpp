#pragma once
// The health stage's judgement: pure functions from collected facts (health_facts.hpp) to
// checks, each pass, fail or unknown with the host, the GPU and the value seen. Unknown (the
// source could not answer) is never a pass. No NVML, no MPI: unit-tested on planted facts.
#include <optional>
#include <string>
#include <vector>

#include "bench/health/health_facts.hpp"
#include "bench/health/node_expectations.hpp"
#include "common/health_record.hpp"

namespace capbench {

// Inventory and state of every node, each held to its expectation (node_expectations.hpp,
// in the order of `nodes`), then uniformity across the job. `gpus_expected`: the CUDA
// backend, where a node without NVML is a check not passed.
std::vector<HealthCheck> check_nodes(const std::vector<NodeFacts>& nodes, const std::vector<NodeExpectation>& expect,
                                     bool gpus_expected);
// The same with the run options only: a node is held to what most nodes of the job show where
// the options say nothing (a node with 7 GPUs among nodes with 8 fails even then).
std::vector<HealthCheck> check_nodes(const std::vector<NodeFacts>& nodes, const HealthExpectations& expect);

// Per GPU, once before the first case: the during-run checks start as passes ("none so far").
std::vector<HealthCheck> initial_run_checks(const std::vector<NodeFacts>& nodes);

// What one case changed on one node's GPUs: XID events and the counters before and after.
struct CaseHealthDelta {
  std::vector<XidEvent> xids;
  std::vector<GpuCounters> before, after;
};
// The change, compactly, for the case's rank record (info.health): {"xid_events": [{gpu,
// xid}], "ecc_uncorrected_new": {gpu: n}, "nvlink_errors_new": {gpu: n}}; null when nothing
// changed.
json case_health_change(const CaseHealthDelta& d);
// Folds one node's change in one case into the during-run checks: an XID or a rise of an
// error counter fails that GPU's check, naming the case.
void fold_case_health(std::vector<HealthCheck>& checks, const std::string& case_id, const std::string& host,
                      const json& change);

// Performance-limiting clocks-event reason bits (power cap, thermal, hardware slowdown).
inline constexpr std::uint64_t kLimitingClockReasons = 0x4 | 0x8 | 0x20 | 0x40 | 0x80;

}  // namespace capbench
