#include "common/fabric.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace capbench {
namespace {

// Every pair exactly once, no node twice in a round, the round count of the circle method.
void expect_valid_schedule(int n) {
  const auto rounds = circle_schedule(n);
  ASSERT_EQ(rounds.size(), static_cast<std::size_t>(n % 2 == 0 ? n - 1 : n)) << n;
  std::set<std::pair<int, int>> seen;
  for (const auto& round : rounds) {
    std::set<int> busy;
    EXPECT_EQ(round.size(), static_cast<std::size_t>(n / 2)) << n;
    for (const auto& [a, b] : round) {
      EXPECT_LT(a, b);
      EXPECT_GE(a, 0);
      EXPECT_LT(b, n);
      EXPECT_TRUE(busy.insert(a).second) << "node " << a << " twice in a round of " << n;
      EXPECT_TRUE(busy.insert(b).second) << "node " << b << " twice in a round of " << n;
      EXPECT_TRUE(seen.insert({a, b}).second) << "pair measured twice";
    }
    // Odd n: exactly one node idles per round.
    EXPECT_EQ(busy.size(), static_cast<std::size_t>(n - n % 2));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(n * (n - 1) / 2));
}

TEST(FabricSchedule, CircleMethodCoversEveryPairOnce) {
  for (int n = 2; n <= 65; ++n) expect_valid_schedule(n);
  EXPECT_TRUE(circle_schedule(1).empty());
  EXPECT_TRUE(circle_schedule(0).empty());
}

TEST(FabricSchedule, OddNodeCountIdlesEachNodeOnce) {
  const auto rounds = circle_schedule(5);
  std::vector<int> idle(5, 0);
  for (const auto& r : rounds)
    for (int node = 0; node < 5; ++node)
      if (partner_in_round(r, node) < 0) ++idle[static_cast<std::size_t>(node)];
  for (int i : idle) EXPECT_EQ(i, 1);
}

TEST(FabricSchedule, PartnerIsSymmetric) {
  for (const auto& r : circle_schedule(8))
    for (int node = 0; node < 8; ++node) {
      const int p = partner_in_round(r, node);
      ASSERT_GE(p, 0);
      EXPECT_EQ(partner_in_round(r, p), node);
    }
}

TEST(FabricSeed, DependsOnSenderReceiverAndIteration) {
  const auto s = fabric_message_seed(7, 0, 1, 0);
  EXPECT_NE(s, fabric_message_seed(7, 1, 0, 0));  // direction
  EXPECT_NE(s, fabric_message_seed(7, 0, 2, 0));  // receiver
  EXPECT_NE(s, fabric_message_seed(7, 0, 1, 1));  // iteration
  EXPECT_NE(s, fabric_message_seed(8, 0, 1, 0));  // case
  EXPECT_EQ(s, fabric_message_seed(7, 0, 1, 0));
}

std::vector<PairFigure> ring_of_pairs(int nodes, double value) {
  std::vector<PairFigure> out;
  for (const auto& r : circle_schedule(nodes))
    for (const auto& [a, b] : r) out.push_back({a, b, 0, value});
  return out;
}

TEST(FabricFlag, BadNodeFlaggedAndNamed) {
  auto figs = ring_of_pairs(6, 10e9);
  for (auto& f : figs)
    if (f.a == 4 || f.b == 4) f.value = 1e9;  // node 4's link is slow
  FlagRule rule;
  rule.fraction_of_median = 0.5;
  const auto r = flag_pairs(figs, rule);
  EXPECT_DOUBLE_EQ(r.median, 10e9);  // 5 of 15 pairs slow: the median is not moved
  EXPECT_DOUBLE_EQ(r.threshold, 5e9);
  ASSERT_EQ(r.flagged.size(), 5u);
  std::vector<std::pair<int, int>> pairs;
  for (auto i : r.flagged) pairs.emplace_back(figs[i].a, figs[i].b);
  EXPECT_EQ(shared_node(pairs, 6), 4);
}

TEST(FabricFlag, UniformPairsFlagNothing) {
  auto figs = ring_of_pairs(8, 3e9);
  for (std::size_t i = 0; i < figs.size(); ++i) figs[i].value *= 1.0 + 0.01 * double(i % 5);  // noise
  FlagRule rule;
  rule.fraction_of_median = 0.8;
  EXPECT_TRUE(flag_pairs(figs, rule).flagged.empty());
}

TEST(FabricFlag, LatencyFlaggedWhenHigh) {
  auto figs = ring_of_pairs(4, 5e-6);
  figs[0].value = 50e-6;
  FlagRule rule;
  rule.sense = FabricSense::lower_better;
  rule.fraction_of_median = 0.5;  // more than twice the median
  const auto r = flag_pairs(figs, rule);
  EXPECT_DOUBLE_EQ(r.threshold, 10e-6);
  ASSERT_EQ(r.flagged.size(), 1u);
  EXPECT_EQ(r.flagged[0], 0u);
  // An absolute bound tighter than the relative one wins.
  rule.absolute = 4e-6;
  EXPECT_EQ(flag_pairs(figs, rule).flagged.size(), figs.size());
}

TEST(FabricFlag, AbsoluteBandwidthFloor) {
  auto figs = ring_of_pairs(4, 100e6);
  figs[2].value = 2e6;
  FlagRule rule;
  rule.absolute = 20e6;
  const auto r = flag_pairs(figs, rule);
  ASSERT_EQ(r.flagged.size(), 1u);
  EXPECT_EQ(r.flagged[0], 2u);
  EXPECT_DOUBLE_EQ(r.threshold, 20e6);
}

TEST(FabricSharedNode, NamesOnlyAnUnambiguousNode) {
  EXPECT_EQ(shared_node({{0, 2}, {1, 2}, {2, 3}}, 4), 2);
  EXPECT_EQ(shared_node({{2, 0}, {2, 1}}, 4), 2);              // order within a pair does not matter
  EXPECT_EQ(shared_node({{0, 1}, {2, 3}}, 4), std::nullopt);    // two bad links, no common node
  EXPECT_EQ(shared_node({{0, 1}}, 4), std::nullopt);            // one pair: either node
  EXPECT_EQ(shared_node({{0, 1}, {0, 1}}, 4), std::nullopt);    // the same pair twice (rails) is one pair
  EXPECT_EQ(shared_node({{0, 1}}, 2), std::nullopt);            // two nodes: never one node
  EXPECT_EQ(shared_node({}, 4), std::nullopt);
}

json fabric_doc() {
  return json::parse(R"({"transport": "mpi", "nodes": 2, "hosts": ["a", "b"], "rails": 1, "rail_ranks": [[0], [1]],
    "rounds": [[[0, 1]]], "remeasure_below": 0.8,
    "matrices": [{"metric": "bandwidth_uni", "unit": "B/s", "size_bytes": 1024, "rail": 0, "phase": "concurrent",
                  "values": [[null, 1e9], [2e9, null]]}],
    "failed_pairs": [], "remeasured": []})");
}

TEST(FabricInfo, ValidDocumentPasses) { EXPECT_NO_THROW(check_fabric_info(ConfigNode(fabric_doc(), "f.json"), "fabric")); }

TEST(FabricInfo, EveryMetricOfTheTableWithItsUnitPasses) {
  for (const auto& m : kFabricMetrics) {
    auto d = fabric_doc();
    d["matrices"][0]["metric"] = std::string(m.name);
    d["matrices"][0]["unit"] = std::string(m.unit);
    EXPECT_NO_THROW(check_fabric_info(ConfigNode(d, "f.json"), "fabric")) << m.name;
    EXPECT_EQ(find_fabric_metric(m.name), &m);
  }
  EXPECT_EQ(find_fabric_metric("bandwidth"), nullptr);
}

// The median figures are robust to one slow exchange; the means are total over total (IMB's
// basis), which one slow exchange lowers: neither is the arithmetic mean of the rates.
TEST(FabricPairFigures, MedianAndTotalOverTotal) {
  // Windows of 4 bytes in 1, 1 and 4 s: rates 4, 4, 1 B/s; 12 B in 6 s.
  const auto bw = pair_bandwidth({1.0, 4.0, 1.0}, 4.0);
  EXPECT_DOUBLE_EQ(bw.median, 4.0);
  EXPECT_DOUBLE_EQ(bw.mean, 2.0);  // not (4 + 4 + 1) / 3
  // Round trips of 2, 2, 2 and 10 us: half round trips 1, 1, 1, 5; 16 us over 8 half trips.
  const auto lat = pair_latency({2e-6, 10e-6, 2e-6, 2e-6});
  EXPECT_DOUBLE_EQ(lat.median, 1e-6);
  EXPECT_DOUBLE_EQ(lat.mean, 2e-6);
  EXPECT_GT(lat.p99, 4e-6);
  EXPECT_LE(lat.p99, 5e-6);
  // Nothing timed on this side: no figure, not zero.
  EXPECT_TRUE(std::isnan(pair_bandwidth({}, 4.0).mean));
  EXPECT_TRUE(std::isnan(pair_latency({}).median));
}

TEST(FabricInfo, BadDocumentsNameTheKeyPath) {
  auto expect_fail = [](json doc, const std::string& path_part, const std::string& bench = "fabric") {
    try {
      check_fabric_info(ConfigNode(doc, "f.json"), bench);
      ADD_FAILURE() << "accepted: " << doc.dump();
    } catch (const ConfigError& e) {
      EXPECT_NE(e.key_path().find(path_part), std::string::npos) << e.what();
    }
  };
  auto d = fabric_doc();
  d["matrices"][0]["values"][0][1] = -1;
  expect_fail(d, "values[0][1]");
  d = fabric_doc();
  d["matrices"][0]["values"].erase(1);
  expect_fail(d, "values");
  d = fabric_doc();
  d["matrices"][0]["unit"] = "s";
  expect_fail(d, "unit");
  d = fabric_doc();
  d["matrices"][0]["metric"] = "bandwidth";  // not a metric of kFabricMetrics
  expect_fail(d, "matrices[0].metric");
  d = fabric_doc();
  d["matrices"][0]["metric"] = "latency_mean";  // a latency in B/s
  expect_fail(d, "matrices[0].unit");
  d = fabric_doc();
  d["hosts"] = {"a"};
  expect_fail(d, "hosts");
  d = fabric_doc();
  d["rounds"][0][0][1] = 5;
  expect_fail(d, "rounds");
  d = fabric_doc();
  d["matrices"][0]["rail"] = 1;
  expect_fail(d, "rail");
  d = fabric_doc();
  d["surprise"] = 1;
  expect_fail(d, "");
  expect_fail(fabric_doc(), "", "gemm");
}

}  // namespace
}  // namespace capbench

namespace capbench {
namespace {

// Four nodes, node 2's link slow in the concurrent rounds; re-measured alone it stays slow
// for (1, 2) while (0, 1) recovers (it only shared a bottleneck).
json four_node_doc() {
  auto m = [](double fast, double slow) {
    json v = json::array();
    for (int i = 0; i < 4; ++i) {
      json row = json::array();
      for (int j = 0; j < 4; ++j) row.push_back(i == j ? json(nullptr) : json((i == 2 || j == 2) ? slow : fast));
      v.push_back(row);
    }
    return v;
  };
  json alone = json::array();
  for (int i = 0; i < 4; ++i) alone.push_back(json::array({nullptr, nullptr, nullptr, nullptr}));
  alone[0][1] = alone[1][0] = 3e9;
  alone[1][2] = alone[2][1] = 2e6;
  json conc = m(3e9, 2e6);
  conc[0][1] = conc[1][0] = 1e6;  // slow beside others only
  return {{"transport", "mpi"}, {"nodes", 4}, {"hosts", {"n0", "n1", "n2", "n3"}}, {"rails", 1},
          {"rounds", json::array()}, {"remeasure_below", 0.8},
          {"matrices",
           {{{"metric", "bandwidth_uni"}, {"unit", "B/s"}, {"size_bytes", 65536}, {"rail", 0}, {"phase", "concurrent"},
             {"values", conc}},
            {{"metric", "bandwidth_uni"}, {"unit", "B/s"}, {"size_bytes", 65536}, {"rail", 0}, {"phase", "alone"},
             {"values", alone}},
            {{"metric", "latency"}, {"unit", "s"}, {"size_bytes", 8}, {"rail", 0}, {"phase", "concurrent"},
             {"values", m(5e-6, 5e-6)}}}},
          {"failed_pairs", json::array()}, {"remeasured", {{0, 1}, {1, 2}}}};
}

TEST(FabricJudge, AloneFigureDecidesAndTheSharedNodeIsNamed) {
  const json doc = four_node_doc();
  ASSERT_NO_THROW(check_fabric_info(ConfigNode(doc, "f.json"), "fabric"));
  FabricCriteria c;
  c.min_bandwidth = 20e6;
  const auto j = judge_fabric(doc, c);
  ASSERT_FALSE(j.flagged.empty());
  for (const auto& f : j.flagged) {
    EXPECT_TRUE(f.a == 2 || f.b == 2) << f.a << "-" << f.b;  // (0, 1) recovered alone
    EXPECT_EQ(f.metric, "bandwidth_uni");
  }
  EXPECT_EQ(j.flagged.size(), 6u);  // 3 pairs with node 2, both directions
  ASSERT_TRUE(j.shared.has_value());
  EXPECT_EQ(*j.shared, 2);
}

TEST(FabricJudge, NothingFlaggedWithinCriteria) {
  FabricCriteria c;
  c.min_bandwidth = 1e6;
  c.max_latency = 1e-3;
  const auto j = judge_fabric(four_node_doc(), c);
  EXPECT_TRUE(j.flagged.empty());
  EXPECT_FALSE(j.shared.has_value());
  c.max_latency = 1e-6;  // every pair's latency is above 1 us
  EXPECT_EQ(judge_fabric(four_node_doc(), c).flagged.size(), 6u);
}

TEST(FabricJudge, FractionOfMedian) {
  FabricCriteria c;
  c.min_bandwidth_fraction = 0.5;
  const auto j = judge_fabric(four_node_doc(), c);
  EXPECT_EQ(j.flagged.size(), 6u);
  EXPECT_EQ(j.shared, 2);
}

}  // namespace
}  // namespace capbench
