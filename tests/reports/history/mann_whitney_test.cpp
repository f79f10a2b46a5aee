// Mann-Whitney U against values worked out by hand and critical values from the standard
// table (two-sided alpha 0.05).
#include "reports/history/mann_whitney.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace capbench {
namespace {

TEST(MannWhitney, CompletelySeparatedSamplesOfThree) {
  // x entirely below y: U_x = 0, and only 1 of the C(6,3) = 20 orderings is that extreme.
  const std::vector<double> x{1, 2, 3}, y{4, 5, 6};
  const auto less = mann_whitney(x, y, Alternative::kLess);
  EXPECT_TRUE(less.exact);
  EXPECT_DOUBLE_EQ(less.u_x, 0.0);
  EXPECT_DOUBLE_EQ(less.u_y, 9.0);
  EXPECT_NEAR(less.p, 1.0 / 20.0, 1e-12);
  EXPECT_NEAR(mann_whitney(x, y, Alternative::kTwoSided).p, 2.0 / 20.0, 1e-12);
  EXPECT_NEAR(mann_whitney(x, y, Alternative::kGreater).p, 1.0, 1e-12);
}

TEST(MannWhitney, InterleavedSamplesOfThree) {
  // Pairs with x > y: 3>2, 5>2, 5>4, so U_x = 3. The null counts of U = 0..9 for n = m = 3
  // are 1 1 2 3 3 3 3 2 1 1 (of 20): P(U <= 3) = 7/20.
  const std::vector<double> x{1, 3, 5}, y{2, 4, 6};
  const auto r = mann_whitney(x, y, Alternative::kLess);
  EXPECT_DOUBLE_EQ(r.u_x, 3.0);
  EXPECT_NEAR(r.p, 7.0 / 20.0, 1e-12);
  const double counts[] = {1, 1, 2, 3, 3, 3, 3, 2, 1, 1};
  double cdf = 0;
  for (int u = 0; u < 10; ++u) {
    cdf += counts[u] / 20.0;
    EXPECT_NEAR(mann_whitney_exact_cdf(3, 3, u), cdf, 1e-12) << "u = " << u;
  }
}

TEST(MannWhitney, ExactDistributionOfFiveAndFive) {
  // C(10,5) = 252 orderings; U = 0, 1, 2, 3 occur 1, 1, 2, 3 times.
  EXPECT_NEAR(mann_whitney_exact_cdf(5, 5, 2), 4.0 / 252.0, 1e-12);
  EXPECT_NEAR(mann_whitney_exact_cdf(5, 5, 3), 7.0 / 252.0, 1e-12);
}

TEST(MannWhitney, CriticalValuesFromTheTable) {
  // Two-sided alpha 0.05 table: n1 = n2 = 5 -> 2, 8 -> 13, 10 -> 23, 20 -> 127. U at or
  // below the critical value is significant, one above it is not.
  const struct {
    int n, critical;
  } table[] = {{5, 2}, {8, 13}, {10, 23}, {20, 127}};
  for (const auto& t : table) {
    EXPECT_LE(2.0 * mann_whitney_exact_cdf(t.n, t.n, t.critical), 0.05) << "n = " << t.n;
    EXPECT_GT(2.0 * mann_whitney_exact_cdf(t.n, t.n, t.critical + 1), 0.05) << "n = " << t.n;
  }
}

TEST(MannWhitney, ExactDistributionIsSymmetric) {
  for (int u = 0; u < 4 * 7; ++u)
    EXPECT_NEAR(mann_whitney_exact_cdf(4, 7, u), 1.0 - mann_whitney_exact_cdf(4, 7, 4 * 7 - u - 1), 1e-12);
}

TEST(MannWhitney, NormalApproximationWithTiesByHand) {
  // Combined: 1x 2x 2x 2y 3x 3y 3y 4y 5y. Mid-ranks 1, 3, 3, 3, 6, 6, 6, 8, 9; R_x = 13,
  // U_x = 13 - 4*5/2 = 3. Ties: two groups of 3, sum(t^3 - t) = 48.
  // Var = 4*5/12 * (10 - 48/72) = 15.556; z = (3 - 10 + 0.5)/3.9441 = -1.6481; p = 0.049671.
  const std::vector<double> x{1, 2, 2, 3}, y{2, 3, 3, 4, 5};
  const auto r = mann_whitney(x, y, Alternative::kLess);
  EXPECT_FALSE(r.exact);
  EXPECT_TRUE(r.ties);
  EXPECT_DOUBLE_EQ(r.u_x, 3.0);
  EXPECT_NEAR(r.z, (3.0 - 10.0) / std::sqrt(4.0 * 5.0 / 12.0 * (10.0 - 48.0 / 72.0)), 1e-12);
  EXPECT_NEAR(r.p, 0.0496711, 1e-6);
  EXPECT_NEAR(mann_whitney(x, y, Alternative::kTwoSided).p, 2 * 0.0496711, 2e-6);
}

TEST(MannWhitney, LargeSamplesAgreeWithTheExactDistributionNearItsLimit) {
  // 50 x 50 is exact; the same data with one tie switches to the approximation, which should
  // land close to the exact p.
  std::vector<double> x, y;
  for (int i = 0; i < 50; ++i) {
    x.push_back(i * 1.0);
    y.push_back(i * 1.0 + 7.5);
  }
  const auto exact = mann_whitney(x, y, Alternative::kLess);
  ASSERT_TRUE(exact.exact);
  y[0] = x[10];  // one tie
  const auto approx = mann_whitney(x, y, Alternative::kLess);
  ASSERT_FALSE(approx.exact);
  EXPECT_NEAR(approx.p, exact.p, 0.1 * exact.p + 1e-4);
}

TEST(MannWhitney, AllEqualOrEmptyGivesNoEvidence) {
  const std::vector<double> same{2, 2, 2}, empty{};
  EXPECT_DOUBLE_EQ(mann_whitney(same, same).p, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney(empty, same).p, 1.0);
}

}  // namespace
}  // namespace capbench
