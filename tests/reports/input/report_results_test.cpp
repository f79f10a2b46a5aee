// The report's digests (reports/input/report_results.cpp): read case by case from the file they give
// the same report as the digest of the whole ResultsFile; the pages of a large fleet stay bounded.
#include "reports/input/report_results.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/results_reader.hpp"
#include "common/suite.hpp"
#include "tests/reports/report_test_util.hpp"
#include "reports/criteria/criteria.hpp"
#include "reports/render/health_report.hpp"
#include "reports/render/report.hpp"
#include "tests/tools/synth_results.hpp"
#include "tests/tools/scratch_dir.hpp"

namespace capbench {
namespace {

// The five outputs of `capreport report`, in one string.
std::string whole_report(const Analysis& a) {
  ReportInputs in;
  in.analysis = &a;
  in.generated_at = "2026-12-01T00:00:00Z";
  return render_markdown(in) + render_html(in) + render_summary_json(in).dump() + render_per_gpu_csv(in) +
         render_statement(in);
}

std::string report_both_ways(const std::string& path, const GpuDatabase& db, const SystemConfig* system) {
  const Analysis whole = analyze(read_results_file(path), path, "0", db, system);
  const ReportResults digests = read_report_results(path);
  const Analysis by_case = analyze(digests, path, "0", db, system);
  const std::string a = whole_report(whole), b = whole_report(by_case);
  EXPECT_EQ(a, b) << path;
  return b;
}

TEST(ReportResults, CaseByCaseGivesTheSameReportOnEveryGoldenFile) {
  const GpuDatabase db = GpuDatabase::built_in();
  const SystemConfig system = load_system_config(testing::source_path(testing::kGwangju), db);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(testing::source_path("tests/data/results"))) {
    if (e.path().extension() != ".json") continue;
    report_both_ways(e.path().string(), db, nullptr);
    report_both_ways(e.path().string(), db, &system);
    ++files;
  }
  EXPECT_GE(files, 5u);
}

TEST(ReportResults, CaseByCaseGivesTheSameReportOnASyntheticFleetAboveTheSampleThreshold) {
  const Suite suite = load_suite_file(testing::source_path("tests/data/synth_acceptance_suite.json"));
  SynthOptions o;
  o.ranks = 600;  // above 512: most ranks keep statistics only
  const testing::ScratchDir dir;
  const std::string path = (dir.path / "capbench-digest.json").string();
  write_synthetic_results(suite, o, path);
  const GpuDatabase db = GpuDatabase::built_in();
  const std::string report = report_both_ways(path, db, nullptr);
  EXPECT_NE(report.find("600"), std::string::npos);
}

TEST(ReportResults, DigestsShareTheirTextAndKeepNoSamples) {
  const ResultsFile whole = read_results_file(testing::results_path("three-models.json"));
  const ReportResults d(whole);
  ASSERT_EQ(d.cases.size(), whole.cases.size());
  for (std::size_t i = 0; i < d.cases.size(); ++i) {
    ASSERT_EQ(d.cases[i].ranks.size(), whole.cases[i].ranks.size());
    for (std::size_t r = 0; r < d.cases[i].ranks.size(); ++r) {
      const RankDigest& g = d.cases[i].ranks[r];
      const RankResult& w = whole.cases[i].ranks[r];
      EXPECT_EQ(g.rank, w.rank);
      EXPECT_EQ(g.status, w.status);
      EXPECT_EQ(g.verification.detail, w.verification.detail);
      ASSERT_EQ(g.metrics.size(), w.metrics.size());
      for (std::size_t m = 0; m < g.metrics.size(); ++m) EXPECT_EQ(g.metrics[m].stats.median, w.metrics[m].stats.median);
      EXPECT_EQ(g.telemetry != nullptr, w.telemetry.has_value());
      // One copy of each status: every "ok" is the same string.
      if (r > 0 && g.status == d.cases[i].ranks[0].status) EXPECT_EQ(&g.status, &d.cases[i].ranks[0].status);
    }
  }
}

TEST(ReportResults, TheHealthSectionOfALargeFleetListsProblemsOnlyAndStaysSmall) {
  ResultsFile rf = read_results_file(testing::results_path("one-h100.json"));
  HealthRecord h;
  h.gate = "record";
  // 100,000 GPUs, four checks each, one GPU in 100 failing one.
  for (int g = 0; g < 100000; ++g)
    for (const char* check : {"pcie_link", "ecc_mode", "xid_events", "clocks"})
      h.checks.push_back({check, "node" + std::to_string(g / 8), "GPU " + std::to_string(g % 8),
                          g % 100 == 0 && std::string(check) == "pcie_link" ? "fail" : "pass", "seen", "expected"});
  rf.health = h;
  const std::string md = health_section_markdown(rf), html = health_section_html(rf);
  EXPECT_NE(md.find("400000 checks"), std::string::npos) << md.substr(0, 200);
  EXPECT_LT(md.size(), 64u * 1024);
  EXPECT_LT(html.size(), 96u * 1024);
  EXPECT_NE(md.find("and more"), std::string::npos);
}

}  // namespace
}  // namespace capbench
