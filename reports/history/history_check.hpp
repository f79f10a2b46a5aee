#pragma once
// `capreport history check`: is tonight's run slower than its baseline, per GPU, per node and
// system-wide? One verdict per measurement (metrics computed from the same timings, like a
// collective's time, algbw and busbw, are one comparison). A drop is a regression only when
//   1. it is significant after Benjamini-Hochberg over every comparison of the check, the
//      p-value being the larger of a one-sided Mann-Whitney U on the samples and a Student-t
//      test of tonight's median against the baseline nights' medians (the night is the unit);
//   2. the median is worse by at least min_effect, and
//   3. by at least noise_multiple times the series' own night-to-night spread.
// A series with fewer than min_baseline_runs baseline nights is not judged: "short baseline".
// Where the night's flagged cases were re-measured (reports/history/history_confirm.hpp), a regression
// stands only if the re-measurement, against the same baseline, regressed too.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/history/history_db.hpp"

namespace capbench {

// kShortBaseline: fewer than min_baseline_runs usable baseline nights (none, on a first night);
// kNoBaseline: not comparable at all (no samples tonight, a baseline median of 0).
// kUnsteady: tonight's samples scatter far more than on the baseline's nights (a disturbed
// night: preemption, a loaded machine), so its median says little; shown, not an alarm.
// kTransient: a regression tonight that the re-measurement of its case (reports/history/history_confirm.*)
// did not confirm; shown with both measurements, not an alarm.
enum class Verdict { kOk, kRegression, kImproved, kNewSeries, kShortBaseline, kNoBaseline, kFailed, kUnsteady, kTransient };
const char* verdict_name(Verdict v);

struct SampleComparison {
  double baseline_median = 0, run_median = 0;
  double change = 0;  // (run - baseline) / baseline, signed
  double p = 1;       // p-value for "the run is worse" ("better" on an improvement; or two-sided)
  double p_samples = 1, p_nights = 1;  // the two tests p is the larger of
  double p_adjusted = 1;               // Benjamini-Hochberg over the check's family
  double p_toward_worse = 1, p_toward_better = 1;  // p before adjustment, for each direction
  double worse_by = 0;                 // loss of rate: -change for a rate, 1 - base/run for a time
  double spread = 0;                   // night-to-night spread of the baseline (sd of log medians)
  double threshold = 0;                // the loss that counts: max(min_effect, 1 - exp(-k spread))
  double within_tonight = 0, within_baseline = 0;  // sd of log samples: tonight's, baseline nights' median
  // Tonight's best sample's loss of rate against the baseline median, and its worst sample's
  // gain: when even the best sample lost the threshold, every sample moved (see judge_family).
  double best_worse_by = 0, worst_better_by = 0;
  double spread_used = 0;              // max(spread, the check's typical spread): see decide_verdict
  std::size_t n_baseline = 0, n_run = 0, baseline_nights = 0;
  Verdict verdict = Verdict::kOk;
  // Kept for decide_verdict:
  bool higher_better = true;
  double mw_toward_worse = 1, mw_toward_better = 1;
  std::vector<double> night_medians;
};

struct CheckOptions {
  std::string run = "latest";             // "latest" or a run id
  std::string baseline = "last:14d";      // last:Nd | last:N | a run id
  double alpha = 0.01;                    // false-discovery rate of the check (Benjamini-Hochberg q)
  double min_effect = 0.03;               // relative: 0.03 = the median 3 % worse
  double noise_multiple = 3;              // and worse by this many night-to-night spreads
  int min_baseline_runs = 5;              // fewer usable baseline nights: short baseline, not judged
  bool two_sided = false;
};

// Lower is better for times ("s"); higher for rates (FLOP/s, B/s, OP/s).
bool higher_is_better(const std::string& unit);

// One series: its samples in each baseline night (a night without samples is left out) against
// tonight's. Sets the figures and p-values; the verdict is kShortBaseline, kNoBaseline, or a
// candidate: kRegression / kImproved when the effect passes both thresholds and the unadjusted
// p < alpha, else kOk. check_history then keeps only the candidates Benjamini-Hochberg accepts.
SampleComparison compare_series(const std::vector<std::vector<double>>& baseline_nights, const std::vector<double>& run,
                                bool higher_better, const CheckOptions& options);

// (Re)decides a judged comparison with the spread taken as at least `spread_floor` (log
// units): the night test, the threshold and the candidate verdict. check_history passes the
// median spread of the check's judged series: five to fourteen nights estimate one series'
// spread poorly, and a series that happened to be calm on a noisy machine is not quiet.
void decide_verdict(SampleComparison& c, const CheckOptions& options, double spread_floor);

// Applies Benjamini-Hochberg at alpha over the judged comparisons given (verdict kOk, kRegression
// or kImproved; regressions and improvements each as a family of all of them): candidates
// whose adjusted p exceeds alpha become kOk.
void control_false_alarms(std::vector<SampleComparison*>& family, double alpha);

// The whole rule over one check's judged comparisons (from compare_series): decide_verdict
// with the median spread of the comparisons of the same group (benchmark) as floor, then
// control_false_alarms, then candidates whose samples tonight scatter more than noise_multiple
// times the baseline nights' usual scatter become kUnsteady. `groups` is parallel to `family`
// (empty: one group). Returns each group's median spread.
// `floors` (optional): each group's floor given, instead of the family's own median (a
// re-measurement of a few cases is judged with the floors of the night's whole check).
std::map<std::string, double> judge_family(std::vector<SampleComparison*>& family, const CheckOptions& options,
                                           const std::vector<std::string>& groups = {},
                                           const std::map<std::string, double>* floors = nullptr);

struct CheckRow {
  std::string case_id, metric, unit, labels;  // labels: compact JSON, "" when none
  std::string scope;                          // gpu | node | system | job (a case's job-wide metric)
  std::string host;                           // "" for system
  int rank = -1;                              // -1 for node and system
  std::string device;                         // series key ("" for node and system)
  std::string note;                           // why, for new series / failed rows
  std::vector<std::string> same_timing;       // other metrics of this measurement, not compared again
  bool explained = false;  // a node or system regression that follows from a device's regression
  SampleComparison cmp;
  // Where tonight's regression was re-measured (reports/history/history_confirm.*): that comparison.
  bool remeasured = false, confirmed = false;
  SampleComparison again;
};

struct CheckReport {
  std::string run_id, run_started_at, suite_name, backend;
  std::vector<std::string> baseline_runs;      // run ids used
  std::vector<std::string> excluded_runs;      // baseline candidates left out: failed verification
  std::vector<CheckRow> rows;
  CheckOptions options;
  std::map<std::string, double> typical_spread;  // per benchmark: median night-to-night spread (log units)
  std::string confirmation_run;                  // the re-measurement applied, "" when none
  std::size_t regressions() const;  // alarms: regressions not explained by a device's regression
  std::size_t failures() const;
  std::size_t short_baselines() const;  // short baseline or new series
  std::size_t unsteady() const;
  std::size_t transient() const;  // regressions the re-measurement did not confirm
};

// capreport history check's exit code: 1 a regression or a failed rank, else 3 when some
// series has a short baseline (a new suite, node or board is not being checked yet), else 0.
inline constexpr int kCheckShortBaseline = 3;
int check_exit_code(const CheckReport& report);

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
// "REGRESSION: <case> <metric> [labels] on host H rank R (device): -12.3% (p .., adjusted ..; threshold ..)"
std::string regression_line(const CheckRow& row);

}  // namespace capbench
