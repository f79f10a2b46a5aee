// capbench_synth_results: writes a synthetic results file for N ranks of a suite, for scale
// tests of capreport and of the results reader (see docs/performance.md).
#include <chrono>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/results.hpp"
#include "common/suite.hpp"
#include "tests/tools/synth_results.hpp"

int main(int argc, char** argv) {
  using namespace capbench;
  CLI::App app{"capbench_synth_results: a synthetic CUDA results file (mixed H100/A100 fleet) for N ranks"};
  SynthOptions o;
  std::string suite_path, out_path;
  app.add_option("--ranks", o.ranks, "Number of ranks (GPUs)")->required()->check(CLI::Range(1, 1 << 22));
  app.add_option("--suite", suite_path, "Suite file whose cases the results hold")->required();
  app.add_option("--out", out_path, "Results file to write")->required();
  app.add_option("--seed", o.seed, "Random seed (same seed, same file)");
  app.add_option("--gpus-per-node", o.gpus_per_node, "GPUs per node")->check(CLI::Range(1, 64));
  app.add_option("--h100-fraction", o.h100_node_fraction, "Fraction of nodes with H100 (the rest A100)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--samples", o.samples_per_metric, "Samples per metric (default: the case's iterations)")
      ->check(CLI::Range(0, 100000));
  app.add_option("--all-samples-up-to", o.all_samples_up_to,
                 "Ranks up to which every rank keeps its samples, as capbench run's option (negative: always)")
      ->capture_default_str();
  app.add_option("--fabric-rails", o.fabric_rails,
                 "Rails of a fabric case in the suite (its nodes: ranks / GPUs per node; bounded form above the "
                 "case's full_matrix_up_to)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const Suite suite = load_suite_file(suite_path);
    write_synthetic_results(suite, o, out_path);
    fmt::print(stderr, "capbench_synth_results: {} ranks x {} cases -> {} ({:.2f} s)\n", o.ranks, suite.plan.size(),
               out_path, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  } catch (const ConfigError& e) {
    fmt::print(stderr, "capbench_synth_results: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "capbench_synth_results: {}\n", e.what());
    return 1;
  }
  return 0;
}
