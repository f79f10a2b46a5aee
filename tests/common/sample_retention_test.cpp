#include "common/sample_retention.hpp"

#include <algorithm>

#include <gtest/gtest.h>

using namespace capbench;

namespace {

// n ranks whose throughput medians sit near 1e12, with chosen ranks far off.
CaseResult case_of(int n, const std::vector<std::pair<int, double>>& off = {}) {
  CaseResult c;
  c.id = "gemm/fp64";
  for (int r = 0; r < n; ++r) {
    RankResult rr;
    rr.rank = r;
    double v = 1e12 * (1.0 + 0.001 * ((r * 37) % 11 - 5));
    for (const auto& [who, factor] : off)
      if (who == r) v *= factor;
    Metric m;
    m.name = "throughput";
    m.unit = "FLOP/s";
    m.samples = {v * 0.99, v, v * 1.01};
    m.stats = summarize(m.samples);
    rr.metrics.push_back(m);
    c.ranks.push_back(rr);
  }
  return c;
}

bool kept(const CaseResult& c, int r) { return !c.ranks[std::size_t(r)].metrics[0].samples.empty(); }

}  // namespace

TEST(SampleRetention, SmallRunsKeepEverySample) {
  CaseResult c = case_of(64, {{5, 0.5}});
  EXPECT_FALSE(thin_samples(c, 64));
  for (int r = 0; r < 64; ++r) EXPECT_TRUE(kept(c, r));
  EXPECT_FALSE(c.info.contains("samples_kept"));
}

TEST(SampleRetention, LargeRunsKeepRankZeroExtremesAndOutliersOnly) {
  CaseResult c = case_of(1000, {{417, 0.85}, {900, 1.3}});
  c.ranks[33].status = "failed";
  ASSERT_TRUE(thin_samples(c, 512));
  EXPECT_TRUE(kept(c, 0));
  EXPECT_TRUE(kept(c, 417));  // the slow GPU: lowest median and an outlier
  EXPECT_TRUE(kept(c, 900));  // the highest median
  EXPECT_TRUE(kept(c, 33));   // did not finish ok
  int with_samples = 0;
  for (int r = 0; r < 1000; ++r) with_samples += kept(c, r);
  EXPECT_LE(with_samples, 4 + 1000 / 100);
  // Statistics stay for everyone.
  EXPECT_EQ(c.ranks[500].metrics[0].stats.n, 3u);
  EXPECT_GT(c.ranks[500].metrics[0].stats.median, 0);
  const auto& ranks = c.info.at("samples_kept").at("ranks");
  EXPECT_TRUE(std::is_sorted(ranks.begin(), ranks.end()));
  EXPECT_EQ(ranks.size(), std::size_t(with_samples));
  EXPECT_NE(c.info.at("samples_kept").at("rule").get<std::string>().find("512"), std::string::npos);
}

TEST(SampleRetention, OutliersAreCappedAtOnePercentMostExtremeFirst) {
  std::vector<std::pair<int, double>> off;
  for (int r = 100; r < 160; ++r) off.push_back({r, 0.5 + 0.001 * r});  // 60 slow GPUs
  CaseResult c = case_of(1000, off);
  const auto keep = ranks_keeping_samples(c);
  EXPECT_LE(keep.size(), 3u + 10u);
  EXPECT_TRUE(std::binary_search(keep.begin(), keep.end(), 100));  // the slowest of them
  EXPECT_FALSE(std::binary_search(keep.begin(), keep.end(), 159));  // the mildest is cut
}
