#pragma once
// Rank 0's progress lines: case i of N, its name, elapsed and the time left; when a case ends,
// its status, its headline figure or, when skipped or failed, the reason. The time left comes
// from the plan's expected durations (common/plan_estimate.hpp), scaled by how long finished
// cases took against their estimate. Once a case's warm-up ran (CasePhases), that case and the
// later cases of its family (common/plan_estimate.hpp) expect setup + passes x the measured
// time per pass instead, and are no longer scaled. A case that runs longer than the tick interval prints a
// line each interval, so a ten-minute sustained case is never silent.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/case_phases.hpp"
#include "common/results.hpp"
#include "common/suite.hpp"

namespace capbench {

// Where set (for tests; seconds, > 0), the interval between "still running" lines; else 30 s.
inline constexpr const char* kProgressIntervalVariable = "CAPBENCH_PROGRESS_INTERVAL_S";

class Progress final : public CasePhases {
 public:
  Progress(int total, std::FILE* out);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Expected seconds per case, in plan order; without it the ETA is the mean of finished cases.
  void set_expected(std::vector<double> expected_s);
  // The plan behind the estimates: which cases share a family, and how each re-estimates.
  void set_plan(std::vector<PlannedCase> plan);
  // The running case's warm-up (called by its benchmark on rank 0).
  void warmup_begin() override;
  void warmup_end(int passes) override;
  void start_case(int index, const std::string& id);
  void end_case(int index, const std::string& id, const std::string& status, double wall_s);
  // As above, with the case's headline figure or its reason.
  void end_case(const CaseResult& cr, const std::string& status);
  static std::string format_duration(double seconds);

 private:
  double elapsed() const;
  double time_left(int next_index) const;  // from the start of case next_index to the end
  double expected_of(int index) const;     // as the ETA counts it: measured, or nominal x scale
  void stop_ticker();
  int total_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point t0_;
  std::vector<double> expected_, nominal_;
  std::vector<bool> measured_;  // expected_ comes from a measured warm-up
  std::vector<PlannedCase> plan_;
  int current_ = -1;
  bool warmup_seen_ = false;  // the running case's first warm-up is the one measured
  std::chrono::steady_clock::time_point case_t0_, warmup_t0_;
  double finished_actual_ = 0, finished_expected_ = 0;
  int finished_ = 0;
  // The ticker of the running case.
  double tick_s_ = 30;
  std::thread ticker_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool case_running_ = false;
};

// The figure a person looks for first in a case (throughput, triad bandwidth, peak busbw):
// its median over ranks and the slowest rank's, e.g. "throughput 41.2 GFLOP/s (2 ranks,
// slowest 40.1 GFLOP/s)". Empty when the case has no figure.
std::string headline_figure(const CaseResult& cr);
// Why a case did not pass: the first rank's error that is not ok, with the rank.
std::string case_reason(const CaseResult& cr);

}  // namespace capbench
