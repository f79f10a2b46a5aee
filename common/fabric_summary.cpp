#include "common/fabric_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace capbench {

// ---- LogBins ----

int LogBins::bin_of(double v) const { return static_cast<int>(std::floor(std::log10(v) * per_decade_)); }

double LogBins::middle(int bin) const { return std::pow(10.0, (bin + 0.5) / per_decade_); }

void LogBins::add(double v) {
  ++n_;
  if (!(v > 0)) {
    ++zeros_;
    return;
  }
  const std::int32_t b = bin_of(v);
  auto it = std::lower_bound(bins_.begin(), bins_.end(), b, [](const auto& e, std::int32_t k) { return e.first < k; });
  if (it != bins_.end() && it->first == b) ++it->second;
  else bins_.insert(it, {b, 1});
}

void LogBins::merge(const LogBins& o) {
  n_ += o.n_;
  zeros_ += o.zeros_;
  std::vector<std::pair<std::int32_t, std::uint64_t>> out;
  out.reserve(bins_.size() + o.bins_.size());
  std::size_t i = 0, j = 0;
  while (i < bins_.size() || j < o.bins_.size()) {
    if (j == o.bins_.size() || (i < bins_.size() && bins_[i].first < o.bins_[j].first)) out.push_back(bins_[i++]);
    else if (i == bins_.size() || o.bins_[j].first < bins_[i].first) out.push_back(o.bins_[j++]);
    else {
      out.emplace_back(bins_[i].first, bins_[i].second + o.bins_[j].second);
      ++i;
      ++j;
    }
  }
  bins_ = std::move(out);
}

double LogBins::quantile(double q) const {
  if (n_ == 0) return 0;
  const double pos = std::clamp(q, 0.0, 1.0) * double(n_ - 1);
  const auto lo = static_cast<std::uint64_t>(std::floor(pos)), hi = static_cast<std::uint64_t>(std::ceil(pos));
  auto at = [&](std::uint64_t k) {
    if (k < zeros_) return 0.0;
    std::uint64_t seen = zeros_;
    for (const auto& [b, c] : bins_) {
      seen += c;
      if (k < seen) return middle(b);
    }
    return middle(bins_.back().first);
  };
  const double a = at(lo), b = at(hi);
  return a + (b - a) * (pos - double(lo));
}

double LogBins::mad(double centre) const {
  if (n_ == 0) return 0;
  std::vector<std::pair<double, std::uint64_t>> d;
  d.reserve(bins_.size() + 1);
  if (zeros_) d.emplace_back(std::abs(centre), zeros_);
  for (const auto& [b, c] : bins_) d.emplace_back(std::abs(middle(b) - centre), c);
  std::sort(d.begin(), d.end());
  const std::uint64_t k = (n_ - 1) / 2;
  std::uint64_t seen = 0;
  for (const auto& [dist, c] : d) {
    seen += c;
    if (k < seen) return dist;
  }
  return d.back().first;
}

// ---- StreamingSummary ----

void StreamingSummary::add(double v) {
  bins_.add(v);
  ++n_;
  if (n_ == 1) min_ = max_ = v;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  const double delta = v - mean_;
  mean_ += delta / double(n_);
  m2_ += delta * (v - mean_);
}

void StreamingSummary::merge(const StreamingSummary& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  bins_.merge(o.bins_);
  const double n = double(n_ + o.n_), delta = o.mean_ - mean_;
  m2_ += o.m2_ + delta * delta * double(n_) * double(o.n_) / n;
  mean_ += delta * double(o.n_) / n;
  n_ += o.n_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

Summary StreamingSummary::summary() const {
  Summary s;
  s.n = n_;
  if (n_ == 0) return s;
  s.min = min_;
  s.max = max_;
  s.mean = mean_;
  s.stddev = n_ > 1 ? std::sqrt(m2_ / double(n_ - 1)) : 0.0;
  auto clamp = [&](double x) { return std::clamp(x, min_, max_); };
  s.median = clamp(bins_.quantile(0.5));
  s.p05 = clamp(bins_.quantile(0.05));
  s.p95 = clamp(bins_.quantile(0.95));
  s.mad = bins_.mad(s.median);
  return s;
}

// ---- FabricSummaryBuilder ----

json empty_fabric_pairs() {
  json p = json::object();
  for (const char* c : kFabricPairColumns) p[c] = json::array();
  return p;
}

void append_fabric_pair(json& p, int a, int b, int rail, const std::string& metric, std::int64_t size_bytes,
                        const std::string& phase, double value) {
  p["a"].push_back(a);
  p["b"].push_back(b);
  p["rail"].push_back(rail);
  p["metric"].push_back(metric);
  p["size_bytes"].push_back(size_bytes);
  p["phase"].push_back(phase);
  p["value"].push_back(value);
}

FabricSense fabric_metric_sense(const std::string& metric) {
  const auto* m = find_fabric_metric(metric);
  return m ? m->sense : FabricSense::higher_better;
}

std::size_t FabricSummaryBuilder::figure(const std::string& metric, const std::string& unit, std::int64_t size_bytes,
                                         int rail, const std::string& short_group) {
  Figure f;
  f.metric = metric;
  f.sense = fabric_metric_sense(metric);
  f.unit = unit;
  f.size_bytes = size_bytes;
  f.rail = rail;
  const auto n = static_cast<std::size_t>(nodes_);
  f.count.assign(n, 0);
  f.lowest.assign(n, std::numeric_limits<double>::quiet_NaN());
  f.highest = f.lowest;
  f.per_node.assign(n, LogBins(100));
  f.worst.assign(n, {});
  if (!short_group.empty()) {
    const std::pair<std::string, std::int64_t> key{short_group, size_bytes};
    auto it = std::find(group_keys_.begin(), group_keys_.end(), key);
    if (it == group_keys_.end()) {
      group_keys_.push_back(key);
      Group g;
      g.sense = f.sense;
      groups_.push_back(std::move(g));
      it = group_keys_.end() - 1;
    }
    f.group = static_cast<int>(it - group_keys_.begin());
  }
  figures_.push_back(std::move(f));
  return figures_.size() - 1;
}

bool FabricSummaryBuilder::beyond(const Group& g, double value, double bound) const {
  return g.sense == FabricSense::higher_better ? value < bound : value > bound;
}

double FabricSummaryBuilder::short_bound(const Group& g) const {
  const double m = g.all.summary().median;
  return g.sense == FabricSense::higher_better ? m * remeasure_below_ : m / remeasure_below_;
}

void FabricSummaryBuilder::add(std::size_t fi, int a, int b, double v) {
  if (!std::isfinite(v)) return;
  Figure& f = figures_.at(fi);
  f.all.add(v);
  const bool higher = f.sense == FabricSense::higher_better;
  for (const int n : {a, b}) {
    const auto k = static_cast<std::size_t>(n);
    auto& w = f.worst[k];
    const std::pair<double, int> e{v, n == a ? b : a};
    const auto at = std::find_if(w.begin(), w.end(), [&](const auto& x) { return higher ? v < x.first : v > x.first; });
    if (w.size() < std::size_t(kFabricWorstKept) || at != w.end()) {
      w.insert(at, e);
      if (w.size() > std::size_t(kFabricWorstKept)) w.pop_back();
    }
    ++f.count[k];
    f.lowest[k] = std::isnan(f.lowest[k]) ? v : std::min(f.lowest[k], v);
    f.highest[k] = std::isnan(f.highest[k]) ? v : std::max(f.highest[k], v);
    f.per_node[k].add(v);
  }
  if (f.group < 0) return;
  Group& g = groups_[static_cast<std::size_t>(f.group)];
  g.all.add(v);
  if (g.keep_bound == 0 || beyond(g, v, g.keep_bound)) g.candidates.push_back({fi, PairFigure{a, b, f.rail, v}});
}

void FabricSummaryBuilder::end_round() {
  for (auto& g : groups_) {
    const double m = g.all.summary().median;
    if (!(m > 0)) continue;
    g.keep_bound = g.sense == FabricSense::higher_better ? m * remeasure_below_ * kFabricCandidateMargin
                                                         : m / (remeasure_below_ * kFabricCandidateMargin);
    std::erase_if(g.candidates, [&](const auto& c) { return !beyond(g, c.second.value, g.keep_bound); });
  }
}

std::vector<std::pair<int, int>> FabricSummaryBuilder::short_pairs() const {
  std::set<std::pair<int, int>> out;
  for (const auto& g : groups_) {
    const double bound = short_bound(g);
    for (const auto& [fi, p] : g.candidates)
      if (beyond(g, p.value, bound)) out.insert({std::min(p.a, p.b), std::max(p.a, p.b)});
  }
  return {out.begin(), out.end()};
}

Summary FabricSummaryBuilder::pooled(const std::string& metric, std::int64_t size_bytes) const {
  StreamingSummary s;
  for (const auto& f : figures_)
    if (f.metric == metric && f.size_bytes == size_bytes) s.merge(f.all);
  return s.summary();
}

void FabricSummaryBuilder::write(json& fabric, const std::vector<std::pair<int, int>>& remeasured) const {
  const std::set<std::pair<int, int>> again(remeasured.begin(), remeasured.end());
  json summaries = json::array(), pooled_json = json::array();
  if (!fabric.contains("pairs")) fabric["pairs"] = empty_fabric_pairs();
  json& pairs = fabric["pairs"];
  std::set<std::pair<std::string, std::int64_t>> pooled_done;
  for (const auto& f : figures_) {
    if (f.all.bins().count() == 0) continue;
    json lowest = json::array(), med = json::array(), highest = json::array(), kept = json::array();
    for (std::size_t n = 0; n < f.count.size(); ++n) {
      // The worst pair not measured again: the first of the kept worst pairs not re-measured;
      // where all were, the last of them bounds it (no pair of this node is worse).
      json worst_kept = nullptr;
      for (const auto& [v, partner] : f.worst[n])
        if (!again.count({std::min(int(n), partner), std::max(int(n), partner)})) {
          worst_kept = v;
          break;
        }
      if (worst_kept.is_null() && f.worst[n].size() == std::size_t(kFabricWorstKept) &&
          f.count[n] > std::uint32_t(kFabricWorstKept))
        worst_kept = f.worst[n].back().first;
      kept.push_back(std::move(worst_kept));
      if (f.count[n] == 0) {
        lowest.push_back(nullptr);
        med.push_back(nullptr);
        highest.push_back(nullptr);
        continue;
      }
      lowest.push_back(f.lowest[n]);
      med.push_back(std::clamp(f.per_node[n].quantile(0.5), f.lowest[n], f.highest[n]));
      highest.push_back(f.highest[n]);
    }
    json s = {{"metric", f.metric}, {"unit", f.unit}, {"size_bytes", f.size_bytes}, {"rail", f.rail},
              {"phase", "concurrent"}, {"pairs", f.all.summary().n}, {"median_pair", f.all.summary().median}};
    s["list_bound"] = f.group >= 0 ? json(short_bound(groups_[std::size_t(f.group)])) : json(nullptr);
    s["lowest"] = std::move(lowest);
    s["median"] = std::move(med);
    s["highest"] = std::move(highest);
    s["count"] = f.count;
    s["worst_not_remeasured"] = std::move(kept);
    summaries.push_back(std::move(s));
    if (pooled_done.insert({f.metric, f.size_bytes}).second) {
      const auto p = pooled(f.metric, f.size_bytes);
      pooled_json.push_back({{"metric", f.metric}, {"unit", f.unit}, {"size_bytes", f.size_bytes}, {"pairs", p.n},
                             {"median", p.median}});
    }
  }
  for (const auto& g : groups_) {
    const double bound = short_bound(g);
    for (const auto& [fi, p] : g.candidates) {
      if (!beyond(g, p.value, bound)) continue;
      const auto& f = figures_[fi];
      append_fabric_pair(pairs, p.a, p.b, p.rail, f.metric, f.size_bytes, "concurrent", p.value);
    }
  }
  fabric["summaries"] = std::move(summaries);
  fabric["pooled"] = std::move(pooled_json);
}

// ---- the checker ----

namespace {

int node_index(const ConfigNode& n, int nodes) {
  const auto v = n.as_non_negative_int();
  if (v >= nodes) n.fail(fmt::format("a node index below {} (fabric.nodes)", nodes));
  return static_cast<int>(v);
}

double non_negative(const ConfigNode& n) {
  const double x = n.as_number();
  if (!std::isfinite(x) || x < 0) n.fail("a finite non-negative number");
  return x;
}

void check_node_summaries(const ConfigNode& s, int nodes, const FabricMetricInfo& metric, std::int64_t pairs) {
  const std::int64_t per_node = (nodes - 1) * (metric.directed ? 2 : 1);
  for (const char* key : {"lowest", "median", "highest", "count"})
    if (s.at(key).size() != static_cast<std::size_t>(nodes))
      s.at(key).fail(fmt::format("{} entries, one per node (fabric.nodes)", nodes));
  std::int64_t total = 0;
  for (int n = 0; n < nodes; ++n) {
    const auto c = s.at("count")[std::size_t(n)];
    const std::int64_t k = c.as_non_negative_int();
    if (k > per_node) c.fail(fmt::format("at most {} pairs of one node ({} nodes{})", per_node, nodes,
                                         metric.directed ? ", both directions" : ""));
    total += k;
    const auto lo = s.at("lowest")[std::size_t(n)], md = s.at("median")[std::size_t(n)],
               hi = s.at("highest")[std::size_t(n)];
    if (k == 0) {
      for (const auto* v : {&lo, &md, &hi})
        if (!v->raw().is_null()) v->fail("null for a node with no pair measured (count 0)");
      continue;
    }
    const double l = non_negative(lo), m = non_negative(md), h = non_negative(hi);
    if (!(l <= m && m <= h)) md.fail(fmt::format("lowest <= median <= highest ({} <= {} <= {})", l, m, h));
    if (auto w = s.find("worst_not_remeasured")) {
      if (w->size() != static_cast<std::size_t>(nodes)) w->fail(fmt::format("{} entries, one per node", nodes));
      const auto x = (*w)[std::size_t(n)];
      if (!x.raw().is_null() && !(non_negative(x) >= l && x.as_number() <= h))
        x.fail(fmt::format("a figure between the node's lowest and highest ({} and {})", l, h));
    }
  }
  if (total != 2 * pairs)
    s.at("count").fail(fmt::format("counts adding up to twice `pairs` ({}, each pair counts for both its nodes); they "
                                   "add up to {}", 2 * pairs, total));
}

}  // namespace

void check_fabric_summary(const ConfigNode& f, int nodes, int rails) {
  const auto limit = f.at("full_matrix_up_to").as_positive_int();
  if (nodes <= limit)
    f.at("form").fail(fmt::format("the full form: {} nodes are within full_matrix_up_to ({})", nodes, limit));
  const auto sch = f.at("schedule");
  sch.allow_only({"name", "nodes", "rounds"});
  sch.at("name").as_enum({"circle"});
  if (sch.at("nodes").as_non_negative_int() != nodes) sch.at("nodes").fail(fmt::format("{} (fabric.nodes)", nodes));
  const std::int64_t rounds = nodes % 2 == 0 ? nodes - 1 : nodes;
  if (sch.at("rounds").as_non_negative_int() != rounds)
    sch.at("rounds").fail(fmt::format("{}: the circle schedule's rounds for {} nodes", rounds, nodes));
  for (const auto& s : f.at("summaries").items()) {
    s.allow_only({"metric", "unit", "size_bytes", "rail", "phase", "pairs", "median_pair", "list_bound", "lowest",
                  "median", "highest", "count", "worst_not_remeasured"});
    const auto& metric = checked_fabric_metric(s);
    if (s.at("rail").as_non_negative_int() >= rails) s.at("rail").fail(fmt::format("a rail below {} (fabric.rails)", rails));
    s.at("phase").as_enum({"concurrent"});
    const std::int64_t most = std::int64_t(nodes) * (nodes - 1) / 2 * (metric.directed ? 2 : 1);
    const auto pairs = s.at("pairs").as_non_negative_int();
    if (pairs > most) s.at("pairs").fail(fmt::format("at most {} pairs of {} nodes", most, nodes));
    non_negative(s.at("median_pair"));
    if (auto lb = s.find("list_bound"); lb && !lb->raw().is_null()) non_negative(*lb);
    check_node_summaries(s, nodes, metric, pairs);
  }
  for (const auto& p : f.at("pooled").items()) {
    p.allow_only({"metric", "unit", "size_bytes", "pairs", "median"});
    checked_fabric_metric(p);
    p.at("pairs").as_non_negative_int();
    non_negative(p.at("median"));
  }
  const auto pairs = f.at("pairs");
  pairs.allow_only({"a", "b", "rail", "metric", "size_bytes", "phase", "value"});
  const std::size_t listed = pairs.at("a").size();
  for (const char* c : kFabricPairColumns)
    if (pairs.at(c).size() != listed) pairs.at(c).fail(fmt::format("{} entries, as many as pairs.a", listed));
  for (std::size_t i = 0; i < listed; ++i) {
    if (node_index(pairs.at("a")[i], nodes) == node_index(pairs.at("b")[i], nodes)) pairs.at("b")[i].fail("a node other than a");
    if (pairs.at("rail")[i].as_non_negative_int() >= rails)
      pairs.at("rail")[i].fail(fmt::format("a rail below {} (fabric.rails)", rails));
    checked_fabric_metric_name(pairs.at("metric")[i]);
    pairs.at("size_bytes")[i].as_positive_int();
    pairs.at("phase")[i].as_enum({"concurrent", "alone"});
    non_negative(pairs.at("value")[i]);
  }
}

// ---- judging the bounded form ----

namespace {

struct PooledFigure {
  std::string unit;
  double median = 0;
  std::int64_t pairs = 0;
};

bool is_beyond(FabricSense s, double v, double bound) {
  return s == FabricSense::higher_better ? v < bound : v > bound;
}

// The bound a rule sets against a median pair, as flag_pairs sets it; nullopt without one.
std::optional<double> rule_bound(const FlagRule& rule, double median) {
  const bool higher = rule.sense == FabricSense::higher_better;
  std::optional<double> bound;
  auto tighten = [&](double b) { bound = !bound ? b : (higher ? std::max(*bound, b) : std::min(*bound, b)); };
  if (rule.fraction_of_median && *rule.fraction_of_median > 0)
    tighten(higher ? median * *rule.fraction_of_median : median / *rule.fraction_of_median);
  if (rule.absolute) tighten(*rule.absolute);
  return bound;
}

// The listed pairs' figures of one metric and size: alone where re-measured, else with their
// round; keyed (rail, a, b), a < b unless the metric is directed.
using PairKey = std::tuple<int, int, int>;
std::map<PairKey, std::pair<double, std::string>> listed_figures(const json& pairs, const std::string& metric,
                                                                 std::int64_t size, bool directed) {
  std::map<PairKey, std::pair<double, std::string>> out;
  const std::size_t listed = pairs.at("a").size();
  for (const char* phase : {"concurrent", "alone"})
    for (std::size_t i = 0; i < listed; ++i) {
      if (pairs["metric"][i] != metric || pairs["size_bytes"][i].get<std::int64_t>() != size ||
          pairs["phase"][i] != phase)
        continue;
      int a = pairs["a"][i].get<int>(), b = pairs["b"][i].get<int>();
      if (!directed && b < a) std::swap(a, b);
      out[PairKey{pairs["rail"][i].get<int>(), a, b}] = {pairs["value"][i].get<double>(), phase};
    }
  return out;
}

// Nodes whose worst pair not re-measured is beyond the bound `t` where the bound is stricter
// than the list's (the re-measure rule): that pair is not in the file, so the node is named.
// Nodes already in a flagged pair (`flagged_nodes`: rail, node) are not named again.
std::vector<FabricNodeFlag> unlisted_node_flags(const json& f, const std::string& metric, std::int64_t size,
                                                const std::string& unit, FabricSense sense, double t,
                                                const std::set<std::pair<int, int>>& flagged_nodes) {
  std::vector<FabricNodeFlag> out;
  const bool higher = sense == FabricSense::higher_better;
  for (const auto& s : f.at("summaries")) {
    if (s.at("metric") != metric || s.at("size_bytes").get<std::int64_t>() != size) continue;
    const auto& lb = s.at("list_bound");
    if (lb.is_number() && !is_beyond(sense, lb.get<double>(), t)) continue;  // the list is complete here
    const int rail = s.at("rail").get<int>();
    const auto& worst = s.contains("worst_not_remeasured") ? s.at("worst_not_remeasured") : s.at(higher ? "lowest" : "highest");
    for (std::size_t n = 0; n < worst.size(); ++n) {
      const auto& w = worst[n];
      if (!w.is_number() || !is_beyond(sense, w.get<double>(), t) || flagged_nodes.count({rail, int(n)})) continue;
      out.push_back({int(n), rail, metric, unit, size, w.get<double>(), t});
    }
  }
  return out;
}

}  // namespace

FabricJudgement judge_fabric_summary(const json& f, const FabricCriteria& c) {
  FabricJudgement out;
  out.nodes = f.at("nodes").get<int>();
  out.rails = f.at("rails").get<int>();
  out.hosts = f.at("hosts").get<std::vector<std::string>>();
  if (f.contains("failed_pairs")) out.failed_pairs = static_cast<int>(f.at("failed_pairs").size());
  std::map<std::string, std::map<std::int64_t, PooledFigure>> pooled;
  for (const auto& p : f.at("pooled"))
    pooled[p.at("metric").get<std::string>()][p.at("size_bytes").get<std::int64_t>()] = {
        p.at("unit").get<std::string>(), p.at("median").get<double>(), p.at("pairs").get<std::int64_t>()};
  std::set<int> median_beyond;  // nodes whose median pair is beyond a bound stricter than the list
  auto judge = [&](const std::string& metric, bool largest, const FlagRule& rule) {
    const bool directed = find_fabric_metric(metric)->directed;
    const auto it = pooled.find(metric);
    if (it == pooled.end() || it->second.empty()) return;
    const auto& [size, fig] = largest ? *it->second.rbegin() : *it->second.begin();
    const auto bound = rule_bound(rule, fig.median);
    if (fig.pairs == 0 || !bound || *bound <= 0) return;
    const double t = *bound;
    std::size_t flagged = 0;
    std::set<std::pair<int, int>> flagged_nodes;  // rail, node
    for (const auto& [k, v] : listed_figures(f.at("pairs"), metric, size, directed)) {
      if (!is_beyond(rule.sense, v.first, t)) continue;
      const auto [rail, a, b] = k;
      out.flagged.push_back({a, b, rail, metric, fig.unit, v.second, size, v.first, t});
      flagged_nodes.insert({rail, a});
      flagged_nodes.insert({rail, b});
      ++flagged;
    }
    const auto nodes = unlisted_node_flags(f, metric, size, fig.unit, rule.sense, t, flagged_nodes);
    out.node_flags.insert(out.node_flags.end(), nodes.begin(), nodes.end());
    if (!nodes.empty())
      for (const auto& s : f.at("summaries"))
        if (s.at("metric") == metric && s.at("size_bytes").get<std::int64_t>() == size)
          for (std::size_t n = 0; n < s.at("median").size(); ++n)
            if (const auto& m = s.at("median")[n]; m.is_number() && is_beyond(rule.sense, m.get<double>(), t))
              median_beyond.insert(int(n));
    out.checked.push_back(fmt::format("{} @ {} B: {} pairs, median pair {:.4g} {}, threshold {:.4g} {}, {} below{}",
                                      metric, size, fig.pairs, fig.median, fig.unit, t, fig.unit, flagged,
                                      nodes.empty() ? std::string()
                                                    : fmt::format(" (and {} nodes with an unlisted pair below)",
                                                                  nodes.size())));
  };
  for (const auto& j : fabric_judged_figures(c)) judge(j.metric, j.largest_size, j.rule);
  std::vector<std::pair<int, int>> pairs;
  for (const auto& fl : out.flagged) pairs.emplace_back(fl.a, fl.b);
  out.shared = shared_node(pairs, out.nodes);
  if (out.node_flags.empty()) return out;
  // Nodes named without their pairs: the partners of a bad node are named too (their worst
  // pair is with it), so the shared node is the one node whose median pair is beyond the
  // bound, where every flagged pair contains it; otherwise none.
  out.shared.reset();
  if (median_beyond.size() != 1) return out;
  const int x = *median_beyond.begin();
  for (const auto& [a, b] : pairs)
    if (a != x && b != x) return out;
  out.shared = x;
  return out;
}

FabricNodeWorst fabric_node_worst(const json& f, const std::string& metric) {
  FabricNodeWorst out;
  const int nodes = f.at("nodes").get<int>();
  const bool higher = fabric_metric_sense(metric) == FabricSense::higher_better;
  for (const auto& p : f.at("pooled"))
    if (p.at("metric") == metric) {
      const auto s = p.at("size_bytes").get<std::int64_t>();
      if (out.size_bytes == 0 || (higher ? s > out.size_bytes : s < out.size_bytes)) {
        out.size_bytes = s;
        out.median = p.at("median").get<double>();
      }
    }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.fraction.assign(std::size_t(nodes), nan);
  out.worst.assign(std::size_t(nodes), nan);
  out.node_median.assign(std::size_t(nodes), nan);
  if (out.size_bytes == 0) return out;
  auto worse = [&](double a, double b) { return std::isnan(a) ? b : (higher ? std::min(a, b) : std::max(a, b)); };
  for (const auto& s : f.at("summaries")) {
    if (s.at("metric") != metric || s.at("size_bytes").get<std::int64_t>() != out.size_bytes) continue;
    const auto& w = s.at(higher ? "lowest" : "highest");
    const auto& m = s.at("median");
    for (int n = 0; n < nodes; ++n) {
      if (w[std::size_t(n)].is_number()) out.worst[std::size_t(n)] = worse(out.worst[std::size_t(n)], w[std::size_t(n)].get<double>());
      if (m[std::size_t(n)].is_number())
        out.node_median[std::size_t(n)] = worse(out.node_median[std::size_t(n)], m[std::size_t(n)].get<double>());
    }
  }
  for (int n = 0; n < nodes; ++n) {
    const double w = out.worst[std::size_t(n)];
    if (std::isfinite(w) && out.median > 0 && w > 0) out.fraction[std::size_t(n)] = higher ? w / out.median : out.median / w;
  }
  return out;
}

}  // namespace capbench
