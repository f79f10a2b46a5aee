#pragma once
// How long a planned case is expected to take, before anything ran: the sustained window
// where there is one, plus warm-up and timed iterations of the work the case names at a
// nominal rate per backend. It is an estimate for the ETA and `capbench check`, never a
// measurement: the rates below are round figures (a 2-core CPU rank, an H100/H200-class
// GPU), and the runner corrects the ETA by how far finished cases were from their estimate.
// Cases the CPU backend skips at once (GEMM below fp32, the GPU-only benchmarks) are 0 s there.
#include <string>
#include <vector>

#include "common/suite.hpp"

namespace capbench {

struct CaseEstimate {
  double seconds = 0;
  std::string basis;  // how: "600 s sustained + 23 iterations of 1.1 TFLOP at ~50 GFLOP/s"
};

// backend: "cpu" or "cuda"; ranks: the job's size (collectives move more with more ranks).
CaseEstimate estimate_case(const PlannedCase& c, const std::string& backend, int ranks);
// Once a case's warm-up ran: cases whose passes cost the same (same benchmark and parameters,
// apart from how long or how often they run) share a family, and their expected time becomes
// setup + (warm-up + iterations + the check's one pass) x the measured time per pass, plus the
// sustained window; capped at the timeout, like the nominal estimate.
std::string estimate_family(const PlannedCase& c);
double estimate_from_warmup(const PlannedCase& c, double setup_s, double per_pass_s);
std::vector<double> expected_durations(const std::vector<PlannedCase>& plan, const std::string& backend, int ranks);

}  // namespace capbench
