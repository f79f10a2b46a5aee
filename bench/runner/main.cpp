// capbench: the MPI-launched runner. `mpirun -np N capbench run --suite S --out DIR`.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/backend.hpp"
#include "bench/runner/commands.hpp"
#include "bench/runner/exit_codes.hpp"
#include "bench/runner/launch_check.hpp"
#include "bench/runner/runner.hpp"
#include "capbench/version.hpp"
#include "common/cli_suggest.hpp"
#include "common/suite.hpp"

using namespace capbench;

namespace {

// `capbench run`: the suite, where the results go, the backend, the health stage and storage.
void add_run_command(CLI::App& app, RunOptions& opts) {
  auto* run = app.add_subcommand("run", "Run a suite on every rank; rank 0 writes one results file");
  run->add_option("--suite", opts.suite_path, "Suite file (configs/suites/*.json)")->required();
  run->add_option("--out", opts.out_dir, "Directory for the results file")->capture_default_str();
  run->add_option("--results", opts.results_path, "Exact results file path (overrides --out)");
  run->add_option("--backend", opts.backend, "auto: CUDA where built and a GPU is visible on every rank, else CPU")
      ->check(CLI::IsMember({"auto", "cuda", "cpu"}))
      ->capture_default_str();
  run->add_option("--threads", opts.threads, "CPU threads per rank (default: the node's cores / its ranks)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--device", opts.device, "GPU ordinal for every rank (default: node-local rank)");
  run->add_option("--run-id", opts.run_id, "Run identifier (default: UTC time and a random suffix)");
  run->add_option("--grace", opts.grace_s, "Seconds past a case's timeout before a silent rank is declared hung")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_option("--all-samples-up-to", opts.all_samples_up_to,
                  "Ranks up to which every rank keeps its per-iteration samples; above, rank 0 and outlying ranks "
                  "keep them and every rank keeps its statistics (negative: always all)")
      ->capture_default_str();
  add_plan_options(run, opts.overrides);
  run->add_flag("--strict-gpus", opts.strict_gpus,
                "Refuse to run (exit 3) when a node has more visible GPUs than ranks on it, or ranks share a GPU");
  // The health stage (docs/methodology.md, "Health gate"): expectations and the gate.
  run->add_option("--health-gate", opts.health.gate,
                  "record: record the health checks and measure anyway; stop: stop before the first case when a "
                  "check fails")
      ->check(CLI::IsMember({"record", "stop"}))
      ->capture_default_str();
  run->add_option("--system", opts.health.system_file,
                  "System description (configs/systems/*.json, as capreport report --system): each node's GPU count "
                  "and models, and cores and memory where it states them, are checked against its per_node and "
                  "cpu_nodes (the --expect-* options take precedence)");
  run->add_option("--expect-gpus-per-node", opts.health.expect.gpus_per_node,
                  "GPUs every node must show (default: the --system file, else what most nodes show)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--expect-gpu-model", opts.health.expect.gpu_model,
                  "Text every GPU's NVML name must contain, e.g. H100 (default: the --system file's model, else the most "
                  "common name)");
  run->add_option("--expect-cores-per-node", opts.health.expect.cores_per_node,
                  "Logical CPUs every node must have online (default: the --system file, else what most nodes have)")
      ->check(CLI::PositiveNumber);
  run->add_option("--expect-memory-gib", opts.health.expect.memory_gib_per_node,
                  "Physical memory every node must have at least, GiB (default: the --system file's, else most nodes', "
                  "less 2 %)")
      ->check(CLI::PositiveNumber);
  run->add_option("--storage-path", opts.storage_path,
                  "Directory for the storage cases (a parallel file system every rank mounts); overrides the "
                  "suite's path. capbench writes only inside a unique run directory under it and removes it");
}

// `capbench check`: validates a suite and prints its plan without running it.
CLI::App* add_check_command(CLI::App& app, std::string& suite, CheckOptions& opts) {
  auto* check = app.add_subcommand("check", "Validate a suite file and print its plan; runs nothing");
  check->add_option("suite", suite, "Suite file")->required();
  add_plan_options(check, opts.overrides);
  check->add_option("--backend", opts.backend, "Backend whose skips to report: auto, cuda or cpu")
      ->check(CLI::IsMember({"auto", "cuda", "cpu"}))
      ->capture_default_str();
  check->add_option("--ranks", opts.ranks, "Ranks the duration estimate assumes (default: this job's)")
      ->check(CLI::NonNegativeNumber);
  return check;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"capbench: verified GEMM, memory, host-link and collective measurements on every rank at once"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("capbench {} ({})", kVersion, kGitCommit));
  RunOptions opts;
  for (int i = 0; i < argc; ++i) opts.command_line.emplace_back(argv[i]);

  add_run_command(app, opts);

  auto* list = app.add_subcommand("list", "List the benchmarks a suite can name, with their parameters");
  bool list_json = false;
  list->add_flag("--json", list_json, "Print the catalog as JSON");
  std::string check_path;
  CheckOptions check_opts;
  auto* check = add_check_command(app, check_path, check_opts);
  auto* version = app.add_subcommand("version", "Print version and commit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code != 0)
      for (const auto& s : suggest_corrections(app, argc, argv)) fmt::print(stderr, "capbench: {}\n", s);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (version->parsed()) {
    fmt::print("capbench {} ({})\n", kVersion, kGitCommit);
    return kExitOk;
  }
  if (list->parsed()) return run_list_command(list_json);
  if (check->parsed()) {
    check_opts.suite_path = check_path;
    return run_check_command(check_opts, &argc, &argv);
  }
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int world = 1, rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (auto mismatch = launcher_mismatch(world)) {
    fmt::print(stderr, "capbench: {}\n", *mismatch);
    MPI_Finalize();
    return kExitEnvironment;
  }
  int code = kExitFailed;
  try {
    Comm comm;
    code = run_capbench(opts, comm);
  } catch (const std::exception& e) {
    fmt::print(stderr, "capbench: rank {}: {}\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, kExitFailed);
  }
  MPI_Finalize();
  return code;
}
