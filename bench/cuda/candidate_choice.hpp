#pragma once
// Choosing what to measure with among candidates timed on the GPU itself: cuBLASLt's
// algorithms for a GEMM, the launch shapes of a STREAM kernel.
#include <vector>

namespace capbench {

// The candidate to use, given each one's median seconds in order of preference (NaN or not
// positive: it did not run). The first that ran is kept unless another is faster by more than
// `margin` (a fraction); then the fastest. Returns -1 when none ran.
int choose_candidate(const std::vector<double>& seconds, double margin);

}  // namespace capbench
