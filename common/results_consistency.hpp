#pragma once
// What a results reader can recompute, it checks: a metric's stated statistics against the
// samples it kept, and figures derived from times (GEMM throughput, collective bandwidth)
// against those times. A disagreement is a ConfigError naming the case, the rank and the key.
#include <string>

#include "common/results.hpp"

namespace capbench {

void check_results_consistency(const ResultsFile& r, const std::string& file);
// The same checks for one case, `case_pos` its place in "cases" (the per-case reader).
void check_case_consistency(const CaseResult& c, std::size_t case_pos, const std::string& file);
// One rank result of case `c` (whose own `ranks` need not hold it), at `rank_pos` in its
// "ranks". A rank result that kept no samples has nothing to check (rank_keeps_samples).
void check_rank_consistency(const CaseResult& c, std::size_t case_pos, const RankResult& r, std::size_t rank_pos,
                            const std::string& file);
bool rank_keeps_samples(const RankResult& r);

}  // namespace capbench
