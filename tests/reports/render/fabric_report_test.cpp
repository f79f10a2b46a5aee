#include "reports/render/fabric_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "common/suite.hpp"
#include "tests/reports/report_test_util.hpp"
#include "tests/tools/synth_results.hpp"
#include "tests/tools/scratch_dir.hpp"

namespace capbench {
namespace {

std::vector<std::vector<double>> uniform(int n, double v) {
  std::vector<std::vector<double>> m(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n), v));
  for (int i = 0; i < n; ++i) m[std::size_t(i)][std::size_t(i)] = NAN;
  return m;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::vector<std::string> hosts(int n) {
  std::vector<std::string> h;
  for (int i = 0; i < n; ++i) h.push_back("node" + std::to_string(i));
  return h;
}

TEST(FabricHeatmap, OneCellPerPairWithFlagsOutlined) {
  auto m = uniform(4, 3e9);
  m[1][2] = m[2][1] = 1e6;
  const auto svg = fabric_heatmap_svg(m, hosts(4), {{1, 2}}, "B/s");
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "<rect"), 16u);
  EXPECT_EQ(count(svg, "data-flagged"), 2u);  // both directions of the flagged pair
  EXPECT_NE(svg.find("node3"), std::string::npos);
}

TEST(FabricHeatmap, SixtyFourNodesStayOneCellPerPair) {
  const auto svg = fabric_heatmap_svg(uniform(64, 1e9), hosts(64), {}, "B/s");
  EXPECT_EQ(count(svg, "<rect"), 64u * 64u);
}

TEST(FabricHeatmap, AboveSixtyFourNodesOneCellPerNode) {
  auto m = uniform(100, 1e9);
  for (int j = 0; j < 100; ++j) m[7][std::size_t(j)] = 1e6;
  const auto svg = fabric_heatmap_svg(m, hosts(100), {}, "B/s");
  EXPECT_EQ(count(svg, "<rect"), 100u);
  EXPECT_NE(svg.find("node7: worst pair 0.1 %"), std::string::npos) << svg.substr(0, 400);
}

TEST(FabricCriteria, ReadsQuantitiesAndRejectsAnEmptyRule) {
  const json ok = json::parse(R"([{"id": "p", "min_bandwidth": {"value": 20, "unit": "MB/s"},
                                   "max_latency": {"value": 10e-6, "unit": "s"}}])");
  const auto c = read_fabric_criteria(ConfigNode(ok, "c.json"));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_DOUBLE_EQ(*c[0].rule.min_bandwidth, 20e6);
  EXPECT_DOUBLE_EQ(*c[0].rule.max_latency, 10e-6);
  EXPECT_THROW(read_fabric_criteria(ConfigNode(json::parse(R"([{"id": "p"}])"), "c.json")), ConfigError);
  EXPECT_THROW(read_fabric_criteria(ConfigNode(json::parse(R"([{"id": "p", "min_bandwidth": {"value": 1, "unit": "s"}}])"), "c.json")),
               ConfigError);
}

// 300 nodes, above the 256 of the full form: a results file written and read back as capreport
// reads it, the report draws one cell per node from the per-node summaries and names the slow
// node the flagged pairs share (the synthetic generator plants it at node index 100).
TEST(FabricReport, BoundedFormDrawsPerNodeSummariesAndNamesTheSlowNode) {
  const Suite suite = parse_suite(R"({"schema": "capbench.suite/1", "name": "f", "description": "fabric alone",
      "defaults": {"warmup": 1, "iterations": 3, "timeout_s": 60}, "cases": [{"benchmark": "fabric"}]})",
                                  "fabric.json");
  SynthOptions o;
  o.ranks = 300;
  o.gpus_per_node = 1;
  o.seed = 3;
  const testing::ScratchDir dir;
  const std::string path = (dir.path / "fabric_bounded_report_results.json").string();
  write_synthetic_results(suite, o, path);
  const ResultsFile results = read_results_file(path);  // the strict reader checks the bounded form
  ASSERT_EQ(results.cases.size(), 1u);
  const json& f = results.cases[0].info.at("fabric");
  ASSERT_EQ(f.value("form", ""), "summary");
  for (const auto& m : results.cases[0].metrics) EXPECT_TRUE(m.samples.empty()) << m.name;  // statistics only
  EXPECT_LT(f.dump().size(), 1'000'000u);  // O(N): a full form of 300 nodes is ~12 MB

  GpuDatabase db = GpuDatabase::built_in();
  const Analysis a = analyze(results, path, "0", db, nullptr);
  const ReportInputs in{&a, nullptr, nullptr, "t"};
  const auto html = render_fabric_html(in);
  EXPECT_EQ(count(html, "fabric-summary"), 3u);  // one map per metric drawn
  EXPECT_EQ(count(html, "<rect"), 3u * 300u);    // one cell per node, no matrix
  EXPECT_NE(html.find("node0101: worst pair"), std::string::npos);
  EXPECT_NE(html.find("shared node: node0101"), std::string::npos);
  EXPECT_GT(count(html, "data-flagged"), 0u);
  const auto md = render_fabric_markdown(in);
  EXPECT_NE(md.find("shared node: node0101"), std::string::npos);
  EXPECT_EQ(md.find("| node0001 |"), std::string::npos);  // no matrix table
}

}  // namespace
}  // namespace capbench
