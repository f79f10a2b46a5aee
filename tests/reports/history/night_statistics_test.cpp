// Student's t against table values, the night-to-night test's arithmetic, and
// Benjamini-Hochberg against a hand-worked example.
#include "reports/history/night_statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace capbench {
namespace {

TEST(NightStatistics, StudentTMatchesTables) {
  EXPECT_NEAR(student_t_cdf(1.0, 1), 0.75, 1e-12);  // Cauchy: 1/2 + atan(1)/pi
  EXPECT_NEAR(student_t_cdf(2.776445, 4), 0.975, 1e-6);
  EXPECT_NEAR(student_t_cdf(1.812461, 10), 0.95, 1e-6);
  EXPECT_NEAR(student_t_cdf(-3.169273, 10), 0.005, 1e-6);
  EXPECT_NEAR(student_t_cdf(0.0, 7), 0.5, 1e-12);
  EXPECT_NEAR(student_t_cdf(5.840909, 3), 0.995, 1e-6);
  EXPECT_EQ(student_t_cdf(-INFINITY, 5), 0.0);
}

TEST(NightStatistics, NightTestIsAPredictionInterval) {
  // Medians e^0, e^0.02, e^-0.02: mean 0, sd 0.02. Tonight e^-0.1: t = -0.1 / (0.02 sqrt(4/3)) = -4.33.
  const std::vector<double> nights{1.0, std::exp(0.02), std::exp(-0.02)};
  const auto r = night_to_night_test(nights, std::exp(-0.1));
  EXPECT_EQ(r.nights, 3u);
  EXPECT_NEAR(r.log_spread, 0.02, 1e-12);
  EXPECT_NEAR(r.log_shift, -0.1, 1e-12);
  EXPECT_NEAR(r.p_lower, student_t_cdf(-0.1 / (0.02 * std::sqrt(4.0 / 3.0)), 2), 1e-12);
  EXPECT_NEAR(r.p_lower + r.p_higher, 1.0, 1e-12);
  // A floor above the nights' own spread makes the same drop less significant.
  EXPECT_GT(night_to_night_test(nights, std::exp(-0.1), 0.05).p_lower, r.p_lower);
  // Identical nights: any drop is certain, no drop is not.
  EXPECT_EQ(night_to_night_test(std::vector<double>{2.0, 2.0}, 1.9).p_lower, 0.0);
  EXPECT_EQ(night_to_night_test(std::vector<double>{2.0, 2.0}, 2.0).p_lower, 1.0);
}

TEST(NightStatistics, NightTestIsUniformUnderTheNull) {
  // Six nights and a seventh from the same log-normal: P(p < 0.05) is 0.05 (3 sigma of 4000 trials: 0.010).
  std::mt19937_64 rng(7);
  std::normal_distribution<double> drift(0.0, 0.03);
  int below = 0;
  constexpr int kTrials = 4000;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> nights;
    for (int i = 0; i < 6; ++i) nights.push_back(std::exp(drift(rng)));
    below += night_to_night_test(nights, std::exp(drift(rng))).p_lower < 0.05;
  }
  EXPECT_NEAR(static_cast<double>(below) / kTrials, 0.05, 0.010);
}

TEST(NightStatistics, BenjaminiHochbergHandWorked) {
  // Sorted: 0.005 -> 0.005*4/1 = 0.02; 0.01 -> 0.02; 0.03 -> 0.04; 0.04 -> 0.04.
  const auto q = benjamini_hochberg(std::vector<double>{0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(q.size(), 4u);
  EXPECT_NEAR(q[0], 0.02, 1e-12);
  EXPECT_NEAR(q[1], 0.04, 1e-12);
  EXPECT_NEAR(q[2], 0.04, 1e-12);
  EXPECT_NEAR(q[3], 0.02, 1e-12);
  // Step-up: a large p later in the order never raises an earlier one above the cap of 1.
  const auto capped = benjamini_hochberg(std::vector<double>{0.9, 0.8});
  EXPECT_NEAR(capped[0], 0.9, 1e-12);
  EXPECT_NEAR(capped[1], 0.9, 1e-12);
  EXPECT_TRUE(benjamini_hochberg(std::vector<double>{}).empty());
}

}  // namespace
}  // namespace capbench
