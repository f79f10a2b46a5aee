#include "common/fabric.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/fabric_summary.hpp"
#include "common/random.hpp"
#include "common/stats.hpp"

namespace capbench {

int circle_round_count(int nodes) { return nodes < 2 ? 0 : (nodes % 2 == 0 ? nodes - 1 : nodes); }

FabricRound circle_round(int nodes, int r) {
  // Odd n: a phantom node n joins; whoever meets it idles that round.
  const int m = nodes % 2 == 0 ? nodes : nodes + 1;
  const int ring = m - 1;  // node m-1 stays put, the others turn around it
  FabricRound round;
  auto add = [&](int x, int y) {
    if (x >= nodes || y >= nodes) return;  // the phantom: x or y idles
    round.emplace_back(std::min(x, y), std::max(x, y));
  };
  add(m - 1, r);
  for (int k = 1; k < m / 2; ++k) add((r + k) % ring, (r - k + ring) % ring);
  std::sort(round.begin(), round.end());
  return round;
}

std::vector<FabricRound> circle_schedule(int nodes) {
  std::vector<FabricRound> rounds;
  for (int r = 0; r < circle_round_count(nodes); ++r) rounds.push_back(circle_round(nodes, r));
  return rounds;
}

int partner_in_round(const FabricRound& round, int node) {
  for (const auto& [a, b] : round) {
    if (a == node) return b;
    if (b == node) return a;
  }
  return -1;
}

std::uint64_t fabric_message_seed(std::uint64_t case_seed, int sender, int receiver, std::int64_t iteration) {
  return derive_seed(case_seed ^ 0xFAB1C0DEull, static_cast<std::uint64_t>(sender),
                     static_cast<std::uint64_t>(receiver), static_cast<std::uint64_t>(iteration));
}

const FabricMetricInfo* find_fabric_metric(std::string_view metric) {
  for (const auto& m : kFabricMetrics)
    if (m.name == metric) return &m;
  return nullptr;
}

PairLatency pair_latency(const std::vector<double>& round_trip_seconds) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (round_trip_seconds.empty()) return {nan, nan, nan};
  std::vector<double> half;
  double total = 0;
  for (const double s : round_trip_seconds) {
    half.push_back(s / 2);
    total += s;
  }
  std::sort(half.begin(), half.end());
  return {percentile_sorted(half, 50), percentile_sorted(half, 99), total / (2.0 * double(half.size()))};
}

PairBandwidth pair_bandwidth(const std::vector<double>& window_seconds, double bytes_per_window) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (window_seconds.empty()) return {nan, nan};
  std::vector<double> rate;
  double total = 0;
  for (const double s : window_seconds) {
    rate.push_back(bytes_per_window / s);
    total += s;
  }
  return {median(rate), bytes_per_window * double(rate.size()) / total};
}

FlagResult flag_pairs(const std::vector<PairFigure>& figures, const FlagRule& rule) {
  FlagResult out;
  if (figures.empty()) return out;
  std::vector<double> values;
  values.reserve(figures.size());
  for (const auto& f : figures) values.push_back(f.value);
  out.median = median(values);
  const bool higher = rule.sense == FabricSense::higher_better;
  std::optional<double> bound;
  auto tighten = [&](double b) {
    if (!bound) bound = b;
    else bound = higher ? std::max(*bound, b) : std::min(*bound, b);
  };
  if (rule.fraction_of_median && *rule.fraction_of_median > 0)
    tighten(higher ? out.median * *rule.fraction_of_median : out.median / *rule.fraction_of_median);
  if (rule.absolute) tighten(*rule.absolute);
  if (!bound) return out;
  out.threshold = *bound;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const double v = figures[i].value;
    if (higher ? v < *bound : v > *bound) out.flagged.push_back(i);
  }
  return out;
}

std::optional<int> shared_node(const std::vector<std::pair<int, int>>& flagged_pairs, int nodes) {
  if (flagged_pairs.empty() || nodes <= 2) return std::nullopt;
  std::vector<std::size_t> count(static_cast<std::size_t>(nodes), 0);
  // A pair flagged on several rails or in both directions counts once.
  std::vector<std::pair<int, int>> pairs;
  for (auto [a, b] : flagged_pairs) pairs.emplace_back(std::min(a, b), std::max(a, b));
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  for (const auto& [a, b] : pairs) {
    if (a < 0 || b >= nodes) return std::nullopt;
    ++count[static_cast<std::size_t>(a)];
    if (b != a) ++count[static_cast<std::size_t>(b)];
  }
  std::optional<int> found;
  for (int n = 0; n < nodes; ++n) {
    if (count[static_cast<std::size_t>(n)] != pairs.size()) continue;
    if (found) return std::nullopt;  // one pair: both its nodes are in every flagged pair
    found = n;
  }
  return found;
}

namespace {

void check_matrix(const ConfigNode& m, int nodes) {
  m.expect_array();
  if (m.size() != static_cast<std::size_t>(nodes)) m.fail(fmt::format("{} rows (fabric.nodes)", nodes));
  for (const auto& row : m.items()) {
    row.expect_array();
    if (row.size() != static_cast<std::size_t>(nodes)) row.fail(fmt::format("{} columns (fabric.nodes)", nodes));
    for (const auto& v : row.items()) {
      if (v.raw().is_null()) continue;
      const double x = v.as_number();
      if (!std::isfinite(x) || x < 0) v.fail("a finite non-negative number or null");
    }
  }
}

int check_node_index(const ConfigNode& n, int nodes) {
  const auto v = n.as_non_negative_int();
  if (v >= nodes) n.fail(fmt::format("a node index below {}", nodes));
  return static_cast<int>(v);
}

}  // namespace

const FabricMetricInfo& checked_fabric_metric_name(const ConfigNode& name) {
  const auto* found = name.raw().is_string() ? find_fabric_metric(name.raw().get<std::string>()) : nullptr;
  if (!found) {
    std::string list;
    for (const auto& m : kFabricMetrics) list += fmt::format("{}{}", list.empty() ? "" : ", ", m.name);
    name.fail("one of: " + list);
  }
  return *found;
}

const FabricMetricInfo& checked_fabric_metric(const ConfigNode& m) {
  const auto& metric = checked_fabric_metric_name(m.at("metric"));
  if (m.at("unit").as_string() != metric.unit)
    m.at("unit").fail(fmt::format("\"{}\", the unit of {}", metric.unit, metric.name));
  m.at("size_bytes").as_positive_int();
  return metric;
}

namespace {

// The full form's schedule and matrices.
void check_full_matrices(const ConfigNode& f, int nodes, int rails) {
  for (const auto& round : f.at("rounds").items())
    for (const auto& p : round.items()) {
      if (p.size() != 2) p.fail("a pair [a, b] of node indices");
      check_node_index(p[0], nodes);
      check_node_index(p[1], nodes);
    }
  for (const auto& m : f.at("matrices").items()) {
    m.allow_only({"metric", "unit", "size_bytes", "rail", "phase", "values"});
    checked_fabric_metric(m);
    const auto rail = m.at("rail").as_non_negative_int();
    if (rail >= rails) m.at("rail").fail(fmt::format("a rail below {} (fabric.rails)", rails));
    m.at("phase").as_enum({"concurrent", "alone"});
    check_matrix(m.at("values"), nodes);
  }
}

}  // namespace

void check_fabric_info(const ConfigNode& f, const std::string& benchmark) {
  if (benchmark != "fabric") f.fail("no fabric object outside a fabric case");
  f.allow_only({"transport", "nodes", "hosts", "rails", "rail_ranks", "rounds", "remeasure_below", "matrices",
                "failed_pairs", "remeasured", "short_pairs", "shared_node", "note", "form", "full_matrix_up_to",
                "schedule", "summaries", "pooled", "pairs"});
  const bool bounded = f.has("form");
  if (bounded) f.at("form").as_enum({"summary"});
  for (const char* key : {"schedule", "summaries", "pooled", "pairs", "full_matrix_up_to"})
    if (!bounded && f.has(key)) f.at(key).fail("only in the bounded form (\"form\": \"summary\")");
  for (const char* key : {"rounds", "matrices"})
    if (bounded && f.has(key)) f.at(key).fail("absent from the bounded form (\"form\": \"summary\")");
  f.at("transport").as_enum({"mpi", "nccl"});
  const int nodes = static_cast<int>(f.at("nodes").as_int_in(1, 1 << 20));
  const auto hosts = f.at("hosts");
  if (hosts.size() != static_cast<std::size_t>(nodes)) hosts.fail(fmt::format("{} host names (fabric.nodes)", nodes));
  for (const auto& h : hosts.items()) h.as_string();
  const int rails = static_cast<int>(f.at("rails").as_int_in(0, 1 << 16));
  if (auto rr = f.find("rail_ranks")) {
    if (rr->size() != static_cast<std::size_t>(nodes)) rr->fail(fmt::format("{} rows (fabric.nodes)", nodes));
    for (const auto& row : rr->items()) {
      if (row.size() != static_cast<std::size_t>(rails)) row.fail(fmt::format("{} ranks (fabric.rails)", rails));
      for (const auto& r : row.items()) r.as_non_negative_int();
    }
  }
  if (bounded) check_fabric_summary(f, nodes, rails);
  else check_full_matrices(f, nodes, rails);
  if (auto r = f.find("remeasure_below")) r->as_fraction();
  if (auto fp = f.find("failed_pairs"))
    for (const auto& p : fp->items()) {
      p.allow_only({"a", "b", "rail", "error"});
      check_node_index(p.at("a"), nodes);
      check_node_index(p.at("b"), nodes);
      p.at("rail").as_non_negative_int();
      p.at("error").as_string();
    }
  if (auto rm = f.find("remeasured"))
    for (const auto& p : rm->items()) {
      if (p.size() != 2) p.fail("a pair [a, b] of node indices");
      check_node_index(p[0], nodes);
      check_node_index(p[1], nodes);
    }
  if (auto n = f.find("note")) n->as_string();
  if (auto sp = f.find("short_pairs"))
    for (const auto& p : sp->items()) {
      if (p.size() != 2) p.fail("a pair [a, b] of node indices");
      check_node_index(p[0], nodes);
      check_node_index(p[1], nodes);
    }
  if (auto sn = f.find("shared_node"); sn && !sn->raw().is_null()) sn->as_string();
}

}  // namespace capbench

namespace capbench {

namespace {

// The matrices of one metric at one size: rail -> phase -> values.
struct MatrixSet {
  std::string unit;
  std::map<int, std::map<std::string, const json*>> by_rail;
};

double cell(const json& m, int i, int j) {
  const auto& v = m[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  return v.is_number() ? v.get<double>() : std::nan("");
}

}  // namespace

std::vector<FabricJudgedFigure> fabric_judged_figures(const FabricCriteria& c) {
  std::vector<FabricJudgedFigure> out;
  FlagRule bw;
  bw.sense = FabricSense::higher_better;
  bw.fraction_of_median = c.min_bandwidth_fraction;
  bw.absolute = c.min_bandwidth;
  if (bw.fraction_of_median || bw.absolute) {
    out.push_back({"bandwidth_uni", true, bw});
    out.push_back({"bandwidth_bidir", true, bw});
  }
  if (c.max_latency) {
    FlagRule lat;
    lat.sense = FabricSense::lower_better;
    lat.absolute = c.max_latency;
    out.push_back({"latency", false, lat});
  }
  return out;
}

FabricJudgement judge_fabric(const json& f, const FabricCriteria& c) {
  if (f.contains("form")) return judge_fabric_summary(f, c);
  FabricJudgement out;
  out.nodes = f.at("nodes").get<int>();
  out.rails = f.at("rails").get<int>();
  out.hosts = f.at("hosts").get<std::vector<std::string>>();
  if (f.contains("failed_pairs")) out.failed_pairs = static_cast<int>(f.at("failed_pairs").size());
  // metric -> size -> matrices
  std::map<std::string, std::map<std::int64_t, MatrixSet>> sets;
  for (const auto& m : f.at("matrices")) {
    auto& s = sets[m.at("metric").get<std::string>()][m.at("size_bytes").get<std::int64_t>()];
    s.unit = m.at("unit").get<std::string>();
    s.by_rail[m.at("rail").get<int>()][m.at("phase").get<std::string>()] = &m.at("values");
  }
  auto judge = [&](const std::string& metric, bool largest, const FlagRule& rule) {
    const bool directed = find_fabric_metric(metric)->directed;
    const auto it = sets.find(metric);
    if (it == sets.end() || it->second.empty()) return;
    const auto& [size, set] = largest ? *it->second.rbegin() : *it->second.begin();
    std::vector<PairFigure> figs;
    std::vector<std::string> phases;
    for (const auto& [rail, phases_of] : set.by_rail) {
      const auto conc = phases_of.find("concurrent");
      if (conc == phases_of.end()) continue;
      const auto alone = phases_of.find("alone");
      for (int a = 0; a < out.nodes; ++a)
        for (int b = 0; b < out.nodes; ++b) {
          if (a == b || (!directed && b < a)) continue;
          double v = alone != phases_of.end() ? cell(*alone->second, a, b) : std::nan("");
          std::string phase = "alone";
          if (!std::isfinite(v)) {
            v = cell(*conc->second, a, b);
            phase = "concurrent";
          }
          if (!std::isfinite(v)) continue;
          figs.push_back({a, b, rail, v});
          phases.push_back(phase);
        }
    }
    const auto r = flag_pairs(figs, rule);
    if (figs.empty() || r.threshold <= 0) return;
    out.checked.push_back(fmt::format("{} @ {} B: {} pairs, median pair {:.4g} {}, threshold {:.4g} {}, {} below",
                                      metric, size, figs.size(), r.median, set.unit, r.threshold, set.unit,
                                      r.flagged.size()));
    for (const auto i : r.flagged)
      out.flagged.push_back({figs[i].a, figs[i].b, figs[i].rail, metric, set.unit, phases[i], size, figs[i].value,
                             r.threshold});
  };
  for (const auto& j : fabric_judged_figures(c)) judge(j.metric, j.largest_size, j.rule);
  std::vector<std::pair<int, int>> pairs;
  for (const auto& fl : out.flagged) pairs.emplace_back(fl.a, fl.b);
  out.shared = shared_node(pairs, out.nodes);
  return out;
}

void write_fabric_own_reading(json& fabric, double remeasure_below) {
  FabricCriteria own;
  own.min_bandwidth_fraction = remeasure_below;
  const auto verdict = judge_fabric(fabric, own);
  std::set<std::pair<int, int>> short_set;
  for (const auto& fl : verdict.flagged) short_set.insert({std::min(fl.a, fl.b), std::max(fl.a, fl.b)});
  json short_json = json::array();
  for (const auto& [a, b] : short_set) short_json.push_back({a, b});
  fabric["short_pairs"] = std::move(short_json);
  fabric["shared_node"] = verdict.shared ? fabric.at("hosts").at(std::size_t(*verdict.shared)) : json(nullptr);
}

}  // namespace capbench
