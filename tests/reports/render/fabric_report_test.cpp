#include "reports/render/fabric_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

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

}  // namespace
}  // namespace capbench
