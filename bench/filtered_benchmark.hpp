// Benchmarks made from others, for a backend's own rules: one with a filter in front, and one
// the build lacks. Both say why a case is skipped, in the case.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "bench/backend.hpp"

namespace capbench {

// `inner` with `filter` asked first: a backend's rules that the generic benchmark's interface
// cannot express (GEMM shapes for FP8/INT8, NCCL's lack of in-place alltoall). Everything else,
// the job-wide basis and info included, is the inner benchmark's.
std::unique_ptr<Benchmark> with_extra_filter(std::unique_ptr<Benchmark> inner,
                                             std::function<Support(const PlannedCase&)> filter);

// A benchmark this build of capbench has no implementation of (a library missing when it was
// built): every case is skipped with `reason`.
std::unique_ptr<Benchmark> unavailable_benchmark(std::string key, std::string reason);

}  // namespace capbench
