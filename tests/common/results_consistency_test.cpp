#include "common/results_consistency.hpp"
#include "tests/tools/config_error_of.hpp"

#include <gtest/gtest.h>

using namespace capbench;

namespace {

Metric metric(std::string name, std::string unit, std::vector<double> samples) {
  Metric m;
  m.name = std::move(name);
  m.unit = std::move(unit);
  m.stats = summarize(samples);
  m.samples = std::move(samples);
  return m;
}

// One GEMM case of 2 ranks whose figures agree with their times: 2*8*8*8 = 1024 operations.
ResultsFile gemm_run() {
  ResultsFile r;
  CaseResult c;
  c.index = 0;
  c.id = "gemm/fp64/8x8x8";
  c.benchmark = "gemm";
  c.params = {{"precision", "fp64"}, {"m", 8}, {"n", 8}, {"k", 8}};
  for (int i = 0; i < 2; ++i) {
    RankResult rr;
    rr.rank = i;
    rr.metrics.push_back(metric("throughput", "FLOP/s", {1024 / 1e-6, 1024 / 2e-6, 1024 / 4e-6}));
    rr.metrics.push_back(metric("time_per_gemm", "s", {1e-6, 2e-6, 4e-6}));
    c.ranks.push_back(rr);
  }
  r.cases.push_back(c);
  return r;
}

std::string error_of(const ResultsFile& r) {
  return capbench::testing::config_error_of([&] { check_results_consistency(r, "r.json"); });
}

}  // namespace

TEST(ResultsConsistency, AgreeingFiguresPass) { EXPECT_EQ(error_of(gemm_run()), "no error"); }

TEST(ResultsConsistency, StatedMedianThatDisagreesWithTheSamplesNamesRankAndCase) {
  ResultsFile r = gemm_run();
  r.cases[0].ranks[1].metrics[0].stats.median *= 2;  // the figure a report would print
  const std::string msg = error_of(r);
  EXPECT_NE(msg.find("cases[0].ranks[1].metrics[0].stats.median"), std::string::npos) << msg;
  EXPECT_NE(msg.find("rank 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("gemm/fp64/8x8x8"), std::string::npos) << msg;
}

TEST(ResultsConsistency, MinMaxAndCountAreChecked) {
  for (int which = 0; which < 3; ++which) {
    ResultsFile r = gemm_run();
    Summary& s = r.cases[0].ranks[0].metrics[1].stats;
    if (which == 0) s.min /= 2;
    if (which == 1) s.max *= 2;
    if (which == 2) s.n = 5;
    const char* key[] = {"stats.min", "stats.max", "stats.n"};
    EXPECT_NE(error_of(r).find(key[which]), std::string::npos) << error_of(r);
  }
}

TEST(ResultsConsistency, ThroughputMustAgreeWithTheTimes) {
  ResultsFile r = gemm_run();
  Metric& t = r.cases[0].ranks[0].metrics[0];
  t = metric("throughput", "FLOP/s", {1024 / 1e-6, 2 * 1024 / 2e-6, 1024 / 4e-6});  // consistent stats, wrong figure
  const std::string msg = error_of(r);
  EXPECT_NE(msg.find("cases[0].ranks[0].metrics[0].samples[1]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("operations per GEMM"), std::string::npos) << msg;
}

TEST(ResultsConsistency, StatisticsWithoutSamplesAreTakenAsStated) {
  ResultsFile r = gemm_run();
  for (auto& m : r.cases[0].ranks[1].metrics) m.samples.clear();  // a large run thins samples
  r.cases[0].ranks[1].metrics[0].stats.median *= 3;
  EXPECT_EQ(error_of(r), "no error");
}
