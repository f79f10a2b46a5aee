// history check on synthetic fleets with known truth: a planted drop is found and located,
// noise is not flagged more often than alpha, replaced GPUs and failed baselines are handled.
#include "reports/history/history_check.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tests/reports/history_synthetic.hpp"

namespace capbench {
namespace {

using testing::fleet;
using testing::SynthGpu;
using testing::SynthRun;
using testing::ScratchDir;
using testing::write_synthetic_run;

struct History {
  ScratchDir dir;
  std::mt19937_64 rng;
  std::unique_ptr<HistoryDb> db;
  explicit History(std::uint64_t seed) : rng(seed) { db = std::make_unique<HistoryDb>((dir.path / "h.sqlite").string()); }
  void add(const SynthRun& run) { add_results_file(*db, write_synthetic_run(dir.path, run, rng)); }
  CheckReport check(CheckOptions o = {}) { return check_history(*db, o); }
};

std::vector<const CheckRow*> rows_with(const CheckReport& r, Verdict v) {
  std::vector<const CheckRow*> out;
  for (const auto& row : r.rows)
    if (row.cmp.verdict == v) out.push_back(&row);
  return out;
}

TEST(HistoryCheck, JobWideCollectiveDropIsFlaggedOnTheJob) {
  History h(31);
  for (int day = 1; day <= 7; ++day) {
    SynthRun run{fmt::format("night-{}", day), day, fleet(2)};
    run.job_busbw = 150e9;
    h.add(run);
  }
  SynthRun tonight{"night-8", 8, fleet(2)};
  tonight.job_busbw = 150e9 * 0.9;
  h.add(tonight);
  const auto report = h.check();
  const std::string table = render_check_table(report, true);
  std::vector<const CheckRow*> job_rows;
  for (const auto& row : report.rows)
    if (row.case_id.rfind("collective/", 0) == 0) job_rows.push_back(&row);
  // time, algbw and busbw of the job come from one timing: one comparison, spoken for by busbw;
  // no per-node or system sums made of a job-wide figure.
  ASSERT_EQ(job_rows.size(), 1u) << table;
  const auto* row = job_rows[0];
  EXPECT_EQ(row->metric, "busbw");
  EXPECT_EQ(row->same_timing, (std::vector<std::string>{"algbw", "time"}));
  EXPECT_EQ(row->scope, "job");
  EXPECT_EQ(row->rank, -1);
  EXPECT_EQ(row->device, "job");
  EXPECT_EQ(row->cmp.verdict, Verdict::kRegression) << table;
  EXPECT_EQ(row->cmp.n_baseline, 70u);
  EXPECT_EQ(row->cmp.baseline_nights, 7u);
  EXPECT_NE(table.find("same timing as algbw, time (one comparison)"), std::string::npos) << table;
  // The GEMM, unchanged, is not flagged: one alarm for one slower measurement.
  EXPECT_EQ(rows_with(report, Verdict::kRegression).size(), 1u) << table;
  EXPECT_EQ(report.regressions(), 1u);
  EXPECT_NE(table.find("REGRESSION: collective/all_reduce/fp32/out_of_place busbw {\"size_bytes\":1073741824.0} on "
                       "the job (slowest rank per iteration)"),
            std::string::npos)
      << table;
}

TEST(HistoryCheck, RanksWithoutSamplesAreNotComparedAndSaySo) {
  History h(41);
  for (int day = 1; day <= 5; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(2)});
  SynthRun tonight{"night-6", 6, fleet(2)};
  tonight.thin_samples = true;
  h.add(tonight);
  const auto report = h.check();
  int compared = 0, without = 0;
  for (const auto& row : report.rows) {
    if (row.scope != "gpu") continue;
    if (row.rank == 0) {
      ++compared;
      EXPECT_EQ(row.cmp.verdict, Verdict::kOk);
      EXPECT_EQ(row.cmp.n_run, 10u);
    } else {
      ++without;
      EXPECT_EQ(row.cmp.verdict, Verdict::kNoBaseline);
      EXPECT_EQ(row.cmp.n_run, 0u);
      EXPECT_NE(row.note.find("no samples"), std::string::npos);
    }
  }
  EXPECT_EQ(compared, 1);
  EXPECT_EQ(without, 3);
  EXPECT_EQ(report.regressions(), 0u);
}

TEST(HistoryCheck, PlantedFivePercentDropOnOneGpuIsFlaggedWithItsHost) {
  History h(11);
  for (int day = 1; day <= 7; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(3)});
  auto tonight = fleet(3);
  tonight[3].throughput *= 0.95;  // node-b, second GPU
  h.add(SynthRun{"night-8", 8, tonight});

  const auto report = h.check();
  EXPECT_EQ(report.run_id, "night-8");
  EXPECT_EQ(report.baseline_runs.size(), 7u);
  const auto flagged = rows_with(report, Verdict::kRegression);
  ASSERT_EQ(flagged.size(), 1u) << render_check_table(report, true);
  EXPECT_EQ(flagged[0]->scope, "gpu");
  EXPECT_EQ(flagged[0]->host, "node-b");
  EXPECT_EQ(flagged[0]->rank, 3);
  EXPECT_EQ(flagged[0]->device, "serial:S-node-b-1");
  EXPECT_NEAR(flagged[0]->cmp.change, -0.05, 0.015);
  EXPECT_LT(flagged[0]->cmp.p, 0.001);
  // The node sum fell 2.5 %, below the 3 % minimum effect: not a node regression.
  const std::string table = render_check_table(report, false);
  EXPECT_NE(table.find("REGRESSION: gemm/bf16/8192x8192x8192 throughput on host node-b rank 3"), std::string::npos)
      << table;
  // 6 GPUs, 3 node sums, 1 system sum.
  EXPECT_EQ(report.rows.size(), 10u);
}

TEST(HistoryCheck, DropsOnEveryGpuOfANodeFlagTheNodeSum) {
  History h(12);
  for (int day = 1; day <= 5; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(2)});
  auto tonight = fleet(2);
  tonight[0].throughput *= 0.9;
  tonight[1].throughput *= 0.9;
  h.add(SynthRun{"night-6", 6, tonight});
  const auto report = h.check();
  bool node_a = false;
  for (const auto* r : rows_with(report, Verdict::kRegression)) {
    EXPECT_NE(r->host, "node-b");
    if (r->scope == "node" && r->host == "node-a") {
      node_a = true;
      // The node sum fell because its two GPUs did: shown, but not a third alarm.
      EXPECT_TRUE(r->explained);
      EXPECT_EQ(r->note, "follows from the regression of node-a rank 0, node-a rank 1");
    }
  }
  EXPECT_TRUE(node_a) << render_check_table(report, true);
  EXPECT_EQ(report.regressions(), 2u) << render_check_table(report, true);
  EXPECT_EQ(check_exit_code(report), 1);
}

CheckOptions options(double alpha, double min_effect, double noise_multiple, int min_runs = 5) {
  CheckOptions o;
  o.alpha = alpha;
  o.min_effect = min_effect;
  o.noise_multiple = noise_multiple;
  o.min_baseline_runs = min_runs;
  return o;
}

std::vector<std::vector<double>> nights_of(const std::vector<double>& night, int count) {
  return std::vector<std::vector<double>>(static_cast<std::size_t>(count), night);
}

// Pure noise: baseline and run drawn from the same distribution. One comparison at alpha 0.05
// should reject at most about 5 % of the time: the allowance is 0.02, three binomial standard
// deviations for 1000 trials (0.0069 each). p is the larger of two valid p-values, so the
// rate sits below alpha; the lower bound proves the p-values are not simply always large.
TEST(HistoryCheck, PureNoiseIsFlaggedNoMoreOftenThanAlpha) {
  std::mt19937_64 rng(20261126);
  std::normal_distribution<double> noise(700e12, 7e12);
  constexpr int kTrials = 1000;
  int significant = 0, flagged = 0;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<std::vector<double>> baseline(5, std::vector<double>(10));  // 5 nights x 10 samples
    std::vector<double> run(10);
    for (auto& night : baseline)
      for (auto& v : night) v = noise(rng);
    for (auto& v : run) v = noise(rng);
    significant += compare_series(baseline, run, true, options(0.05, 0.0, 0.0)).verdict == Verdict::kRegression;
    flagged += compare_series(baseline, run, true, options(0.05, 0.03, 3.0)).verdict == Verdict::kRegression;
  }
  const double rate = static_cast<double>(significant) / kTrials;
  EXPECT_LE(rate, 0.05 + 0.02);
  EXPECT_GE(rate, 0.01);
  // With the 3 % minimum effect, 1 % noise is essentially never flagged.
  EXPECT_LE(static_cast<double>(flagged) / kTrials, 0.002);
}

TEST(HistoryCheck, PureNoiseHistoriesRaiseNoAlarm) {
  // Through the whole pipeline (files, database, per-GPU, node and system sums), 30 noisy
  // histories with no change and no effect thresholds: Benjamini-Hochberg alone keeps the
  // chance that a check raises any alarm at most alpha = 0.05, so at most 1.5 of 30 checks on
  // average; 5 or more has probability 0.016 even at exactly 0.05.
  int comparisons = 0, alarmed_checks = 0;
  for (int trial = 0; trial < 30; ++trial) {
    History h(1000 + static_cast<std::uint64_t>(trial));
    for (int day = 1; day <= 5; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(2)});
    auto o = options(0.05, 0.0, 0.0, 4);
    o.baseline = "last:4";
    const auto report = h.check(o);
    comparisons += static_cast<int>(report.rows.size());
    alarmed_checks += report.regressions() > 0;
  }
  EXPECT_EQ(comparisons, 30 * 7);
  EXPECT_LE(alarmed_checks, 4);
  // With the default thresholds, none.
  for (int trial = 0; trial < 10; ++trial) {
    History h(2000 + static_cast<std::uint64_t>(trial));
    for (int day = 1; day <= 6; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(2)});
    const auto report = h.check();
    EXPECT_EQ(check_exit_code(report), 0) << render_check_table(report, true);
  }
}

TEST(HistoryCheck, ReplacedGpuStartsANewSeriesInsteadOfAnAlarm) {
  History h(13);
  for (int day = 1; day <= 5; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(2)});
  auto swapped = fleet(2);
  swapped[1].serial = "S-new";      // same host and bus id, another board
  swapped[1].throughput *= 0.9;     // and a slower one
  h.add(SynthRun{"night-6", 6, swapped});
  const auto report = h.check();
  EXPECT_EQ(report.regressions(), 0u) << render_check_table(report, true);
  const auto fresh = rows_with(report, Verdict::kNewSeries);
  ASSERT_GE(fresh.size(), 1u);
  EXPECT_EQ(fresh[0]->device, "serial:S-new");
  EXPECT_EQ(fresh[0]->note, "replaces serial:S-node-a-1");
  // The node and the system whose members changed start new series too, each saying why.
  ASSERT_EQ(fresh.size(), 3u) << render_check_table(report, true);
  EXPECT_EQ(fresh[1]->scope, "node");
  EXPECT_EQ(fresh[1]->host, "node-a");
  EXPECT_EQ(fresh[1]->note, "the node's devices changed");
  EXPECT_EQ(fresh[2]->scope, "system");
  EXPECT_EQ(fresh[2]->note, "the set of devices changed");
  EXPECT_NE(render_check_table(report, false).find("new series"), std::string::npos);

  EXPECT_EQ(check_exit_code(report), kCheckShortBaseline);  // the new board is not checked yet

  // The new board has its own history from now on; until it has five nights it is a short
  // baseline (exit 3), then a drop on it is found.
  h.add(SynthRun{"night-7", 7, swapped});
  const auto second = h.check();
  // The board, and the node and system sums it is part of (one night with these members).
  const auto short_rows = rows_with(second, Verdict::kShortBaseline);
  ASSERT_EQ(short_rows.size(), 3u) << render_check_table(second, true);
  EXPECT_EQ(short_rows[0]->device, "serial:S-new");
  EXPECT_EQ(short_rows[1]->scope, "node");
  EXPECT_EQ(short_rows[2]->scope, "system");
  EXPECT_EQ(check_exit_code(second), kCheckShortBaseline);
  for (int day = 8; day <= 10; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, swapped});
  auto next = swapped;
  next[1].throughput *= 0.9;
  h.add(SynthRun{"night-11", 11, next});
  const auto later = h.check();
  const auto flagged = rows_with(later, Verdict::kRegression);
  ASSERT_FALSE(flagged.empty()) << render_check_table(later, true);
  EXPECT_EQ(flagged[0]->device, "serial:S-new");
}

TEST(HistoryCheck, BaselineRunsWithFailedVerificationContributeNothing) {
  History h(14);
  for (int day = 1; day <= 5; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(1)});
  // Three nights that computed a wrong answer on one GPU, and (say) ran fast because of it.
  for (int day = 6; day <= 8; ++day) {
    auto bad = fleet(1, 2, 700e12 * 1.3);
    bad[0].verification = "failed";
    h.add(SynthRun{fmt::format("night-{}", day), day, bad});
  }
  h.add(SynthRun{"night-9", 9, fleet(1)});
  const auto report = h.check();
  EXPECT_EQ(report.baseline_runs.size(), 5u);
  EXPECT_EQ(report.excluded_runs.size(), 3u);
  EXPECT_EQ(check_exit_code(report), 0) << render_check_table(report, true);
  // Had they counted, the healthy GPU would look 23 % slower than its baseline.
  const auto with_them = compare_series(nights_of(std::vector<double>(10, 910e12), 5),
                                        std::vector<double>(10, 700e12), true, CheckOptions{});
  EXPECT_EQ(with_them.verdict, Verdict::kRegression);
}

TEST(HistoryCheck, FailedRankTonightIsAFailure) {
  History h(15);
  for (int day = 1; day <= 3; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(1)});
  auto tonight = fleet(1);
  tonight[1].verification = "failed";
  h.add(SynthRun{"night-4", 4, tonight});
  const auto report = h.check();
  EXPECT_EQ(report.failures(), 1u);
  const auto failed = rows_with(report, Verdict::kFailed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]->host, "node-a");
  EXPECT_EQ(failed[0]->rank, 1);
  EXPECT_EQ(failed[0]->note.rfind("verification failed", 0), 0u);
}

TEST(HistoryCheck, FirstRunHasNoBaseline) {
  History h(16);
  h.add(SynthRun{"night-1", 1, fleet(1)});
  const auto report = h.check();
  EXPECT_TRUE(report.baseline_runs.empty());
  EXPECT_EQ(rows_with(report, Verdict::kShortBaseline).size(), report.rows.size());
  EXPECT_EQ(report.regressions(), 0u);
  // A first night (or a renamed suite) is its own outcome, not a green one.
  EXPECT_EQ(check_exit_code(report), kCheckShortBaseline);
  EXPECT_NE(render_check_table(report, false).find("SHORT BASELINE: 3 series have fewer than 5 usable baseline runs"),
            std::string::npos)
      << render_check_table(report, false);
  for (int day = 2; day <= 5; ++day) h.add(SynthRun{fmt::format("night-{}", day), day, fleet(1)});
  EXPECT_EQ(check_exit_code(h.check()), kCheckShortBaseline);  // four baseline nights
  h.add(SynthRun{"night-6", 6, fleet(1)});
  EXPECT_EQ(check_exit_code(h.check()), 0);  // five
}

TEST(HistoryCheck, BaselineSelection) {
  History h(17);
  for (int day = 1; day <= 20; ++day) h.add(SynthRun{fmt::format("night-{:02}", day), day, fleet(1)});
  h.add(SynthRun{"other-suite", 21, fleet(1), 10, 0.01, "acceptance"});
  CheckOptions o;
  o.run = "night-20";
  o.baseline = "last:14d";  // days 6..19
  EXPECT_EQ(h.check(o).baseline_runs.size(), 14u);
  o.baseline = "last:3";
  const auto three = h.check(o).baseline_runs;
  EXPECT_EQ(three, (std::vector<std::string>{"night-19", "night-18", "night-17"}));
  o.baseline = "night-02";
  EXPECT_EQ(h.check(o).baseline_runs, std::vector<std::string>{"night-02"});
  o.run = "latest";  // the acceptance run: no earlier run of its suite
  o.baseline = "last:14d";
  EXPECT_TRUE(h.check(o).baseline_runs.empty());
  o.baseline = "last:x";
  EXPECT_THROW(h.check(o), HistoryError);
  o.baseline = "last:14d";
  o.run = "no-such-run";
  EXPECT_THROW(h.check(o), HistoryError);
}

TEST(HistoryCheck, DirectionDependsOnTheUnit) {
  const std::vector<double> base{1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99};
  std::vector<double> slower, faster;
  for (double v : base) {
    slower.push_back(v * 1.10);
    faster.push_back(v * 0.90);
  }
  EXPECT_FALSE(higher_is_better("s"));
  EXPECT_TRUE(higher_is_better("FLOP/s"));
  // Eight nights alike (no night-to-night spread) of these eight samples.
  const auto nights = nights_of(base, 8);
  const CheckOptions o = options(0.05, 0.03, 3.0);
  // Times 10 % longer: a regression for a time, an improvement for a rate.
  EXPECT_EQ(compare_series(nights, slower, false, o).verdict, Verdict::kRegression);
  EXPECT_EQ(compare_series(nights, slower, true, o).verdict, Verdict::kImproved);
  EXPECT_EQ(compare_series(nights, faster, false, o).verdict, Verdict::kImproved);
  EXPECT_EQ(compare_series(nights, faster, true, o).verdict, Verdict::kRegression);
  // A time and the rate computed from it give the same p and the same loss.
  std::vector<double> rate, rate_slower;
  for (double v : base) rate.push_back(1.0 / v);
  for (double v : slower) rate_slower.push_back(1.0 / v);
  const auto as_time = compare_series(nights, slower, false, o);
  const auto as_rate = compare_series(nights_of(rate, 8), rate_slower, true, o);
  EXPECT_NEAR(as_time.p, as_rate.p, 1e-12);
  EXPECT_NEAR(as_time.worse_by, as_rate.worse_by, 1e-12);
  // Significant but smaller than the minimum effect: not flagged.
  std::vector<double> slightly;
  for (double v : base) slightly.push_back(v * 0.98);
  EXPECT_EQ(compare_series(nights, slightly, true, o).verdict, Verdict::kOk);
  EXPECT_EQ(compare_series(nights, slightly, true, options(0.05, 0.01, 3.0)).verdict, Verdict::kRegression);
}

TEST(HistoryCheck, ADropWithinTheSeriesOwnNightToNightSpreadIsNotFlagged) {
  // Nights whose medians wander by +-2 % (log sd sqrt(8 * 0.02^2 / 7) = 0.0214).
  std::vector<std::vector<double>> nights;
  for (double shift : {-0.02, 0.02, -0.02, 0.02, -0.02, 0.02, -0.02, 0.02})
    nights.push_back(std::vector<double>(10, 100.0 * std::exp(shift)));
  const std::vector<double> tonight(10, 100.0 * std::exp(-0.05));  // 4.9 % lower
  // Above the 3 % minimum effect, but within three spreads (1 - e^-0.064 = 6.2 %): not flagged.
  const auto c = compare_series(nights, tonight, true, options(0.05, 0.03, 3.0));
  EXPECT_NEAR(c.spread, std::sqrt(8 * 0.0004 / 7), 1e-9);
  EXPECT_NEAR(c.threshold, 1.0 - std::exp(-3 * c.spread), 1e-12);
  EXPECT_EQ(c.verdict, Verdict::kOk);
  // A floor (the check's typical spread) raises the threshold further and the p-value with it.
  auto floored = c;
  decide_verdict(floored, options(0.05, 0.03, 1.0), 0.04);
  EXPECT_NEAR(floored.threshold, 1.0 - std::exp(-0.04), 1e-12);
  EXPECT_GT(floored.p_nights, compare_series(nights, tonight, true, options(0.05, 0.03, 1.0)).p_nights);
  // Twice that far is.
  const std::vector<double> far(10, 100.0 * std::exp(-0.10));
  EXPECT_EQ(compare_series(nights, far, true, options(0.05, 0.03, 3.0)).verdict, Verdict::kRegression);
}

}  // namespace
}  // namespace capbench

namespace capbench {
namespace {

TEST(HistoryCheck, AScatteredNightIsUnsteadyNotARegression) {
  const std::vector<double> night{100, 101, 99, 100.5, 99.5};
  const auto nights = std::vector<std::vector<double>>(8, night);
  const CheckOptions o;
  // Every sample half as fast: a slowdown.
  auto slow = compare_series(nights, {50, 50.5, 49.5, 50.2, 49.8}, true, o);
  // The median as low, but samples from 1 to 100: preemption, not a slower device.
  auto scattered = compare_series(nights, {1, 50, 100, 20, 60}, true, o);
  std::vector<SampleComparison*> family{&slow, &scattered};
  judge_family(family, o);
  EXPECT_EQ(slow.verdict, Verdict::kRegression);
  EXPECT_EQ(scattered.verdict, Verdict::kUnsteady);
  EXPECT_GT(scattered.within_tonight, o.noise_multiple * scattered.within_baseline);
}

TEST(HistoryCheck, ScatteredButEverySampleMovedIsARegression) {
  const std::vector<double> night{100, 101, 99, 100.5, 99.5};
  const auto nights = std::vector<std::vector<double>>(8, night);
  const CheckOptions o;
  // Every sample half as fast, one preempted to a tenth of that: scattered, but even the best
  // sample lost half the rate. A time metric of the same samples (seconds per unit) too.
  auto slowed = compare_series(nights, {50, 50.5, 5, 49.8, 50.2}, true, o);
  std::vector<double> base_times, times;
  for (double v : night) base_times.push_back(1.0 / v);
  for (double v : {50.0, 50.5, 5.0, 49.8, 50.2}) times.push_back(1.0 / v);
  auto slowed_time = compare_series(std::vector<std::vector<double>>(8, base_times), times, false, o);
  // Tonight's best sample at the baseline: the drop is in some samples only.
  auto disturbed = compare_series(nights, {100, 50.5, 5, 49.8, 50.2}, true, o);
  std::vector<SampleComparison*> family{&slowed, &slowed_time, &disturbed};
  judge_family(family, o);
  EXPECT_GT(slowed.within_tonight, o.noise_multiple * slowed.within_baseline);
  EXPECT_NEAR(slowed.best_worse_by, 0.495, 1e-3);
  EXPECT_EQ(slowed.verdict, Verdict::kRegression);
  EXPECT_NEAR(slowed_time.best_worse_by, 0.495, 1e-3);
  EXPECT_EQ(slowed_time.verdict, Verdict::kRegression);
  EXPECT_EQ(disturbed.verdict, Verdict::kUnsteady);
}

TEST(HistoryCheck, NoiseFloorIsPerBenchmark) {
  // A calm GEMM series among wildly noisy collectives keeps its own, small floor.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> wild(0.0, 0.8), calm(0.0, 0.02);
  std::vector<SampleComparison> comparisons;
  std::vector<std::string> groups;
  for (int s = 0; s < 9; ++s) {
    std::vector<std::vector<double>> nights;
    for (int n = 0; n < 9; ++n) nights.push_back(std::vector<double>(5, 100 * std::exp(wild(rng))));
    comparisons.push_back(compare_series(nights, std::vector<double>(5, 100.0), true, CheckOptions{}));
    groups.push_back("collective");
  }
  std::vector<std::vector<double>> gemm_nights;
  for (int n = 0; n < 9; ++n) gemm_nights.push_back(std::vector<double>(5, 100 * std::exp(calm(rng))));
  comparisons.push_back(compare_series(gemm_nights, std::vector<double>(5, 50.0), true, CheckOptions{}));
  groups.push_back("gemm");
  std::vector<SampleComparison*> family;
  for (auto& c : comparisons) family.push_back(&c);
  const auto typical = judge_family(family, CheckOptions{}, groups);
  EXPECT_GT(typical.at("collective"), 0.4);
  EXPECT_LT(typical.at("gemm"), 0.05);
  EXPECT_EQ(comparisons.back().verdict, Verdict::kRegression);  // 2x slower: found
}

}  // namespace
}  // namespace capbench
