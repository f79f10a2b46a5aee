// One report section per stage in the results, none for a stage not measured; a collective on
// one rank has no bandwidth figure, and a projection with nothing to project says why.
#include <gtest/gtest.h>

#include <set>

#include "reports/capacity/fleet_coverage.hpp"
#include "reports/render/report_section.hpp"
#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

std::set<std::string> present(const ReportInputs& in) {
  std::set<std::string> keys;
  for (const auto& s : report_sections())
    if (s.present(in)) keys.insert(s.key);
  return keys;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

TEST(ReportSections, KeysAreUniqueAndEachStageAppearsOnlyWhenMeasured) {
  std::set<std::string> keys;
  for (const auto& s : report_sections()) EXPECT_TRUE(keys.insert(s.key).second) << s.key;
  GpuDatabase db = GpuDatabase::built_in();
  const auto h200 = read_results_file(testing::source_path("docs/validation/h200-2026-11-27/results.json"));
  const Analysis a = analyze(h200, "h200.json", "0", db, nullptr);
  const ReportInputs in{&a, nullptr, nullptr, "t"};
  // Health and energy efficiency are always shown: a report says when neither was recorded.
  EXPECT_EQ(present(in), (std::set<std::string>{"compute", "memory", "host_link", "fabric", "health", "energy",
                                                "energy_efficiency"}));
  const auto html = render_html(in);
  EXPECT_NE(html.find("<section id=\"section-host_link\" data-stage=\"host_link\"><h2>Host link</h2>"), std::string::npos);
  EXPECT_NE(html.find("55.4 GB/s"), std::string::npos);  // H2D pinned, pattern-checked
  EXPECT_NE(html.find("software power cap"), std::string::npos);
  EXPECT_EQ(html.find("sw_power_cap"), std::string::npos);
  // A CPU run has no host link, no telemetry: those sections are absent, not empty.
  testing::Loaded cpu("cpu-two-ranks.json", "");
  const ReportInputs cin{&cpu.analysis, nullptr, nullptr, "t"};
  EXPECT_EQ(present(cin), (std::set<std::string>{"compute", "memory", "fabric", "health", "energy_efficiency"}));
  const auto chtml = render_html(cin);
  EXPECT_EQ(chtml.find("section-host_link"), std::string::npos);
  EXPECT_EQ(chtml.find("id=\"section-energy\""), std::string::npos);
  EXPECT_EQ(count(chtml, "<h2>Health</h2>"), 1u);
  EXPECT_NE(chtml.find("id=\"energy-not-measured\""), std::string::npos);
  EXPECT_EQ(render_markdown(cin).find("## Host link"), std::string::npos);
}

TEST(ReportSections, OneRankCollectivesHaveNoBandwidthAndSayWhy) {
  GpuDatabase db = GpuDatabase::built_in();
  const auto h200 = read_results_file(testing::source_path("docs/validation/h200-2026-11-27/results.json"));
  const Analysis a = analyze(h200, "h200.json", "0", db, nullptr);
  for (const auto& s : a.collectives) {
    EXPECT_TRUE(s.points.empty()) << s.case_id;
    EXPECT_NE(s.no_bandwidth_reason.find("one rank"), std::string::npos) << s.case_id;
  }
  const ReportInputs in{&a, nullptr, nullptr, "t"};
  const auto html = render_html(in);
  EXPECT_EQ(html.find("collective-point"), std::string::npos);  // no 205 TB/s broadcast, no 0 B/s
  EXPECT_EQ(html.find("TB/s (rank 0)"), std::string::npos);
  EXPECT_EQ(count(html, "No bandwidth figure."), 1u);
  const auto md = render_markdown(in);
  EXPECT_EQ(md.find("→ 0 B/s"), std::string::npos);
  EXPECT_EQ(md.find("205 TB/s"), std::string::npos);
  EXPECT_NE(md.find("One rank: a collective on one rank moves no data between devices"), std::string::npos);
}

TEST(ReportSections, RanksSharingOneGpuHaveNoBandwidthAndAreNotCalledGpus) {
  GpuDatabase db = GpuDatabase::built_in();
  const auto rf = read_results_file(
      testing::source_path("docs/validation/h200-2026-11-27/run-5-supplement/two-ranks-one-gpu.json"));
  const Analysis a = analyze(rf, "two-ranks-one-gpu.json", "0", db, nullptr);
  ASSERT_FALSE(a.collectives.empty());
  for (const auto& s : a.collectives) {
    EXPECT_TRUE(s.points.empty()) << s.case_id;
    EXPECT_NE(s.no_bandwidth_reason.find("all 2 ranks share one GPU"), std::string::npos) << s.case_id;
  }
  const ReportInputs in{&a, nullptr, nullptr, "t"};
  const auto q = statement_parts(in).quotable;
  EXPECT_NE(q.find("on 2 ranks sharing 1 GPU (NVIDIA H200 SXM 141GB)"), std::string::npos) << q;
  EXPECT_EQ(q.find("2 GPUs"), std::string::npos) << q;
}

TEST(ReportSections, NothingProjectedIsSaidOnceAndNeverAZero) {
  GpuDatabase db = GpuDatabase::built_in();
  const auto h200 = read_results_file(testing::source_path("docs/validation/h200-2026-11-27/results.json"));
  const auto sys = load_system_config(testing::source_path(testing::kGwangju), db);
  const Analysis a = analyze(h200, "h200.json", "0", db, &sys);
  EXPECT_FALSE(a.target.projected);
  EXPECT_FALSE(a.target.projected_of_fleet_peak);
  const ReportInputs in{&a, nullptr, nullptr, "t"};
  for (const auto& text : {render_html(in), render_markdown(in)}) {
    EXPECT_EQ(text.find("0 FLOP/s"), std::string::npos);
    EXPECT_EQ(text.find("0 OP/s"), std::string::npos);
    EXPECT_EQ(text.find("0.0 % of fleet peak"), std::string::npos);
    EXPECT_EQ(text.find("declared: not measured"), std::string::npos);
    EXPECT_NE(text.find("not projected: no GPU of this model in the inventory"), std::string::npos);
    EXPECT_EQ(text.find("memory_bandwidth_tb_s"), std::string::npos);
    EXPECT_EQ(text.find("fp64_tensor"), std::string::npos);
    EXPECT_EQ(text.find("67.1 MB"), std::string::npos);
  }
  const auto j = render_summary_json(in);
  EXPECT_TRUE(j["gemm"][0]["projection"]["projected"].is_null());
  EXPECT_EQ(j["gemm"][0]["projection"]["projected_gpus"], 0);
  EXPECT_TRUE(j["target"]["projected"].is_null());
  EXPECT_EQ(j["statement_quotable"], statement_parts(in).quotable);
  EXPECT_EQ(j["traceability"][1]["label"], "results file");
  EXPECT_NE(j["collectives"][0]["no_bandwidth_reason"].get<std::string>().find("one rank"), std::string::npos);
  const auto c = fleet_coverage(a);
  EXPECT_EQ(c.measured_not_declared, (std::vector<std::string>{"1 NVIDIA H200 SXM 141GB"}));
  ASSERT_EQ(c.declared_not_measured.size(), 2u);
  EXPECT_EQ(c.declared_not_measured[0].models.size(), 3u);  // H100, A100, T4: one line, grouped
  EXPECT_EQ(c.declared_not_measured[1].models, (std::vector<std::string>{"128 Graphcore IPU (model not stated in public reports)"}));
}

}  // namespace
}  // namespace capbench
