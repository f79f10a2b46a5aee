#include "bench/runner/progress.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <gtest/gtest.h>

using namespace capbench;

namespace {
Metric metric(const std::string& name, const std::string& unit, double median, json labels = json::object()) {
  Metric m;
  m.name = name;
  m.unit = unit;
  m.labels = std::move(labels);
  m.stats.median = median;
  return m;
}

RankResult rank(int r, std::vector<Metric> ms, std::string status = "ok", std::string error = "") {
  RankResult x;
  x.rank = r;
  x.metrics = std::move(ms);
  x.status = std::move(status);
  x.error = std::move(error);
  return x;
}

std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}
}  // namespace

TEST(Progress, HeadlineIsTheMedianOverRanksAndTheSlowest) {
  CaseResult cr;
  cr.ranks = {rank(0, {metric("kernel_time", "s", 1), metric("throughput", "FLOP/s", 40e9)}),
              rank(1, {metric("throughput", "FLOP/s", 44e9)}), rank(2, {metric("throughput", "FLOP/s", 42e9)})};
  EXPECT_EQ(headline_figure(cr), "throughput 42 GFLOP/s (median of 3 ranks, slowest 40 GFLOP/s)");
}

TEST(Progress, HeadlineOfAJobWideCaseIsItsLargestFigure) {
  CaseResult cr;
  cr.metrics = {metric("busbw", "B/s", 1e9, {{"size_bytes", 4096}}), metric("busbw", "B/s", 5e9, {{"size_bytes", 1 << 20}})};
  EXPECT_EQ(headline_figure(cr), "busbw 5 GB/s at 1.05 MB (job-wide)");
}

TEST(Progress, ReasonNamesTheRank) {
  CaseResult cr;
  cr.ranks = {rank(0, {}, "ok"), rank(1, {}, "skipped", "no fp8 on this GPU")};
  EXPECT_EQ(case_reason(cr), "rank 1: no fp8 on this GPU");
}

TEST(Progress, EtaComesFromThePlanAndCorrectsItself) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p(3, f);
    p.set_expected({10, 600, 20});
    p.start_case(0, "a");  // before anything ran: the plan's 630 s, not "unknown"
    CaseResult cr;
    cr.index = 0;
    cr.id = "a";
    cr.wall_s = 20;  // twice the estimate: the rest is scaled by 2
    cr.ranks = {rank(0, {metric("throughput", "FLOP/s", 1e9)})};
    p.end_case(cr, "passed");
    p.start_case(1, "b");
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_NE(out.find("left ~10:30"), std::string::npos) << out;
  EXPECT_NE(out.find("passed in 20.00 s  throughput 1 GFLOP/s"), std::string::npos) << out;
  EXPECT_NE(out.find("left ~20:40"), std::string::npos) << out;  // (600 + 20) x 2
}

TEST(Progress, ALongCaseTicks) {
  setenv(kProgressIntervalVariable, "0.05", 1);
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p(1, f);
    p.set_expected({600});
    p.start_case(0, "sustained");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    p.end_case(0, "sustained", "passed", 0.3);
  }
  unsetenv(kProgressIntervalVariable);
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_NE(out.find("running 00:00 of ~10:00 expected"), std::string::npos) << out;
}

TEST(Progress, ASkippedCaseDoesNotScaleTheEstimate) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p(2, f);
    p.set_expected({300, 60});
    CaseResult cr;
    cr.index = 0;
    cr.id = "gemm/bf16";
    cr.wall_s = 0.01;  // skipped at once: must not make the 60 s left look like 0
    cr.ranks = {rank(0, {}, "skipped", "not on this backend")};
    p.start_case(0, cr.id);
    p.end_case(cr, "skipped");
    p.start_case(1, "next");
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_NE(out.find("skipped in 0.01 s: not on this backend"), std::string::npos) << out;
  EXPECT_NE(out.find("next                                         elapsed 00:00  left ~01:00"), std::string::npos) << out;
}

namespace {
PlannedCase planned(int index, const std::string& id, json params, int warmup, int iterations) {
  PlannedCase c;
  c.index = index;
  c.id = id;
  c.benchmark = "gemm";
  c.params = std::move(params);
  c.warmup = warmup;
  c.iterations = iterations;
  c.timeout_s = 3600;
  return c;
}
}  // namespace

TEST(Progress, AMeasuredWarmupSetsTheEtaOfItsCaseAndItsFamily) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  const json shape{{"m", 64}, {"n", 64}, {"k", 64}, {"precision", "fp64"}, {"duration_s", 0.0}};
  json sustained = shape;
  sustained["duration_s"] = 100.0;
  json other = shape;
  other["m"] = 128;
  {
    Progress p(4, f);
    // Nominal estimates far from the truth: 1 s each.
    p.set_expected({1, 1, 1, 1});
    p.set_plan({planned(0, "a", shape, 2, 10), planned(1, "b", shape, 1, 20), planned(2, "c", sustained, 2, 10),
                planned(3, "d", other, 2, 10)});
    p.start_case(0, "a");
    p.warmup_begin();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));  // 2 passes of ~0.2 s
    p.warmup_end(2);
    // a: 0.4 s measured + 11 passes of 0.2 s = ~2.6 s; b: 22 passes = 4.4 s; c: 3 passes + 100 s;
    // d (another shape): its nominal 1 s. Left from here: ~2.2 + 4.4 + 100.6 + 1 = ~108 s.
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_NE(out.find("warm-up 2 passes in 0.4"), std::string::npos) << out;
  EXPECT_NE(out.find("case ~00:03, left ~01:4"), std::string::npos) << out;
}

TEST(Progress, TheWarmupOfAnotherFamilyLeavesTheScaleOnTheRest) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  const json shape{{"m", 64}, {"n", 64}, {"k", 64}, {"precision", "fp64"}};
  {
    Progress p(2, f);
    p.set_expected({10, 60});
    p.set_plan({planned(0, "a", shape, 1, 1), planned(1, "b", json{{"m", 8}}, 1, 1)});
    p.start_case(0, "a");
    p.warmup_begin();
    p.warmup_end(1);  // a: ~0 s measured
    CaseResult cr;
    cr.index = 0;
    cr.id = "a";
    cr.wall_s = 20;  // twice its nominal 10 s: b's nominal 60 s is scaled to 120 s
    cr.ranks = {rank(0, {metric("throughput", "FLOP/s", 1e9)})};
    p.end_case(cr, "passed");
    p.start_case(1, "b");
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_NE(out.find("left ~02:00"), std::string::npos) << out;
}
