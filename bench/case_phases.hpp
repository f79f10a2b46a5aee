#pragma once
// Where a benchmark is inside a case, told to whoever watches it (rank 0's progress line):
// the start and end of its warm-up, so that the time left comes from the measured warm-up
// instead of a nominal rate. Benchmarks call these around their warm-up loop.
namespace capbench {

struct CasePhases {
  virtual ~CasePhases() = default;
  virtual void warmup_begin() = 0;
  virtual void warmup_end(int passes) = 0;  // passes: the warm-up batches just run
};

}  // namespace capbench
