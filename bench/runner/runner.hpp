#pragma once
// The run: configuration → plan of cases → every rank runs each case at the same time →
// rank 0 gathers → results file. One function, in that order.
#include <string>
#include <vector>

#include "bench/comm/comm.hpp"
#include "common/suite_overrides.hpp"
#include "bench/health/health_stage.hpp"

namespace capbench {

struct RunOptions {
  std::string suite_path;
  std::string out_dir = "runs";
  std::string results_path;  // overrides out_dir/capbench-<run id>.json
  std::string backend = "auto";
  std::string run_id;        // generated when empty
  int threads = 0;
  int device = -1;
  double grace_s = 30;       // waited past a case's timeout before a silent rank is declared hung
  // Up to this many ranks every rank keeps its per-iteration samples; above it only rank 0 and
  // the outlying ranks do (common/sample_retention.hpp). Negative: always every rank.
  int all_samples_up_to = 512;
  std::string storage_path;  // --storage-path: the directory every storage case uses (overrides the suite's)
  std::vector<std::string> command_line;
  bool strict_gpus = false;  // refuse (exit 3) when GPUs would sit idle or ranks share one
  SuiteOverrides overrides;  // --only, --set: applied on every rank, recorded in the results
  HealthOptions health;      // the health stage's expectations and gate (bench/health/)
};

// Returns the process exit code (bench/runner/exit_codes.hpp). When a rank hangs or dies,
// rank 0 writes what it has and ends the whole job with MPI_Abort.
int run_capbench(const RunOptions& opts, Comm& comm);

}  // namespace capbench
