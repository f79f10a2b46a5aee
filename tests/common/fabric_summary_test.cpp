#include "common/fabric_summary.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "tests/tools/synth_fabric.hpp"

namespace capbench {
namespace {

constexpr int kNodes = 300;
constexpr int kSlow = 137;

// The same synthetic 300-node fabric in both forms: node 137's links at 30 % of the others'
// bandwidth, pair 10-20 slow only beside its round.
json fabric_of(int full_matrix_up_to, int nodes = kNodes, int rails = 1, int slow = kSlow, double slow_factor = 0.3) {
  SynthFabricOptions o;
  o.slow_factor = slow_factor;
  o.nodes = nodes;
  o.rails = rails;
  o.seed = 7;
  o.slow_node = slow;
  o.bottleneck = {10, 20};
  o.full_matrix_up_to = full_matrix_up_to;
  return synthesize_fabric(o).info.at("fabric");
}

const json& full() {
  static const json f = fabric_of(1000);
  return f;
}
const json& bounded() {
  static const json f = fabric_of(kFabricFullMatrixNodes);
  return f;
}

using FlagKey = std::tuple<std::string, int, int, int, std::string>;  // metric, rail, a, b, phase
std::set<FlagKey> flags_of(const FabricJudgement& j) {
  std::set<FlagKey> out;
  for (const auto& f : j.flagged) out.insert({f.metric, f.rail, f.a, f.b, f.phase});
  return out;
}

TEST(FabricLogBins, QuantilesWithinHalfABin) {
  LogBins b(10000);
  std::vector<double> v;
  for (int i = 1; i <= 1001; ++i) {
    v.push_back(1e9 * (1 + i * 1e-3));
    b.add(v.back());
  }
  EXPECT_NEAR(b.quantile(0.5) / median(v), 1.0, 1.2e-4);
  EXPECT_NEAR(b.quantile(0.0) / v.front(), 1.0, 1.2e-4);
  LogBins c(10000);
  c.merge(b);
  c.merge(b);
  EXPECT_EQ(c.count(), 2002u);
  EXPECT_NEAR(c.quantile(0.5) / median(v), 1.0, 1.2e-4);
}

TEST(FabricSummary, BothFormsPassTheStrictReader) {
  EXPECT_NO_THROW(check_fabric_info(ConfigNode(full(), "full.json"), "fabric"));
  EXPECT_NO_THROW(check_fabric_info(ConfigNode(bounded(), "bounded.json"), "fabric"));
  EXPECT_FALSE(full().contains("form"));
  EXPECT_EQ(bounded().at("form"), "summary");
  EXPECT_EQ(bounded().at("schedule").at("rounds"), kNodes - 1);
  EXPECT_FALSE(bounded().contains("matrices"));
}

TEST(FabricSummary, SamePairsMeasuredAgainAsTheFullForm) {
  // The streamed short pairs are the full form's: node 137's 299 pairs and the bottleneck pair.
  EXPECT_EQ(bounded().at("remeasured"), full().at("remeasured"));
  EXPECT_EQ(full().at("remeasured").size(), std::size_t(kNodes - 1 + 1));
}

TEST(FabricSummary, FlaggedPairsAndSharedNodeAsTheFullForm) {
  for (const double fraction : {0.8, 0.5}) {
    FabricCriteria c;
    c.min_bandwidth_fraction = fraction;
    c.max_latency = 4e-6;
    const auto jf = judge_fabric(full(), c), jb = judge_fabric(bounded(), c);
    EXPECT_EQ(flags_of(jf), flags_of(jb)) << fraction;
    EXPECT_FALSE(jf.flagged.empty());
    ASSERT_TRUE(jf.shared && jb.shared);
    EXPECT_EQ(*jf.shared, kSlow);
    EXPECT_EQ(*jb.shared, kSlow);
    EXPECT_TRUE(jb.node_flags.empty());
  }
  // The benchmark's own reading names the same host in both forms; the bottleneck pair recovered.
  EXPECT_EQ(bounded().at("shared_node"), "node0138");
  EXPECT_EQ(full().at("shared_node"), bounded().at("shared_node"));
  EXPECT_EQ(bounded().at("short_pairs"), full().at("short_pairs"));
}

TEST(FabricSummary, SameVerdictOnBothForms) {
  auto verdict = [](const json& f, FabricCriteria c) {
    const auto j = judge_fabric(f, c);
    return j.flagged.empty() && j.node_flags.empty() && j.failed_pairs == 0;
  };
  std::vector<FabricCriteria> rules(5);
  rules[0].min_bandwidth_fraction = 0.2;  // passes: 30 % is above it
  rules[1].min_bandwidth = 7e9;           // fails on node 137 only (6 GB/s one way)
  rules[2].min_bandwidth = 1e9;           // passes
  rules[3].max_latency = 1e-5;            // passes
  rules[4].min_bandwidth = 19.9e9;        // stricter than the list: fails on unlisted pairs
  const std::vector<bool> expected = {true, false, true, true, false};
  for (std::size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ(verdict(full(), rules[i]), expected[i]) << i;
    EXPECT_EQ(verdict(bounded(), rules[i]), expected[i]) << i;
  }
}

TEST(FabricSummary, CriteriaStricterThanTheListJudgedByEachNodesWorstPair) {
  // No slow node: only the bottleneck pair 10-20 was short, and it recovered alone. A bound
  // beyond the re-measure rule's list is judged from each node's worst pair not re-measured.
  const json f = fabric_of(1000, kNodes, 2, -1), b = fabric_of(kFabricFullMatrixNodes, kNodes, 2, -1);
  ASSERT_EQ(b.at("remeasured").size(), 1u);
  FabricCriteria pass;
  pass.min_bandwidth_fraction = 0.9;  // stricter than the 0.8 rule: still every pair passes
  for (const auto* doc : {&f, &b}) {
    const auto j = judge_fabric(*doc, pass);
    EXPECT_TRUE(j.flagged.empty() && j.node_flags.empty()) << doc->contains("form");
  }
  FabricCriteria fail;
  fail.min_bandwidth = 19.9e9;  // within the noise of the 20 GB/s pairs: many fail
  const auto jf = judge_fabric(f, fail), jb = judge_fabric(b, fail);
  EXPECT_FALSE(jf.flagged.empty());
  EXPECT_TRUE(jb.flagged.empty());  // no pair listed below it...
  ASSERT_FALSE(jb.node_flags.empty());  // ...but every node with such a pair named
  std::set<int> full_nodes, bounded_nodes;
  for (const auto& fl : jf.flagged) full_nodes.insert({fl.a, fl.b});
  for (const auto& nf : jb.node_flags) bounded_nodes.insert(nf.node);
  EXPECT_EQ(full_nodes, bounded_nodes);
}

TEST(FabricSummary, NodeSlightlySlowBeyondTheListIsStillNamed) {
  // Node 137 at 85 %: above the 0.8 re-measure rule, so none of its pairs is listed; a 0.9
  // criterion flags all of them in the full form and names it. The bounded form names every
  // node (each has its pair with 137) and 137 as the shared node, by its median pair.
  const json f = fabric_of(1000, kNodes, 1, kSlow, 0.85), b = fabric_of(kFabricFullMatrixNodes, kNodes, 1, kSlow, 0.85);
  FabricCriteria c;
  c.min_bandwidth_fraction = 0.9;
  const auto jf = judge_fabric(f, c), jb = judge_fabric(b, c);
  ASSERT_TRUE(jf.shared && jb.shared);
  EXPECT_EQ(*jf.shared, kSlow);
  EXPECT_EQ(*jb.shared, kSlow);
  EXPECT_FALSE(jb.node_flags.empty());
}

TEST(FabricSummary, PerNodeSummariesNameTheSlowNode) {
  const auto w = fabric_node_worst(bounded(), "bandwidth_uni");
  ASSERT_EQ(w.fraction.size(), std::size_t(kNodes));
  EXPECT_NEAR(w.fraction[kSlow], 0.3, 0.03);
  EXPECT_NEAR(w.node_median[kSlow] / w.median, 0.3, 0.03);  // every pair of node 137 is slow
  EXPECT_GT(w.fraction[0], 0.25);                           // its partner pair at 30 % too...
  EXPECT_GT(w.node_median[0] / w.median, 0.95);             // ...but its median pair is normal
  for (const auto& s : bounded().at("summaries")) {
    const auto m = s.at("metric").get<std::string>();
    std::size_t total = 0;
    for (const auto& c : s.at("count")) total += c.get<std::size_t>();
    EXPECT_EQ(total, 2 * s.at("pairs").get<std::size_t>()) << m;
  }
}

TEST(FabricSummary, CheckerNamesFileAndKeyPath) {
  auto expect_fail = [](json doc, const std::string& path_part) {
    try {
      check_fabric_info(ConfigNode(doc, "bounded.json"), "fabric");
      ADD_FAILURE() << "accepted a document with a bad " << path_part;
    } catch (const ConfigError& e) {
      EXPECT_NE(e.key_path().find(path_part), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("bounded.json"), std::string::npos) << e.what();
    }
  };
  auto d = bounded();
  d["summaries"][0]["count"].erase(0);
  expect_fail(d, "summaries[0].count");
  d = bounded();
  d["summaries"][1]["lowest"][5] = 1e30;  // above its own median
  expect_fail(d, "summaries[1].median[5]");
  d = bounded();
  d["summaries"][0]["count"][3] = d["summaries"][0]["count"][3].get<int>() + 1;  // counts no longer add up
  expect_fail(d, "summaries[0].count");
  d = bounded();
  d["schedule"]["rounds"] = 12;
  expect_fail(d, "schedule.rounds");
  d = bounded();
  d["schedule"]["name"] = "random";
  expect_fail(d, "schedule.name");
  d = bounded();
  d["pairs"]["b"][0] = kNodes;
  expect_fail(d, "pairs.b[0]");
  d = bounded();
  d["pairs"]["value"].erase(0);  // columns of different lengths
  expect_fail(d, "pairs.value");
  d = bounded();
  d["full_matrix_up_to"] = 512;  // 300 nodes would be the full form
  expect_fail(d, "form");
  d = bounded();
  d["matrices"] = json::array();
  expect_fail(d, "matrices");
  d = full();
  d["summaries"] = json::array();
  expect_fail(d, "summaries");
}

TEST(FabricSummary, BoundedJsonGrowsWithNodesNotPairs) {
  const auto at300 = bounded().dump().size(), at600 = fabric_of(kFabricFullMatrixNodes, 600).dump().size();
  const auto full300 = full().dump().size();
  EXPECT_LT(double(at600) / double(at300), 2.3);  // O(N): the per-node arrays and 599 short pairs
  EXPECT_LT(at300 * 4, full300);                  // against 4 + 4 N x N matrices
}

}  // namespace
}  // namespace capbench
