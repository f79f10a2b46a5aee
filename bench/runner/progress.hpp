#pragma once
// Rank 0's progress lines: case i of N, its name, elapsed and the time left; when a case ends,
// its status, its headline figure or, when skipped or failed, the reason. The time left comes
// from the plan's expected durations (common/plan_estimate.hpp), scaled by how long finished
// cases took against their estimate. A case that runs longer than the tick interval prints a
// line each interval, so a ten-minute sustained case is never silent.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/results.hpp"

namespace capbench {

// Where set (for tests; seconds, > 0), the interval between "still running" lines; else 30 s.
inline constexpr const char* kProgressIntervalVariable = "CAPBENCH_PROGRESS_INTERVAL_S";

class Progress {
 public:
  Progress(int total, std::FILE* out);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Expected seconds per case, in plan order; without it the ETA is the mean of finished cases.
  void set_expected(std::vector<double> expected_s);
  void start_case(int index, const std::string& id);
  void end_case(int index, const std::string& id, const std::string& status, double wall_s);
  // As above, with the case's headline figure or its reason.
  void end_case(const CaseResult& cr, const std::string& status);
  static std::string format_duration(double seconds);

 private:
  double elapsed() const;
  double time_left(int next_index) const;  // from the start of case next_index to the end
  void stop_ticker();
  int total_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point t0_;
  std::vector<double> expected_;
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
