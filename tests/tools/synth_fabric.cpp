#include "tests/tools/synth_fabric.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "common/fabric.hpp"
#include "common/random.hpp"
#include "common/stats.hpp"

namespace capbench {

namespace {

struct PairValues {
  double latency, latency_p99, uni_ab, uni_ba, bidir;
  // Totals over totals, as the benchmark records beside its medians: a few slow exchanges.
  double latency_mean() const { return latency * 1.04; }
  double uni_ab_mean() const { return uni_ab * 0.97; }
  double uni_ba_mean() const { return uni_ba * 0.97; }
  double bidir_mean() const { return bidir * 0.96; }
};

// The pair's figures: a noise of +-3 % from its own seed, the planted faults on top.
PairValues pair_values(const SynthFabricOptions& o, int a, int b, int rail, bool alone) {
  auto noise = [&](std::uint64_t what) {
    const auto h = derive_seed(o.seed, std::uint64_t(a), std::uint64_t(b), std::uint64_t(rail) * 8 + what);
    return 1.0 + 0.06 * (double(h >> 11) / double(1ull << 53) - 0.5);
  };
  PairValues v{2.0e-6 * noise(0), 3.1e-6 * noise(1), 20e9 * noise(2), 20e9 * noise(3), 36e9 * noise(4)};
  double bw = 1.0;
  if (a == o.slow_node || b == o.slow_node) bw = o.slow_factor;
  if (!alone && std::minmax(a, b) == std::minmax(o.bottleneck.first, o.bottleneck.second)) bw = 0.5;
  v.uni_ab *= bw;
  v.uni_ba *= bw;
  v.bidir *= bw;
  v.latency /= bw;
  v.latency_p99 /= bw;
  return v;
}

Metric pooled_metric(const char* name, const char* unit, std::int64_t size, const Summary& s,
                     std::vector<double> samples) {
  Metric m;
  m.name = name;
  m.unit = unit;
  m.labels = {{"size_bytes", size}};
  m.stats = samples.empty() ? s : summarize(samples);
  m.samples = std::move(samples);
  return m;
}

void add_alone(json& pairs, const SynthFabricOptions& o, int a, int b, int k) {
  const auto v = pair_values(o, a, b, k, true);
  auto entry = [&](int x, int y, const char* metric, std::int64_t size, double value) {
    append_fabric_pair(pairs, x, y, k, metric, size, "alone", value);
  };
  entry(a, b, "latency", o.latency_size, v.latency);
  entry(a, b, "latency_p99", o.latency_size, v.latency_p99);
  entry(a, b, "latency_mean", o.latency_size, v.latency_mean());
  entry(a, b, "bandwidth_uni", o.bandwidth_size, v.uni_ab);
  entry(b, a, "bandwidth_uni", o.bandwidth_size, v.uni_ba);
  entry(a, b, "bandwidth_uni_mean", o.bandwidth_size, v.uni_ab_mean());
  entry(b, a, "bandwidth_uni_mean", o.bandwidth_size, v.uni_ba_mean());
  entry(a, b, "bandwidth_bidir", o.bandwidth_size, v.bidir);
  entry(a, b, "bandwidth_bidir_mean", o.bandwidth_size, v.bidir_mean());
}

// One rail's seven N x N matrices of one phase, as the benchmark writes them.
class PairMatrices {
 public:
  explicit PairMatrices(std::size_t n) {
    for (auto& m : m_) m = json(std::vector<json>(n, json(std::vector<std::nullptr_t>(n, nullptr))));
  }
  void set(int a, int b, const PairValues& v) {
    both(kLatency, a, b, v.latency);
    both(kLatencyP99, a, b, v.latency_p99);
    both(kLatencyMean, a, b, v.latency_mean());
    one(kUni, a, b, v.uni_ab);
    one(kUni, b, a, v.uni_ba);
    one(kUniMean, a, b, v.uni_ab_mean());
    one(kUniMean, b, a, v.uni_ba_mean());
    both(kBidir, a, b, v.bidir);
    both(kBidirMean, a, b, v.bidir_mean());
  }
  // Once: the matrices move into the results.
  void append_to(json& matrices, const SynthFabricOptions& o, int rail, const char* phase) {
    const std::tuple<const char*, const char*, std::int64_t> what[kCount] = {
        {"latency", "s", o.latency_size},
        {"latency_p99", "s", o.latency_size},
        {"latency_mean", "s", o.latency_size},
        {"bandwidth_uni", "B/s", o.bandwidth_size},
        {"bandwidth_uni_mean", "B/s", o.bandwidth_size},
        {"bandwidth_bidir", "B/s", o.bandwidth_size},
        {"bandwidth_bidir_mean", "B/s", o.bandwidth_size}};
    for (std::size_t i = 0; i < kCount; ++i)
      matrices.push_back({{"metric", std::get<0>(what[i])}, {"unit", std::get<1>(what[i])},
                          {"size_bytes", std::get<2>(what[i])}, {"rail", rail}, {"phase", phase},
                          {"values", std::move(m_[i])}});
  }

 private:
  enum : std::size_t { kLatency, kLatencyP99, kLatencyMean, kUni, kUniMean, kBidir, kBidirMean, kCount };
  void one(std::size_t m, int from, int to, double value) { m_[m][std::size_t(from)][std::size_t(to)] = value; }
  void both(std::size_t m, int a, int b, double value) {
    one(m, a, b, value);
    one(m, b, a, value);
  }
  json m_[kCount];
};

// The full form: every figure in N x N matrices, short pairs by the re-measure rule.
void full_form(const SynthFabricOptions& o, json& f, SynthFabric& out) {
  const int n = o.nodes;
  const auto nn = std::size_t(n);
  std::vector<double> lat, p99, uni, bidir;
  struct Cell {
    int a, b, k;
  };
  std::vector<Cell> cells;
  json matrices = json::array();
  for (int k = 0; k < o.rails; ++k) {
    PairMatrices concurrent(nn);
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b) {
        const auto v = pair_values(o, a, b, k, false);
        concurrent.set(a, b, v);
        lat.push_back(v.latency);
        p99.push_back(v.latency_p99);
        uni.push_back(v.uni_ab);
        uni.push_back(v.uni_ba);
        bidir.push_back(v.bidir);
        cells.push_back({a, b, k});
      }
    concurrent.append_to(matrices, o, k, "concurrent");
  }
  // The benchmark's re-measure rule: latency on its own, both bandwidths under one median.
  std::set<std::pair<int, int>> again;
  if (n > 2) {
    const double lat_bound = median(lat) / o.remeasure_below;
    std::vector<double> bw = uni;
    bw.insert(bw.end(), bidir.begin(), bidir.end());
    const double bw_bound = median(bw) * o.remeasure_below;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (lat[i] > lat_bound || uni[2 * i] < bw_bound || uni[2 * i + 1] < bw_bound || bidir[i] < bw_bound)
        again.insert({cells[i].a, cells[i].b});
  }
  for (int k = 0; k < o.rails && !again.empty(); ++k) {
    PairMatrices alone(nn);
    for (const auto& [a, b] : again) alone.set(a, b, pair_values(o, a, b, k, true));
    alone.append_to(matrices, o, k, "alone");
  }
  json rounds = json::array();
  for (const auto& r : circle_schedule(n)) {
    json pairs = json::array();
    for (const auto& [a, b] : r) pairs.push_back({a, b});
    rounds.push_back(std::move(pairs));
  }
  f["rounds"] = std::move(rounds);
  f["matrices"] = std::move(matrices);
  json remeasured = json::array();
  for (const auto& [a, b] : again) remeasured.push_back({a, b});
  f["remeasured"] = std::move(remeasured);
  out.metrics = {pooled_metric("pair_latency", "s", o.latency_size, {}, lat),
                 pooled_metric("pair_latency_p99", "s", o.latency_size, {}, p99),
                 pooled_metric("pair_bandwidth_uni", "B/s", o.bandwidth_size, {}, uni),
                 pooled_metric("pair_bandwidth_bidir", "B/s", o.bandwidth_size, {}, bidir)};
}

// The bounded form, streamed round by round as the benchmark does.
void bounded_form(const SynthFabricOptions& o, json& f, SynthFabric& out) {
  FabricSummaryBuilder b(o.nodes, o.remeasure_below);
  struct Figures {
    std::size_t lat, p99, lat_mean, uni, uni_mean, bidir, bidir_mean;
  };
  std::vector<Figures> fig;
  for (int k = 0; k < o.rails; ++k)
    fig.push_back({b.figure("latency", "s", o.latency_size, k, "latency"),
                   b.figure("latency_p99", "s", o.latency_size, k, ""),
                   b.figure("latency_mean", "s", o.latency_size, k, ""),
                   b.figure("bandwidth_uni", "B/s", o.bandwidth_size, k, "bandwidth"),
                   b.figure("bandwidth_uni_mean", "B/s", o.bandwidth_size, k, ""),
                   b.figure("bandwidth_bidir", "B/s", o.bandwidth_size, k, "bandwidth"),
                   b.figure("bandwidth_bidir_mean", "B/s", o.bandwidth_size, k, "")});
  const int rounds = circle_round_count(o.nodes);
  for (int r = 0; r < rounds; ++r) {
    for (const auto& [x, y] : circle_round(o.nodes, r))
      for (int k = 0; k < o.rails; ++k) {
        const auto v = pair_values(o, x, y, k, false);
        const auto& g = fig[std::size_t(k)];
        b.add(g.lat, x, y, v.latency);
        b.add(g.p99, x, y, v.latency_p99);
        b.add(g.lat_mean, x, y, v.latency_mean());
        b.add(g.uni, x, y, v.uni_ab);
        b.add(g.uni, y, x, v.uni_ba);
        b.add(g.uni_mean, x, y, v.uni_ab_mean());
        b.add(g.uni_mean, y, x, v.uni_ba_mean());
        b.add(g.bidir, x, y, v.bidir);
        b.add(g.bidir_mean, x, y, v.bidir_mean());
      }
    b.end_round();
  }
  const auto again = o.nodes > 2 ? b.short_pairs() : std::vector<std::pair<int, int>>{};
  f["form"] = "summary";
  f["full_matrix_up_to"] = o.full_matrix_up_to;
  f["schedule"] = {{"name", "circle"}, {"nodes", o.nodes}, {"rounds", rounds}};
  json pairs = empty_fabric_pairs();
  for (const auto& [x, y] : again)
    for (int k = 0; k < o.rails; ++k) add_alone(pairs, o, x, y, k);
  f["pairs"] = std::move(pairs);
  b.write(f, again);
  json remeasured = json::array();
  for (const auto& [x, y] : again) remeasured.push_back({x, y});
  f["remeasured"] = std::move(remeasured);
  for (auto [name, metric, unit, size] :
       {std::tuple{"pair_latency", "latency", "s", o.latency_size},
        std::tuple{"pair_latency_p99", "latency_p99", "s", o.latency_size},
        std::tuple{"pair_bandwidth_uni", "bandwidth_uni", "B/s", o.bandwidth_size},
        std::tuple{"pair_bandwidth_bidir", "bandwidth_bidir", "B/s", o.bandwidth_size}})
    out.metrics.push_back(pooled_metric(name, unit, size, b.pooled(metric, size), {}));
}

}  // namespace

SynthFabric synthesize_fabric(const SynthFabricOptions& o) {
  if (o.nodes < 2 || o.rails < 1) throw std::invalid_argument("a synthetic fabric needs 2 nodes and 1 rail");
  SynthFabric out;
  json f = {{"transport", "nccl"}, {"nodes", o.nodes}, {"rails", o.rails}, {"remeasure_below", o.remeasure_below}};
  json hosts = json::array(), rail_ranks = json::array();
  for (int n = 0; n < o.nodes; ++n) {
    hosts.push_back(fmt::format("node{:04}", n + 1));
    json ranks = json::array();
    for (int k = 0; k < o.rails; ++k) ranks.push_back(n * o.rails + k);
    rail_ranks.push_back(std::move(ranks));
  }
  f["hosts"] = std::move(hosts);
  f["rail_ranks"] = std::move(rail_ranks);
  if (o.nodes > o.full_matrix_up_to) bounded_form(o, f, out);
  else full_form(o, f, out);
  f["failed_pairs"] = json::array();
  write_fabric_own_reading(f, o.remeasure_below);  // as the benchmark writes it
  out.info = {{"fabric", std::move(f)}};
  return out;
}

}  // namespace capbench
