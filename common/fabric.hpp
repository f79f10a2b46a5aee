#pragma once
// The fabric benchmark's pure logic, shared by the benchmark (bench/fabric) and the reports:
// the all-pairs schedule, the payload seeds, the robust flagging of short pairs and the node
// the flagged pairs share. No MPI, no device: unit-tested anywhere (tests/common/fabric_test.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

// One round of the all-pairs schedule: node pairs (a < b) that run at the same time.
using FabricRound = std::vector<std::pair<int, int>>;

// The round-robin ("circle") schedule over n nodes: every pair exactly once, in n-1 rounds
// for even n and n rounds for odd n (one node idles per round), no node twice in a round.
std::vector<FabricRound> circle_schedule(int nodes);
// The same schedule one round at a time (no O(nodes^2) list): its round count and round r.
int circle_round_count(int nodes);
FabricRound circle_round(int nodes, int r);

// The partner of `node` in `round`, or -1 when it idles there.
int partner_in_round(const FabricRound& round, int node);

// Seed of the payload of message `iteration` from world rank `sender` to `receiver`: the
// receiver regenerates it and compares every word (kernels/pattern.hpp's pattern_word).
std::uint64_t fabric_message_seed(std::uint64_t case_seed, int sender, int receiver, std::int64_t iteration);

// One measured figure of one node pair on one rail (a directed pair for one-way metrics).
struct PairFigure {
  int a = 0, b = 0;  // nodes; a sends for a directed metric
  int rail = 0;
  double value = 0;
};

// How a metric is judged: bandwidth is short when low, latency when high.
enum class FabricSense { higher_better, lower_better };

// The per-pair figures a fabric case records (info.fabric, docs/results-schema.md). The median
// figures are what pairs are flagged and judged by (one slow window does not move them); the
// `_mean` figures are total bytes over total time (latency: total time over the round trips),
// the basis of IMB and of most peers, so that a pair can be set beside them like for like.
struct FabricMetricInfo {
  std::string_view name, unit;
  FabricSense sense;
  bool directed;  // a one-way figure: values[a][b] is a sending to b
  std::string_view basis;
};
inline constexpr FabricMetricInfo kFabricMetrics[] = {
    {"latency", "s", FabricSense::lower_better, false, "median half round trip"},
    {"latency_p99", "s", FabricSense::lower_better, false, "99th percentile half round trip"},
    {"latency_mean", "s", FabricSense::lower_better, false, "total time of the round trips / (2 x round trips)"},
    {"bandwidth_uni", "B/s", FabricSense::higher_better, true, "median window, one way"},
    {"bandwidth_uni_mean", "B/s", FabricSense::higher_better, true, "total bytes / total time of the windows, one way"},
    {"bandwidth_bidir", "B/s", FabricSense::higher_better, false, "median window, both ways at once"},
    {"bandwidth_bidir_mean", "B/s", FabricSense::higher_better, false,
     "total bytes / total time of the windows, both ways at once"},
};

// The table's entry of `metric`, or nullptr.
const FabricMetricInfo* find_fabric_metric(std::string_view metric);

// A pair's figures from its timed exchanges (NaN where there were none): from the seconds of
// each round trip, the median, 99th percentile and mean half round trip; from the seconds of
// each window, the median window's rate and the total bytes over the total time.
struct PairLatency {
  double median, p99, mean;
};
PairLatency pair_latency(const std::vector<double>& round_trip_seconds);
struct PairBandwidth {
  double median, mean;
};
PairBandwidth pair_bandwidth(const std::vector<double>& window_seconds, double bytes_per_window);

// Robust flagging: a pair falls short when its value is beyond `fraction` of the median pair
// (value < fraction x median for bandwidth, value > median / fraction for latency) or beyond
// an absolute bound (min for bandwidth, max for latency) where one is given. The median is
// over every pair of the same metric, so one bad link cannot move it.
struct FlagRule {
  FabricSense sense = FabricSense::higher_better;
  std::optional<double> fraction_of_median;  // in (0, 1]
  std::optional<double> absolute;            // base units
};

struct FlagResult {
  double median = 0;     // of every pair's value
  double threshold = 0;  // the bound applied (the stricter of the two rules)
  std::vector<std::size_t> flagged;  // indices into the figures, in their order
};

FlagResult flag_pairs(const std::vector<PairFigure>& figures, const FlagRule& rule);

// The node every flagged pair has in common, when exactly one node is shared by all of them
// and the flagged pairs are not every pair of a node count where that is meaningless (two
// nodes: one pair names no one node). nullopt otherwise.
std::optional<int> shared_node(const std::vector<std::pair<int, int>>& flagged_pairs, int nodes);

// ---- the matrices in a results file (cases[].info.fabric, docs/results-schema.md) ----

// Checks cases[].info.fabric strictly: shapes, hosts, matrices N x N of finite
// non-negative numbers or null. Throws ConfigError naming the file and key path.
void check_fabric_info(const ConfigNode& fabric, const std::string& benchmark);

// A metric name, checked against kFabricMetrics; and an object's `metric`, `unit` (the metric's
// own) and `size_bytes`. Throw ConfigError naming the key path.
const FabricMetricInfo& checked_fabric_metric_name(const ConfigNode& name);
const FabricMetricInfo& checked_fabric_metric(const ConfigNode& object);

}  // namespace capbench

namespace capbench {

// ---- judging the matrices (reports, tests) ----

// What a pair must reach: bandwidth (one way and both ways, largest size measured) at least
// a fraction of the median pair and/or an absolute floor; latency (smallest size) at most a bound.
struct FabricCriteria {
  std::optional<double> min_bandwidth_fraction;  // of the median pair, in (0, 1]
  std::optional<double> min_bandwidth;           // B/s
  std::optional<double> max_latency;             // s
};

struct FabricFlag {
  int a = 0, b = 0, rail = 0;  // nodes (a sends, for bandwidth_uni)
  std::string metric, unit, phase;  // phase of the figure judged: alone where re-measured
  std::int64_t size_bytes = 0;
  double value = 0, threshold = 0;
};

// A node of the bounded form whose worst pair is beyond the bound while none of its pairs is
// listed (the bound is stricter than the re-measure rule the list was kept by).
struct FabricNodeFlag {
  int node = 0, rail = 0;
  std::string metric, unit;
  std::int64_t size_bytes = 0;
  double value = 0, threshold = 0;  // the node's worst pair
};

struct FabricJudgement {
  int nodes = 0, rails = 0;
  std::vector<std::string> hosts;
  std::vector<FabricFlag> flagged;
  std::vector<std::string> checked;  // "bandwidth_uni @ 4194304 B: median pair 3.2e9 B/s, threshold ..." lines
  std::optional<int> shared;         // the node every flagged pair has in common
  int failed_pairs = 0;
  std::vector<FabricNodeFlag> node_flags;  // bounded form only (common/fabric_summary.hpp)
};

// What judge_fabric judges, from the criteria: bandwidth one way and both ways at the largest
// size measured (a fraction of the median pair and/or a floor), latency at the smallest (a bound).
struct FabricJudgedFigure {
  const char* metric;
  bool largest_size;
  FlagRule rule;
};
std::vector<FabricJudgedFigure> fabric_judged_figures(const FabricCriteria& c);

// Each pair's figure is the one measured alone where the pair was re-measured, else the one
// measured with its round: a pair slow only beside others shared a bottleneck, not a bad link.
// Reads either form: full matrices, or the bounded form above full_matrix_up_to nodes.
FabricJudgement judge_fabric(const json& fabric, const FabricCriteria& c);

// The benchmark's own reading, by its re-measure rule (the pairs below remeasure_below of the
// median pair): writes "short_pairs" (each flagged pair once, lower node first) and
// "shared_node" (the host every short pair has in common, else null). Reports judge again by
// the criteria's thresholds.
void write_fabric_own_reading(json& fabric, double remeasure_below);

}  // namespace capbench
