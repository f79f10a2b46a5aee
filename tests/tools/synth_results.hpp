#pragma once
// Synthetic capbench results for any number of ranks: what a CUDA run of a suite on a
// mixed H100/A100 fleet would write, with per-rank noise. For scale tests and
// micro-benchmarks of the reader, writer and reports; never for capacity figures.
#include <cstdint>

#include "common/results.hpp"
#include "common/sample_retention.hpp"
#include "common/suite.hpp"

namespace capbench {

struct SynthOptions {
  int ranks = 16;
  int gpus_per_node = 8;
  std::uint64_t seed = 1;
  double h100_node_fraction = 0.55;  // the first nodes are H100 SXM, the rest A100 SXM4 80GB
  int samples_per_metric = -1;       // -1: the case's iterations
  int all_samples_up_to = kKeepAllSamplesUpTo;  // as the runner: above it, samples of outliers only
  int fabric_rails = 1;  // rails of a fabric case (its nodes: ranks / gpus_per_node); tests/tools/synth_fabric.hpp
};

// Throws std::invalid_argument on options out of range.
ResultsFile synthesize_results(const Suite& suite, const SynthOptions& options);
// The same file as write_results_file_atomic(path, synthesize_results(...)), written case by
// case: a file of 100,000 ranks without its ResultsFile in memory (about 1 GB per 10,000 ranks).
void write_synthetic_results(const Suite& suite, const SynthOptions& options, const std::string& path);

}  // namespace capbench
