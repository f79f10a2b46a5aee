#pragma once
// The health stage of a run, before the first case and around every case. On each node its
// first rank (local rank 0) collects the node's facts: CPUs, memory, governors, and through
// NVML, where it loads, every GPU; every rank takes part in the exchange. Rank 0 judges
// (health_checks.hpp) and, with the gate set to stop, the run ends before measuring.
#include <memory>
#include <optional>
#include <string>

#include "bench/comm/comm.hpp"
#include "bench/comm/deadline.hpp"
#include "bench/health/health_checks.hpp"
#include "common/health_record.hpp"
#include "common/results.hpp"

namespace capbench {

class NvmlProbe;

struct HealthOptions {
  HealthExpectations expect;
  std::string gate = "record";  // record | stop
  std::string system_file;      // --system: the system description the nodes are held to
  std::shared_ptr<const SystemShapes> system;  // rank 0: its node shapes, once read
};

class HealthStage {
 public:
  HealthStage();
  ~HealthStage();
  // Collective: every rank calls it. `device_details` is this rank's backend identity
  // (CUDA and NCCL versions). Incomplete when the exchange did not complete (the WaitResult says how). On rank 0,
  // record() then holds the checks; on every rank stop() says whether the gate stops the run.
  WaitResult run(Comm& comm, const HealthOptions& opts, const json& device_details, const Deadline& deadline);
  const HealthRecord& record() const { return record_; }
  bool stop() const { return stop_; }
  std::string summary() const;  // one line: checks, failures, the first few named

  // Around every case, on the node's first rank: XID events and error counters. after_case
  // returns the change for the rank's info.health (null when nothing changed, or not the
  // node's first rank).
  void before_case();
  json after_case();

 private:
  std::unique_ptr<NvmlProbe> probe_;
  std::vector<GpuCounters> before_;
  HealthRecord record_;
  bool stop_ = false;
};

// On rank 0, after a case is gathered: folds each node's change (rank info.health) into the
// results' during-run checks; returns one line per change, for the log.
std::vector<std::string> fold_case_health_into(ResultsFile& rf, const CaseResult& cr);

}  // namespace capbench
