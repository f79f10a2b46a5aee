// capbench_micro: Google Benchmark's main, plus the context every output should carry.
#include <benchmark/benchmark.h>

#include "capbench/version.hpp"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::AddCustomContext("capbench_version", capbench::kVersion);
  benchmark::AddCustomContext("capbench_git_commit", capbench::kGitCommit);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
