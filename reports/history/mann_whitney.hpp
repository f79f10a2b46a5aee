#pragma once
// Mann-Whitney U (Wilcoxon rank-sum) test: does one sample tend to be larger than the other?
// Rank-based, so one preempted iteration moves it no more than any other value.
#include <span>

namespace capbench {

// What the p-value tests. kLess: x tends to be smaller than y; kGreater: larger.
enum class Alternative { kTwoSided, kLess, kGreater };

struct MannWhitneyResult {
  double u_x = 0;      // pairs (x_i, y_j) with x_i > y_j, ties counted one half
  double u_y = 0;      // n_x n_y - u_x
  double z = 0;        // normal score of u_x (0 when the exact distribution was used)
  double p = 1;        // p-value for the requested alternative
  bool exact = false;  // exact distribution (small samples, no ties) rather than normal approximation
  bool ties = false;
};

// Exact p where there are no ties and n_x * n_y <= kExactLimit, otherwise the normal
// approximation with tie correction and continuity correction. Empty input gives p = 1.
inline constexpr int kMannWhitneyExactLimit = 2500;
MannWhitneyResult mann_whitney(std::span<const double> x, std::span<const double> y,
                               Alternative alternative = Alternative::kTwoSided);

// P(U <= u) under the null hypothesis for samples of n_x and n_y distinct values.
double mann_whitney_exact_cdf(int n_x, int n_y, double u);

}  // namespace capbench
