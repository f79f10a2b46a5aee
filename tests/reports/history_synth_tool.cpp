// capbench_history_synth: synthetic nightly histories, for the trend page's browser test and
// for the false-alarm and power figures in docs/nightly.md.
//
//   capbench_history_synth write --dir D [--runs 10] [--drop 0.25] [--drop-rank 3] [--sizes 12]
//     writes D/capbench-night-NN.json: runs of two nodes with two GPUs each (GEMM per GPU and
//     a job-wide all_reduce at --sizes message sizes), the last with rank --drop-rank slower.
//   capbench_history_synth simulate [--night-spread 0.05] [--sample-spread 0.03] [--series 66]
//     [--nights 9] [--samples 5] [--trials 2000] [--disturb 0.01] [--alpha ..] [--min-effect ..]
//     [--noise-multiple ..] runs the check's own rule (compare_series, judge_family) and the
//     confirmation by re-measurement on synthetic families and prints the chance of any false
//     alarm per check and the power to find a 10 % and a 25 % drop in one series, by the first
//     check and after confirmation.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <random>

#include "reports/history/history_check.hpp"
#include "tests/reports/history_synthetic.hpp"

namespace {

using namespace capbench;

struct SimulateArgs {
  double night_spread = 0.05, sample_spread = 0.03;
  int series = 66, nights = 9, samples = 5, trials = 2000;
  // Disturbances (the heavy tail of a shared machine): each measurement of each series is, with
  // probability `disturb`, slowed by a factor drawn uniformly from [disturb_min, disturb_max]
  // for all of its samples alike (a preempted case, a neighbour on its core).
  double disturb = 0, disturb_min = 0.10, disturb_max = 0.50;
  std::uint64_t seed = 16;
  CheckOptions check;
};

struct CheckOutcome {
  bool false_alarm = false, found = false;                      // the first check alone
  bool false_alarm_confirmed = false, found_confirmed = false;  // after the re-measurement
};

// One check: `series` comparisons whose nights wander by night_spread (log sd) and whose samples
// scatter by sample_spread; series 0 tonight is `drop` lower. Then the confirmation, as
// scripts/nightly.sh does it: every flagged series is measured again the same night (same
// night level, fresh samples and a fresh chance of a disturbance; a real drop is still there)
// and judged against the same baseline with the first check's spread floor; an alarm stands
// only where the re-measurement is a regression too.
CheckOutcome one_check(const SimulateArgs& a, double drop, std::mt19937_64& rng) {
  std::normal_distribution<double> night(0.0, a.night_spread), sample(0.0, a.sample_spread);
  std::uniform_real_distribution<double> unit(0.0, 1.0), hit(a.disturb_min, a.disturb_max);
  auto draw = [&](double level) {
    if (a.disturb > 0 && unit(rng) < a.disturb) level *= 1.0 - hit(rng);
    std::vector<double> v;
    for (int k = 0; k < a.samples; ++k) v.push_back(level * std::max(0.05, 1.0 + sample(rng)));
    return v;
  };
  std::vector<std::vector<std::vector<double>>> baselines;
  std::vector<double> levels;
  std::vector<SampleComparison> comparisons;
  for (int s = 0; s < a.series; ++s) {
    auto& baseline = baselines.emplace_back();
    for (int n = 0; n < a.nights; ++n) baseline.push_back(draw(std::exp(night(rng))));
    levels.push_back(std::exp(night(rng)) * (s == 0 ? 1.0 - drop : 1.0));
    comparisons.push_back(compare_series(baseline, draw(levels.back()), true, a.check));
  }
  std::vector<SampleComparison*> family;
  for (auto& c : comparisons) family.push_back(&c);
  const auto floors = judge_family(family, a.check);
  std::vector<std::size_t> flagged;
  for (std::size_t s = 0; s < comparisons.size(); ++s)
    if (comparisons[s].verdict == Verdict::kRegression) flagged.push_back(s);
  std::vector<SampleComparison> again;
  for (const auto s : flagged) again.push_back(compare_series(baselines[s], draw(levels[s]), true, a.check));
  std::vector<SampleComparison*> again_family;
  for (auto& c : again) again_family.push_back(&c);
  judge_family(again_family, a.check, {}, &floors);
  CheckOutcome out;
  for (std::size_t i = 0; i < flagged.size(); ++i) {
    const bool real = drop > 0 && flagged[i] == 0, stands = again[i].verdict == Verdict::kRegression;
    (real ? out.found : out.false_alarm) = true;
    if (stands) (real ? out.found_confirmed : out.false_alarm_confirmed) = true;
  }
  return out;
}

int simulate(const SimulateArgs& a) {
  std::mt19937_64 rng(a.seed);
  fmt::print("rule: alpha (false-discovery rate) {}, min effect {}, noise multiple {}; {} series per check, {} baseline "
             "nights, {} samples a night\nnoise: night-to-night {:.1f}% (log sd), within a night {:.1f}% (sd); "
             "disturbed measurements {:.1f}% (each slowed {:.0f}-{:.0f}%)\n",
             a.check.alpha, a.check.min_effect, a.check.noise_multiple, a.series, a.nights, a.samples,
             100 * a.night_spread, 100 * a.sample_spread, 100 * a.disturb, 100 * a.disturb_min, 100 * a.disturb_max);
  auto se = [&](double p) { return 100 * std::sqrt(std::max(p * (1 - p), 1.0 / a.trials) / a.trials); };
  std::vector<std::string> row;
  for (const double drop : {0.0, 0.10, 0.25, 0.50}) {
    int alarms = 0, alarms_confirmed = 0, found = 0, found_confirmed = 0;
    for (int t = 0; t < a.trials; ++t) {
      const auto o = one_check(a, drop, rng);
      alarms += o.false_alarm;
      alarms_confirmed += o.false_alarm_confirmed;
      found += o.found;
      found_confirmed += o.found_confirmed;
    }
    const double n = a.trials;
    if (drop == 0) {
      fmt::print("clean checks: false alarm in {:.2f}% of checks (+- {:.2f}%) by the first check, {:.2f}% (+- {:.2f}%) "
                 "confirmed ({} trials)\n",
                 100 * alarms / n, se(alarms / n), 100 * alarms_confirmed / n, se(alarms_confirmed / n), a.trials);
      row.push_back(fmt::format("{:.2f} % → {:.2f} % (± {:.2f} %)", 100 * alarms / n, 100 * alarms_confirmed / n,
                                se(alarms_confirmed / n)));
    } else {
      fmt::print("{:.0f}% drop in one series: found in {:.1f}% of checks (+- {:.1f}%) by the first check, {:.1f}% "
                 "confirmed; another series raised in {:.2f}% (confirmed {:.2f}%)\n",
                 100 * drop, 100 * found / n, se(found / n), 100 * found_confirmed / n, 100 * alarms / n,
                 100 * alarms_confirmed / n);
      row.push_back(fmt::format("{:.1f} % → {:.1f} %", 100 * found / n, 100 * found_confirmed / n));
    }
  }
  fmt::print("table row (first check → confirmed): | {:.1f} % / {:.1f} % / {:.1f} % | {} |\n", 100 * a.night_spread,
             100 * a.sample_spread, 100 * a.disturb, fmt::join(row, " | "));
  return 0;
}

struct WriteArgs {
  std::string dir;
  int runs = 10, drop_rank = 3, sizes = 12;
  double drop = 0.25;
};

int write(const WriteArgs& a) {
  std::filesystem::create_directories(a.dir);
  std::mt19937_64 rng(16);
  for (int day = 1; day <= a.runs; ++day) {
    auto gpus = testing::fleet(2);
    if (day == a.runs && a.drop_rank >= 0 && a.drop_rank < static_cast<int>(gpus.size()))
      gpus[static_cast<std::size_t>(a.drop_rank)].throughput *= 1.0 - a.drop;
    testing::SynthRun run{fmt::format("night-{:02}", day), day, gpus};
    run.job_busbw = 150e9;
    run.job_sizes = a.sizes;
    fmt::print("{}\n", testing::write_synthetic_run(a.dir, run, rng));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Synthetic nightly histories: files for the trend page, false-alarm and power figures"};
  app.require_subcommand(1);
  WriteArgs w;
  auto* wr = app.add_subcommand("write", "Write a history's results files");
  wr->add_option("--dir", w.dir, "Output directory")->required();
  wr->add_option("--runs", w.runs)->capture_default_str();
  wr->add_option("--drop", w.drop, "Relative drop of one GPU in the last run")->capture_default_str();
  wr->add_option("--drop-rank", w.drop_rank)->capture_default_str();
  wr->add_option("--sizes", w.sizes, "all_reduce message sizes")->capture_default_str();
  SimulateArgs s;
  auto* sim = app.add_subcommand("simulate", "False-alarm rate and power of the check's rule");
  sim->add_option("--night-spread", s.night_spread, "Night-to-night spread (sd of log medians)")->capture_default_str();
  sim->add_option("--sample-spread", s.sample_spread, "Within-night spread of one sample")->capture_default_str();
  sim->add_option("--disturb", s.disturb, "Chance that a measurement is disturbed (all its samples slowed alike)")
      ->capture_default_str();
  sim->add_option("--disturb-min", s.disturb_min, "Smallest slowdown of a disturbed measurement")->capture_default_str();
  sim->add_option("--disturb-max", s.disturb_max, "Largest slowdown of a disturbed measurement")->capture_default_str();
  sim->add_option("--series", s.series, "Comparisons per check")->capture_default_str();
  sim->add_option("--nights", s.nights, "Baseline nights")->capture_default_str();
  sim->add_option("--samples", s.samples, "Samples a night")->capture_default_str();
  sim->add_option("--trials", s.trials)->capture_default_str();
  sim->add_option("--alpha", s.check.alpha)->capture_default_str();
  sim->add_option("--min-effect", s.check.min_effect)->capture_default_str();
  sim->add_option("--noise-multiple", s.check.noise_multiple)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return wr->parsed() ? write(w) : simulate(s);
}
