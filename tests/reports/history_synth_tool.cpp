// capbench_history_synth: synthetic nightly histories, for the trend page's browser test and
// for the false-alarm and power figures in docs/nightly.md.
//
//   capbench_history_synth write --dir D [--runs 10] [--drop 0.25] [--drop-rank 3] [--sizes 12]
//     writes D/capbench-night-NN.json: runs of two nodes with two GPUs each (GEMM per GPU and
//     a job-wide all_reduce at --sizes message sizes), the last with rank --drop-rank slower.
//   capbench_history_synth simulate [--night-spread 0.05] [--sample-spread 0.03] [--series 66]
//     [--nights 9] [--samples 5] [--trials 2000] [--alpha ..] [--min-effect ..] [--noise-multiple ..]
//     runs the check's own rule (compare_series, judge_family) on synthetic families and prints
//     the chance of any false alarm per check and the power to find a 10 % and a 25 % drop in one series.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cmath>
#include <random>

#include "reports/history_check.hpp"
#include "tests/reports/history_synthetic.hpp"

namespace {

using namespace capbench;

struct SimulateArgs {
  double night_spread = 0.05, sample_spread = 0.03;
  int series = 66, nights = 9, samples = 5, trials = 2000;
  std::uint64_t seed = 16;
  CheckOptions check;
};

// One check: `series` comparisons whose nights wander by night_spread (log sd) and whose samples
// scatter by sample_spread; series 0 tonight is `drop` lower. Returns (any false alarm, found).
std::pair<bool, bool> one_check(const SimulateArgs& a, double drop, std::mt19937_64& rng) {
  std::normal_distribution<double> night(0.0, a.night_spread), sample(0.0, a.sample_spread);
  auto draw = [&](double level) {
    std::vector<double> v;
    for (int k = 0; k < a.samples; ++k) v.push_back(level * std::max(0.05, 1.0 + sample(rng)));
    return v;
  };
  std::vector<SampleComparison> comparisons;
  for (int s = 0; s < a.series; ++s) {
    std::vector<std::vector<double>> baseline;
    for (int n = 0; n < a.nights; ++n) baseline.push_back(draw(std::exp(night(rng))));
    const double tonight = std::exp(night(rng)) * (s == 0 ? 1.0 - drop : 1.0);
    comparisons.push_back(compare_series(baseline, draw(tonight), true, a.check));
  }
  std::vector<SampleComparison*> family;
  for (auto& c : comparisons) family.push_back(&c);
  judge_family(family, a.check);
  bool false_alarm = false;
  for (int s = drop > 0 ? 1 : 0; s < a.series; ++s) false_alarm |= comparisons[s].verdict == Verdict::kRegression;
  return {false_alarm, comparisons[0].verdict == Verdict::kRegression};
}

int simulate(const SimulateArgs& a) {
  std::mt19937_64 rng(a.seed);
  fmt::print("rule: alpha (false-discovery rate) {}, min effect {}, noise multiple {}; {} series per check, {} baseline "
             "nights, {} samples a night\nnoise: night-to-night {:.1f}% (log sd), within a night {:.1f}% (sd)\n",
             a.check.alpha, a.check.min_effect, a.check.noise_multiple, a.series, a.nights, a.samples,
             100 * a.night_spread, 100 * a.sample_spread);
  for (const double drop : {0.0, 0.10, 0.25, 0.50}) {
    int alarms = 0, found = 0;
    for (int t = 0; t < a.trials; ++t) {
      const auto [false_alarm, hit] = one_check(a, drop, rng);
      alarms += false_alarm;
      found += hit;
    }
    const double p_false = static_cast<double>(alarms) / a.trials, power = static_cast<double>(found) / a.trials;
    auto se = [&](double p) { return std::sqrt(std::max(p * (1 - p), 1.0 / a.trials) / a.trials); };
    if (drop == 0)
      fmt::print("clean checks: false alarm in {:.2f}% of checks (+- {:.2f}%, {} trials)\n", 100 * p_false,
                 100 * se(p_false), a.trials);
    else
      fmt::print("{:.0f}% drop in one series: found in {:.1f}% of checks (+- {:.1f}%); another series flagged in {:.2f}%\n",
                 100 * drop, 100 * power, 100 * se(power), 100 * p_false);
  }
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
