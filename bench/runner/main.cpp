// capbench: the MPI-launched runner. `mpirun -np N capbench run --suite S --out DIR`.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/backend.hpp"
#include "bench/runner/exit_codes.hpp"
#include "bench/runner/launch_check.hpp"
#include "bench/runner/runner.hpp"
#include "capbench/version.hpp"
#include "common/suite.hpp"

int main(int argc, char** argv) {
  using namespace capbench;
  CLI::App app{"capbench: verified GEMM, memory, host-link and collective measurements on every rank at once"};
  app.require_subcommand(1);
  RunOptions opts;
  for (int i = 0; i < argc; ++i) opts.command_line.emplace_back(argv[i]);

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

  run->add_option("--storage-path", opts.storage_path,
                  "Directory for the storage cases (a parallel file system every rank mounts); overrides the "
                  "suite's path. capbench writes only inside a unique run directory under it and removes it");

  auto* list = app.add_subcommand("list", "List the benchmarks a suite can name");
  auto* check = app.add_subcommand("check", "Validate a suite file and print its plan; runs nothing");
  std::string check_path;
  check->add_option("suite", check_path, "Suite file")->required();
  auto* version = app.add_subcommand("version", "Print version and commit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (version->parsed()) {
    fmt::print("capbench {} ({})\n", kVersion, kGitCommit);
    return kExitOk;
  }
  if (list->parsed()) {
    fmt::print("gemm         dense C = A·B per precision (fp64 fp32 tf32 fp16 bf16 fp8_e4m3 int8), Freivalds-checked\n"
               "stream       copy, mul, add, triad, dot; arrays >= 4x last-level cache; replay-checked\n"
               "collective   all_reduce, all_gather, reduce_scatter, broadcast, alltoall; MPI or NCCL; exact check\n"
               "host_device  H2D, D2H, bidirectional copies on every GPU at once (CUDA)\n"
               "p2p          GPU-to-GPU bandwidth matrix within a node (CUDA)\n"
               "device_copy  device-to-device copy through the copy engine (CUDA)\n"
               "storage      IOR-style easy/hard bandwidth, mdtest-style metadata, capacity (statvfs); pattern-checked\n");
    return kExitOk;
  }
  if (check->parsed()) {
    try {
      const Suite s = load_suite_file(check_path);
      fmt::print("{}: suite '{}', sha256 {}, {} cases\n", check_path, s.name, s.sha256, s.plan.size());
      for (const auto& c : s.plan) fmt::print("  {:>3}  {}  (timeout {} s)\n", c.index + 1, c.id, c.timeout_s);
      return kExitOk;
    } catch (const std::exception& e) {
      fmt::print(stderr, "capbench: {}\n", e.what());
      return kExitUsage;
    }
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
