#include "common/stats.hpp"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

using namespace capbench;

TEST(Stats, MedianOfOddAndEvenSamples) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
}

TEST(Stats, PercentileInterpolatesBetweenOrderStatistics) {
  const std::vector<double> s{10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(percentile_sorted(s, 0), 10);
  EXPECT_DOUBLE_EQ(percentile_sorted(s, 100), 50);
  EXPECT_DOUBLE_EQ(percentile_sorted(s, 25), 20);
  EXPECT_DOUBLE_EQ(percentile_sorted(s, 10), 14);  // 0.1 * 4 = 0.4 of the way from 10 to 20
}

TEST(Stats, SummaryMatchesHandComputation) {
  const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
  const Summary s = summarize(v);
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_DOUBLE_EQ(s.median, 4.5);
  EXPECT_DOUBLE_EQ(s.min, 2);
  EXPECT_DOUBLE_EQ(s.max, 9);
  // Sample standard deviation: sum of squares 32 over n-1 = 7.
  EXPECT_NEAR(s.stddev, std::sqrt(32.0 / 7.0), 1e-12);
  // |v - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5 -> median 0.5
  EXPECT_DOUBLE_EQ(s.mad, 0.5);
}

TEST(Stats, OneOutlierDoesNotMoveTheMedian) {
  const Summary a = summarize(std::vector<double>{100, 101, 99, 100, 100});
  const Summary b = summarize(std::vector<double>{100, 101, 99, 100, 1});  // one preempted iteration
  EXPECT_DOUBLE_EQ(a.median, b.median);
  EXPECT_GT(a.mean, b.mean + 15);
}

TEST(Stats, ModifiedZScoreFlagsOnlyTheOutlier) {
  const std::vector<double> v{100, 101, 99, 100, 102, 98, 100, 70};
  const auto z = modified_z_scores(v);
  ASSERT_EQ(z.size(), v.size());
  for (std::size_t i = 0; i + 1 < v.size(); ++i) EXPECT_LT(std::fabs(z[i]), 3.5) << i;
  EXPECT_LT(z.back(), -3.5);
  // Hand value: median 100, MAD of |dev| {0,1,1,0,2,2,0,30} = 1 -> 0.6745 * (70 - 100) / 1
  EXPECT_NEAR(z.back(), 0.6745 * -30.0, 1e-12);
}

TEST(Stats, ZeroMadGivesInfiniteScoresForDifferentValues) {
  const auto z = modified_z_scores(std::vector<double>{5, 5, 5, 4});
  EXPECT_EQ(z[0], 0.0);
  EXPECT_TRUE(std::isinf(z[3]) && z[3] < 0);
}

TEST(Stats, EmptySampleIsAnError) {
  EXPECT_THROW(summarize(std::vector<double>{}), std::invalid_argument);
}

TEST(Stats, RatioOfMediansIsTheRatioOfTheTwoMedians) {
  const std::vector<double> capbench = {9.0, 10.0, 11.0, 30.0, 10.5};
  const std::vector<double> direct = {10.0, 10.0, 10.0, 10.0, 12.0};
  const RatioInterval r = ratio_of_medians(capbench, direct);
  EXPECT_DOUBLE_EQ(r.value, 10.5 / 10.0);
  EXPECT_LE(r.low, r.value);
  EXPECT_GE(r.high, r.value);
  // A fixed seed: the same data give the same interval.
  const RatioInterval again = ratio_of_medians(capbench, direct);
  EXPECT_EQ(r.low, again.low);
  EXPECT_EQ(r.high, again.high);
}

TEST(Stats, RatioIntervalNarrowsWhenPairsAgreeAndWidensWithNoise) {
  std::vector<double> a, b, noisy;
  for (int i = 0; i < 40; ++i) {
    a.push_back(100.0 + i % 3);
    b.push_back(100.0 + i % 3);  // every pair equal
    noisy.push_back((i % 2 ? 70.0 : 130.0) + i % 3);
  }
  const RatioInterval same = ratio_of_medians(a, b);
  EXPECT_DOUBLE_EQ(same.value, 1.0);
  EXPECT_NEAR(same.low, 1.0, 0.011);
  EXPECT_NEAR(same.high, 1.0, 0.011);
  const RatioInterval wide = ratio_of_medians(noisy, b);
  EXPECT_GT(wide.high - wide.low, 0.2);
}

TEST(Stats, RatioOfMediansNeedsPairedSamples) {
  EXPECT_THROW(ratio_of_medians(std::vector<double>{1.0}, std::vector<double>{1.0, 2.0}), std::invalid_argument);
  EXPECT_THROW(ratio_of_medians(std::vector<double>{}, std::vector<double>{}), std::invalid_argument);
}
