#pragma once
// `capreport history check`: is tonight's run slower than its baseline, per GPU, per node and
// system-wide? A drop is a regression only when it is both significant (one-sided
// Mann-Whitney U on the per-iteration samples, p < alpha) and large (median worse by at least
// min_effect): significance alone flags tiny drifts between nights, size alone flags noise.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/history_db.hpp"

namespace capbench {

enum class Verdict { kOk, kRegression, kImproved, kNewSeries, kNoBaseline, kFailed };
const char* verdict_name(Verdict v);

struct SampleComparison {
  double baseline_median = 0, run_median = 0;
  double change = 0;  // (run - baseline) / baseline, signed
  double p = 1;       // p-value for "the run is worse" ("better" on an improvement; or two-sided)
  std::size_t n_baseline = 0, n_run = 0;
  Verdict verdict = Verdict::kOk;
};

struct CheckOptions {
  std::string run = "latest";             // "latest" or a run id
  std::string baseline = "last:14d";      // last:Nd | last:N | a run id
  double alpha = 0.05;
  double min_effect = 0.03;               // relative: 0.03 = the median 3 % worse
  bool two_sided = false;
};

// Lower is better for times ("s"); higher for rates (FLOP/s, B/s, OP/s).
bool higher_is_better(const std::string& unit);

SampleComparison compare_samples(const std::vector<double>& baseline, const std::vector<double>& run,
                                 bool higher_better, double alpha, double min_effect, bool two_sided);

struct CheckRow {
  std::string case_id, metric, unit, labels;  // labels: compact JSON, "" when none
  std::string scope;                          // gpu | node | system | job (a case's job-wide metric)
  std::string host;                           // "" for system
  int rank = -1;                              // -1 for node and system
  std::string device;                         // series key ("" for node and system)
  std::string note;                           // why, for new series / failed rows
  SampleComparison cmp;
};

struct CheckReport {
  std::string run_id, run_started_at, suite_name, backend;
  std::vector<std::string> baseline_runs;      // run ids used
  std::vector<std::string> excluded_runs;      // baseline candidates left out: failed verification
  std::vector<CheckRow> rows;
  std::size_t regressions() const;
  std::size_t failures() const;
};

// Throws HistoryError for an unknown run, an empty history or a bad baseline spec.
CheckReport check_history(HistoryDb& db, const CheckOptions& options);

// For the trend charts: the runs in order, and one run's per-device medians.
struct HistoryRun {
  std::int64_t row = 0;
  std::string run_id, started_at, suite, backend;
  int failed_verifications = 0;
};
std::vector<HistoryRun> list_runs(HistoryDb& db);

struct DeviceMedian {
  std::string case_id, metric, unit, labels, series, host;
  int rank = 0;
  double median = 0;
};
// Usable entries only (rank ok, verification not failed, at least one sample).
std::vector<DeviceMedian> run_device_medians(HistoryDb& db, std::int64_t run_row);

std::string render_check_table(const CheckReport& report, bool all_rows);

}  // namespace capbench
