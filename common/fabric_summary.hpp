#pragma once
// The fabric case above kFabricFullMatrixNodes nodes, in bounded form: per node the lowest,
// median and highest of its pairs and how many were measured (per metric, size, rail), every
// short or failed pair with its value, the schedule named instead of listed. Built while the
// rounds stream in: O(nodes) per figure plus the short pairs, never an N x N matrix
// (docs/results-schema.md, "bounded form"; docs/performance.md, "Plan for 100,000 ranks").
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/config_node.hpp"
#include "common/fabric.hpp"
#include "common/stats.hpp"

namespace capbench {

// Up to this many nodes a fabric case stores full node x node matrices; above it the bounded
// form. The suite's fabric entry may lower or raise it (`full_matrix_up_to`).
inline constexpr int kFabricFullMatrixNodes = 256;

// While streaming, a pair is kept as a candidate short pair when it is beyond the re-measure
// bound by the running median widened by this factor; the final median then decides.
inline constexpr double kFabricCandidateMargin = 1.1;

// Per node and figure, its this many worst pairs are kept while streaming, so that the worst
// pair not measured again alone is known once the re-measured pairs are (judge_fabric needs it
// when a criterion is stricter than the re-measure rule the pairs were listed by).
inline constexpr int kFabricWorstKept = 4;

// Counts of positive values in logarithmic bins, `per_decade` bins per factor of ten, stored
// sparsely (only the bins that hold a value). Quantiles are the geometric middle of the bin
// that holds the rank: within a factor 10^(0.5 / per_decade) of the exact value.
class LogBins {
 public:
  explicit LogBins(int per_decade) : per_decade_(per_decade) {}
  void add(double v);
  void merge(const LogBins& other);
  std::uint64_t count() const { return n_; }
  double quantile(double q) const;  // q in [0, 1]; 0 when empty
  double mad(double centre) const;  // median of |x - centre|, from the bins' middles
  std::size_t bins() const { return bins_.size(); }

 private:
  int bin_of(double v) const;
  double middle(int bin) const;
  int per_decade_;
  std::uint64_t n_ = 0, zeros_ = 0;
  std::vector<std::pair<std::int32_t, std::uint64_t>> bins_;  // sorted by bin
};

// Streaming nine-number statistics: n, mean, stddev, min, max exact; median, p05, p95 and MAD
// from fine bins (relative error below 1.2e-4).
class StreamingSummary {
 public:
  void add(double v);
  void merge(const StreamingSummary& other);
  Summary summary() const;
  const LogBins& bins() const { return bins_; }

 private:
  LogBins bins_{10000};
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0, min_ = 0, max_ = 0;
};

// Builds the bounded form from the pairs of each round as they are measured.
class FabricSummaryBuilder {
 public:
  // `remeasure_below`: the benchmark's re-measure fraction of the median pair.
  FabricSummaryBuilder(int nodes, double remeasure_below) : nodes_(nodes), remeasure_below_(remeasure_below) {}

  // Registers one figure (metric at one size on one rail); returns its index. Figures of the
  // same `short_group` and size share one median for the re-measure rule (empty: not used).
  std::size_t figure(const std::string& metric, const std::string& unit, std::int64_t size_bytes, int rail,
                     const std::string& short_group);
  // One pair's figure (a sends for a directed metric); NaN ignored.
  void add(std::size_t figure, int a, int b, double value);
  // Called after each round: the candidates are pruned by the running medians.
  void end_round();

  // Node pairs (a < b) short by the re-measure rule on any figure, sorted, each once.
  std::vector<std::pair<int, int>> short_pairs() const;
  // The statistics over every rail (and direction) of one metric at one size; n = 0 if none.
  Summary pooled(const std::string& metric, std::int64_t size_bytes) const;
  // info.fabric's "summaries" and "pooled", and the concurrent figures of the short pairs
  // ("pairs", phase concurrent); the caller adds the pairs measured again alone (`remeasured`).
  void write(json& fabric, const std::vector<std::pair<int, int>>& remeasured) const;

 private:
  struct Group {
    FabricSense sense = FabricSense::higher_better;
    StreamingSummary all;
    double keep_bound = 0;  // 0: keep everything (before the first round ends)
    std::vector<std::pair<std::size_t, PairFigure>> candidates;  // figure index, pair
  };
  struct Figure {
    std::string metric, unit;
    FabricSense sense = FabricSense::higher_better;
    std::int64_t size_bytes = 0;
    int rail = 0;
    int group = -1;
    StreamingSummary all;
    std::vector<std::uint32_t> count;
    std::vector<double> lowest, highest;
    std::vector<LogBins> per_node;
    std::vector<std::vector<std::pair<double, int>>> worst;  // per node: its worst pairs (value, partner)
  };
  bool beyond(const Group& g, double value, double bound) const;
  double short_bound(const Group& g) const;
  int nodes_;
  double remeasure_below_;
  std::vector<Figure> figures_;
  std::vector<Group> groups_;
  std::vector<std::pair<std::string, std::int64_t>> group_keys_;
};

// info.fabric.pairs of the bounded form, column by column (one array per field, the same
// length): a list of objects would take several times the memory in a reader's DOM.
inline const char* const kFabricPairColumns[] = {"a", "b", "rail", "metric", "size_bytes", "phase", "value"};
json empty_fabric_pairs();
void append_fabric_pair(json& pairs, int a, int b, int rail, const std::string& metric, std::int64_t size_bytes,
                        const std::string& phase, double value);

// The metric's sense: latency is short when high, bandwidth when low.
FabricSense fabric_metric_sense(const std::string& metric);

// Checks the bounded form's keys of cases[].info.fabric (called by check_fabric_info when
// `form` is "summary"). Throws ConfigError naming the file and key path.
void check_fabric_summary(const ConfigNode& fabric, int nodes, int rails);

// judge_fabric's reading of the bounded form (same verdicts as on the full form's data).
FabricJudgement judge_fabric_summary(const json& fabric, const FabricCriteria& c);

// Per node, over its rails: the lowest (bandwidth) or highest (latency) of its pairs as a
// fraction of the median pair (1 = at the median, lower = worse), for the heat map; NaN where
// none was measured. Also the pooled median and the size drawn (0: the metric is absent).
struct FabricNodeWorst {
  std::int64_t size_bytes = 0;
  double median = 0;
  std::vector<double> fraction, worst, node_median;  // by node
};
FabricNodeWorst fabric_node_worst(const json& fabric, const std::string& metric);

}  // namespace capbench
