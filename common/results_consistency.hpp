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

}  // namespace capbench
