#include "reports/render/summary.hpp"

#include <gtest/gtest.h>

using namespace capbench;

namespace {
RankResult rank_with(int rank, double median, const std::string& status = "ok", const std::string& verified = "passed") {
  RankResult r;
  r.rank = rank;
  r.status = status;
  r.verification.status = verified;
  Metric m;
  m.name = "throughput";
  m.unit = "FLOP/s";
  m.samples = {median * 0.99, median, median * 1.01};
  m.stats = summarize(m.samples);
  r.metrics.push_back(m);
  return r;
}
}  // namespace

TEST(Summary, SumsAndSlowestExcludeFailedAndUnverifiedRanks) {
  ResultsFile f;
  CaseResult c;
  c.id = "gemm/fp64/8x8x8";
  c.benchmark = "gemm";
  c.ranks = {rank_with(0, 10e12), rank_with(1, 20e12), rank_with(2, 99e12, "failed"),
             rank_with(3, 50e12, "ok", "failed"), rank_with(4, 30e12)};
  c.status = derive_case_status(c.ranks);
  f.cases.push_back(c);
  const auto rows = summarize_cases(f);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "failed");
  EXPECT_EQ(rows[0].ranks_ok, 3);
  EXPECT_EQ(rows[0].ranks_total, 5);
  EXPECT_DOUBLE_EQ(rows[0].total, 10e12 + 20e12 + 30e12);
  EXPECT_DOUBLE_EQ(rows[0].slowest, 10e12);
  EXPECT_DOUBLE_EQ(rows[0].median, 20e12);
}

TEST(Summary, CollectiveQuotedAtTheLargestSize) {
  ResultsFile f;
  CaseResult c;
  c.id = "collective/all_reduce/fp32/out_of_place";
  c.benchmark = "collective";
  RankResult r;
  r.verification.status = "passed";
  for (double size : {1024.0, 1048576.0, 65536.0}) {
    Metric m;
    m.name = "busbw";
    m.unit = "B/s";
    m.labels = {{"size_bytes", size}};
    m.samples = {size};  // value = size, so the chosen one is visible
    m.stats = summarize(m.samples);
    r.metrics.push_back(m);
  }
  RankResult r1 = r;
  r1.rank = 1;
  c.ranks = {r, r1};
  f.cases.push_back(c);
  auto rows = summarize_cases(f);
  EXPECT_DOUBLE_EQ(rows[0].slowest, 1048576.0);
  EXPECT_NE(rows[0].metric.find("busbw"), std::string::npos);
  EXPECT_NE(rows[0].metric.find("@ 1 MiB"), std::string::npos) << rows[0].metric;  // sizes in binary units
  // On one rank a collective moves nothing: no bandwidth figure, and the summary says why.
  f.cases[0].ranks = {r};
  rows = summarize_cases(f);
  EXPECT_FALSE(rows[0].has_figures);
  EXPECT_NE(render_summary_text(f, rows).find("(one rank: no bus bandwidth)"), std::string::npos);
}

// A results/2 collective: the figures are the case's, and its ranks carry none.
CaseResult job_wide_collective(int nranks) {
  CaseResult c;
  c.id = "collective/all_reduce/fp32/out_of_place";
  c.benchmark = "collective";
  for (double size : {1024.0, 1048576.0, 65536.0}) {
    Metric m;
    m.name = "busbw";
    m.unit = "B/s";
    m.labels = {{"size_bytes", size}};
    m.samples = {3 * size, 2 * size, 5 * size};  // median 3 x size: the chosen one is visible
    m.stats = summarize(m.samples);
    c.metrics.push_back(m);
  }
  for (int i = 0; i < nranks; ++i) {
    RankResult r;
    r.rank = i;
    r.verification.status = "passed";
    c.ranks.push_back(r);
  }
  c.status = derive_case_status(c.ranks);
  return c;
}

TEST(Summary, JobWideCollectiveIsQuotedFromTheCase) {
  ResultsFile f;
  f.cases.push_back(job_wide_collective(4));
  const auto rows = summarize_cases(f);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].has_figures);
  EXPECT_TRUE(rows[0].job_wide);
  EXPECT_EQ(rows[0].ranks_ok, 4);
  EXPECT_DOUBLE_EQ(rows[0].slowest, 3 * 1048576.0);
  EXPECT_NE(rows[0].metric.find("(job)"), std::string::npos);
  const auto text = render_summary_text(f, rows);
  EXPECT_NE(text.find("3.15 MB/s"), std::string::npos) << text;
}

TEST(Summary, JobWideCollectiveWithAFailedRankHasNoFigure) {
  ResultsFile f;
  f.cases.push_back(job_wide_collective(4));
  f.cases[0].ranks[2].verification.status = "failed";
  const auto rows = summarize_cases(f);
  EXPECT_FALSE(rows[0].has_figures);
  EXPECT_EQ(rows[0].ranks_ok, 3);
  EXPECT_NE(render_summary_text(f, rows).find("(no verified figure)"), std::string::npos);
}

TEST(Summary, FormatSiUsesPrefixes) {
  EXPECT_EQ(format_si(1.5e15, "FLOP/s"), "1.5 PFLOP/s");
  EXPECT_EQ(format_si(2.34e9, "B/s"), "2.34 GB/s");
  EXPECT_EQ(format_si(0.0012, "s"), "1.2 ms");
  EXPECT_EQ(format_si(999, "B"), "999 B");
}

TEST(Summary, MarkdownEscapesStringsFromTheFile) {
  ResultsFile f;
  f.run.id = "<script>alert(1)</script>";
  f.suite.name = "a|b";
  const auto md = render_summary_markdown(f, {}, "00");
  EXPECT_EQ(md.find("<script>"), std::string::npos);
  EXPECT_NE(md.find("a\\|b"), std::string::npos);
}

// Two ranks on one GPU each measured a share of it: the summary prints their rows with no sum
// (the slowest and median rank stay), and says under the table which GPU they shared.
TEST(Summary, RanksSharingAGpuHaveNoSumOfRanks) {
  ResultsFile f;
  for (int r = 0; r < 3; ++r) {
    RankIdentity id;
    id.rank = r;
    id.host = "node-a";
    id.device.kind = "cuda";
    id.device.uuid = r < 2 ? "GPU-shared" : "GPU-alone";
    f.ranks.push_back(id);
  }
  CaseResult shared;
  shared.id = "gemm/fp64/shared";
  shared.benchmark = "gemm";
  shared.ranks = {rank_with(0, 4.2e12), rank_with(1, 4.1e12), rank_with(2, 4.0e12)};
  shared.status = derive_case_status(shared.ranks);
  CaseResult apart = shared;
  apart.id = "gemm/fp64/alone";
  apart.ranks = {rank_with(2, 4.0e12)};
  f.cases = {shared, apart};
  const auto rows = summarize_cases(f);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].ranks_share_a_gpu);
  EXPECT_FALSE(rows[1].ranks_share_a_gpu);
  const auto text = render_summary_text(f, rows);
  EXPECT_EQ(text.find("12.3 TFLOP/s"), std::string::npos) << text;  // no 4.2 + 4.1 + 4.0
  EXPECT_NE(text.find("4 TFLOP/s"), std::string::npos) << text;     // the slowest rank still shown
  EXPECT_NE(text.find("note: ranks 0, 1 on host node-a shared GPU GPU-shared"), std::string::npos) << text;
  const auto md = render_summary_markdown(f, rows, "0");
  EXPECT_EQ(md.find("12.3 TFLOP/s"), std::string::npos) << md;
  EXPECT_NE(md.find("- Note: ranks 0, 1 on host node-a shared GPU GPU-shared"), std::string::npos) << md;
}
