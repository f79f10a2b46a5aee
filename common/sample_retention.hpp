#pragma once
// Which ranks of a large run keep their per-iteration samples in the results file.
// Every rank always keeps its statistics (n, median, mean, stddev, min, max, MAD, p05, p95);
// above `keep_all_up_to` ranks the raw samples of ordinary ranks are dropped, because at
// 16,384 GPUs they would make the file gigabytes that no report reads, and kept where a
// reader will look: rank 0 (the reference), the slowest and the fastest rank, and the ranks
// whose headline median is an outlier among their peers.
#include <vector>

#include "common/results.hpp"

namespace capbench {

// Default rank count up to which every rank keeps its samples (a nightly run, a node, a rack).
inline constexpr int kKeepAllSamplesUpTo = 512;
// Modified z-score beyond which a rank's median counts as an outlier (Iglewicz and Hoaglin).
inline constexpr double kSampleOutlierZ = 3.5;

// The ranks of `c` whose samples are kept, ascending: rank 0, the ranks with the lowest and
// the highest headline median (each rank's first metric), and those with |modified z| above
// kSampleOutlierZ, at most 1 % of the ranks (the most extreme first) plus those three.
// Ranks that are not ok keep whatever they have (failures are where samples matter).
std::vector<int> ranks_keeping_samples(const CaseResult& c);

// Drops the samples of every other ok rank when c has more than keep_all_up_to ranks, and
// records the rule and the kept ranks in c.info["samples_kept"]. Returns whether it did.
bool thin_samples(CaseResult& c, int keep_all_up_to);

}  // namespace capbench
