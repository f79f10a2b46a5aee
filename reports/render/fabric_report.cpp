#include "reports/render/fabric_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "common/fabric_summary.hpp"
#include "common/stats.hpp"
#include "reports/system/quantity.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"

namespace capbench {

namespace {

constexpr int kCellsUpTo = 64;  // above this many nodes the map is one cell per node
// The report lists at most this many flagged pairs and nodes (all are in the results file and
// the criteria's failures): a bad node of 12,500 has 12,499 pairs.
constexpr std::size_t kListedUpTo = 200;

const ReportCase* fabric_case(const ReportResults& r) {
  for (const auto& c : r.cases)
    if (c.benchmark == "fabric" && c.info.contains("fabric")) return &c;
  return nullptr;
}

// The rule the report flags by: the first fabric criterion, else the benchmark's own
// re-measure fraction (so a report without criteria still points at the short pairs).
FabricCriteria display_rule(const ReportInputs& in, const json& f) {
  if (in.criteria && !in.criteria->fabric.empty()) return in.criteria->fabric.front().rule;
  FabricCriteria c;
  c.min_bandwidth_fraction = f.value("remeasure_below", 0.8);
  return c;
}

// One node x node matrix of a metric at its largest size: each pair's figure alone where it
// was re-measured, else with its round; the worst rail.
std::vector<std::vector<double>> final_matrix(const json& f, const std::string& metric, std::int64_t* size_out) {
  const int n = f.at("nodes").get<int>();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> out(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n), nan));
  std::int64_t size = 0;
  for (const auto& m : f.at("matrices"))
    if (m.at("metric") == metric) size = std::max(size, m.at("size_bytes").get<std::int64_t>());
  if (size_out) *size_out = size;
  const bool lower_better = fabric_metric_sense(metric) == FabricSense::lower_better;
  for (const char* phase : {"concurrent", "alone"}) {
    // Worst rail of this phase; the alone phase then replaces what it re-measured.
    std::vector<std::vector<double>> phase_values(out.size(), std::vector<double>(out.size(), nan));
    for (const auto& m : f.at("matrices")) {
      if (m.at("metric") != metric || m.at("size_bytes").get<std::int64_t>() != size || m.at("phase") != phase) continue;
      const auto& v = m.at("values");
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          const auto& x = v[std::size_t(i)][std::size_t(j)];
          if (!x.is_number()) continue;
          double& cell = phase_values[std::size_t(i)][std::size_t(j)];
          const double d = x.get<double>();
          cell = std::isnan(cell) ? d : (lower_better ? std::max(cell, d) : std::min(cell, d));
        }
    }
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (!std::isnan(phase_values[std::size_t(i)][std::size_t(j)]))
          out[std::size_t(i)][std::size_t(j)] = phase_values[std::size_t(i)][std::size_t(j)];
  }
  return out;
}

// Red (0) through amber to green (at or above the median pair).
std::string colour(double fraction) {
  if (!std::isfinite(fraction)) return "#e5e7eb";
  const double t = std::clamp(fraction, 0.0, 1.0);
  const int r = static_cast<int>(t < 0.5 ? 220 : 220 - (t - 0.5) * 2 * 180);
  const int g = static_cast<int>(t < 0.5 ? 40 + t * 2 * 150 : 190);
  return fmt::format("#{:02x}{:02x}{:02x}", std::clamp(r, 0, 255), std::clamp(g, 0, 255), 60);
}

std::string pair_text(const FabricJudgement& j, const FabricFlag& fl) {
  const auto* info = find_fabric_metric(fl.metric);
  const bool directed = info && info->directed;
  return fmt::format("{} {} {} (rail {}): {} {} at {}, below {} ({})", j.hosts[std::size_t(fl.a)],
                     directed ? "→" : "↔", j.hosts[std::size_t(fl.b)], fl.rail, fl.metric,
                     format_si(fl.value, fl.unit), format_bytes(double(fl.size_bytes)),
                     format_si(fl.threshold, fl.unit), fl.phase == "alone" ? "measured again alone" : "with its round");
}

// A node of the bounded form whose worst pair is beyond the bound, the pair itself not listed.
std::string node_flag_text(const FabricJudgement& j, const FabricNodeFlag& nf) {
  return fmt::format("{} (rail {}): worst pair {} {} at {}, beyond {} (the pair is not listed: above {} nodes the "
                     "file lists only the pairs short by the re-measure rule)",
                     j.hosts[std::size_t(nf.node)], nf.rail, nf.metric, format_si(nf.value, nf.unit),
                     format_bytes(double(nf.size_bytes)), format_si(nf.threshold, nf.unit), kFabricFullMatrixNodes);
}

// The flagged pairs and nodes as the report lists them: the first kListedUpTo, then a count.
std::vector<std::string> flag_lines(const FabricJudgement& j) {
  std::vector<std::string> out;
  const std::size_t total = j.flagged.size() + j.node_flags.size();
  for (const auto& fl : j.flagged)
    if (out.size() < kListedUpTo) out.push_back(pair_text(j, fl));
  for (const auto& nf : j.node_flags)
    if (out.size() < kListedUpTo) out.push_back(node_flag_text(j, nf));
  if (total > out.size())
    out.push_back(fmt::format("… and {} more (every one is in the results file's info.fabric and in the criteria's "
                              "failures)", total - out.size()));
  return out;
}

std::string shared_text(const FabricJudgement& j) {
  if (j.flagged.empty() && j.node_flags.empty()) return "no pair flagged";
  if (j.shared) return "shared node: " + j.hosts[std::size_t(*j.shared)];
  return "the flagged pairs share no single node";
}

// The bounded form's map of one metric: one cell per node, coloured by its worst pair (over
// its rails) as a fraction of the median pair; the nodes of flagged pairs outlined.
std::string fabric_summary_html(const json& f, const FabricJudgement& j, const std::string& metric) {
  const auto w = fabric_node_worst(f, metric);
  if (w.size_bytes == 0) return {};
  std::set<int> marked;
  for (const auto& fl : j.flagged)
    if (fl.metric == metric) marked.insert({fl.a, fl.b});
  for (const auto& nf : j.node_flags)
    if (nf.metric == metric) marked.insert(nf.node);
  const std::string unit = metric == "latency" ? "s" : "B/s";
  const int n = j.nodes, cell = 9, per_row = kCellsUpTo, rows = (n + per_row - 1) / per_row;
  std::string o = fmt::format("<h3>{} at {} (per node)</h3><p class=\"note\">{} nodes: one cell per node, coloured "
                              "by its worst pair over its rails (hover for its lowest, median and highest); above "
                              "{} nodes the file keeps per-node summaries and the short pairs, not the matrix.</p>",
                              metric, format_bytes(double(w.size_bytes)), n, kFabricFullMatrixNodes);
  o += fmt::format("<svg class=\"fabric-heatmap fabric-summary\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
                   "height=\"{}\">",
                   per_row * cell, rows * cell);
  for (int i = 0; i < n; ++i) {
    const double fr = w.fraction[std::size_t(i)];
    o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}><title>{}: worst pair {} ({} of "
                     "the median pair), node median {}</title></rect>",
                     (i % per_row) * cell, (i / per_row) * cell, cell - 1, cell - 1, colour(fr),
                     marked.count(i) ? " stroke=\"#111\" stroke-width=\"1\" data-flagged=\"1\"" : "",
                     html_escape(j.hosts[std::size_t(i)]),
                     std::isfinite(w.worst[std::size_t(i)]) ? format_si(w.worst[std::size_t(i)], unit) : std::string("n/a"),
                     std::isfinite(fr) ? percent(fr) : std::string("n/a"),
                     std::isfinite(w.node_median[std::size_t(i)]) ? format_si(w.node_median[std::size_t(i)], unit)
                                                                  : std::string("n/a"));
  }
  o += "</svg>";
  o += fmt::format("<p class=\"note\">Median pair {}; colour: fraction of the median pair (red 0, green at or above "
                   "it); outlined: a node of a flagged pair.</p>",
                   format_si(w.median, unit));
  return o;
}

}  // namespace

std::vector<FabricCriterion> read_fabric_criteria(const ConfigNode& list) {
  std::vector<FabricCriterion> out;
  for (const auto& n : list.items()) {
    n.allow_only({"id", "min_bandwidth", "min_fraction_of_median", "max_latency"});
    FabricCriterion c;
    c.id = n.at("id").as_string();
    if (auto v = n.find("min_bandwidth")) c.rule.min_bandwidth = read_quantity(*v, "B/s");
    if (auto v = n.find("min_fraction_of_median")) {
      c.rule.min_bandwidth_fraction = v->as_fraction();
      if (*c.rule.min_bandwidth_fraction <= 0) v->fail("a fraction of the median pair in (0, 1]");
    }
    if (auto v = n.find("max_latency")) c.rule.max_latency = read_quantity(*v, "s");
    if (!c.rule.min_bandwidth && !c.rule.min_bandwidth_fraction && !c.rule.max_latency)
      n.fail("at least one of min_bandwidth, min_fraction_of_median, max_latency");
    out.push_back(std::move(c));
  }
  return out;
}

CriterionResult evaluate_fabric_criterion(const FabricCriterion& c, const Analysis& a) {
  CriterionResult r;
  r.id = c.id;
  r.kind = "fabric";
  std::vector<std::string> parts;
  if (c.rule.min_bandwidth) parts.push_back("at least " + format_si(*c.rule.min_bandwidth, "B/s"));
  if (c.rule.min_bandwidth_fraction) parts.push_back("at least " + percent(*c.rule.min_bandwidth_fraction) + " of the median pair");
  r.description = parts.empty() ? std::string() : fmt::format("every node pair's bandwidth (one way, both ways) {}", fmt::join(parts, " and "));
  if (c.rule.max_latency)
    r.description += fmt::format("{}latency at most {}", r.description.empty() ? "every node pair's " : "; ",
                                 format_si(*c.rule.max_latency, "s"));
  const ReportCase* fc = a.results ? fabric_case(*a.results) : nullptr;
  if (!fc) {
    r.status = "NOT_EVALUATED";
    r.note = "the results file has no fabric case with pairs (a one-node run has none)";
    return r;
  }
  const json& f = fc->info.at("fabric");
  const auto j = judge_fabric(f, c.rule);
  for (const auto& line : j.checked) {
    (void)line;
    ++r.checked;
  }
  for (const auto& fl : j.flagged) {
    CriterionFailure cf;
    const auto* info = find_fabric_metric(fl.metric);
    cf.host = j.hosts[std::size_t(fl.a)] + (info && info->directed ? " → " : " ↔ ") + j.hosts[std::size_t(fl.b)];
    cf.what = pair_text(j, fl);
    cf.measured = fl.value;
    cf.threshold = fl.threshold;
    r.failures.push_back(std::move(cf));
  }
  for (const auto& nf : j.node_flags) {
    CriterionFailure cf;
    cf.host = j.hosts[std::size_t(nf.node)];
    cf.what = node_flag_text(j, nf);
    cf.measured = nf.value;
    cf.threshold = nf.threshold;
    r.failures.push_back(std::move(cf));
  }
  for (const auto& p : f.value("failed_pairs", json::array())) {
    CriterionFailure cf;
    cf.host = j.hosts[p.at("a").get<std::size_t>()] + " ↔ " + j.hosts[p.at("b").get<std::size_t>()];
    cf.what = fmt::format("rail {}: {}", p.at("rail").get<int>(), p.at("error").get<std::string>());
    r.failures.push_back(std::move(cf));
    ++r.checked;
  }
  if (!j.flagged.empty() || !j.node_flags.empty()) r.note = shared_text(j);
  r.status = r.checked == 0 ? "NOT_EVALUATED" : (r.failures.empty() ? "PASS" : "FAIL");
  if (r.checked == 0) r.note = "no pair figure to check";
  return r;
}

std::string fabric_heatmap_svg(const std::vector<std::vector<double>>& values, const std::vector<std::string>& hosts,
                               const std::vector<std::pair<int, int>>& flagged, const std::string& unit) {
  const int n = static_cast<int>(values.size());
  std::vector<double> all;
  for (const auto& row : values)
    for (double v : row)
      if (std::isfinite(v)) all.push_back(v);
  if (all.empty() || n == 0) return "<p class=\"note\">no pair figures</p>";
  const double med = median(all);
  const bool lower_better = unit == "s";
  auto fraction = [&](double v) { return !std::isfinite(v) || med <= 0 ? NAN : (lower_better ? med / v : v / med); };
  std::set<std::pair<int, int>> flags;
  for (auto [a, b] : flagged) {
    flags.insert({a, b});
    flags.insert({b, a});
  }
  std::string o;
  if (n <= kCellsUpTo) {
    const int cell = std::max(9, 576 / n), label = n <= 32 ? 150 : 0;
    const int side = label + cell * n;
    o += fmt::format("<svg class=\"fabric-heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
                     "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"node by node heat map\">",
                     side + 2, side + 2, side + 2, side + 2);
    for (int i = 0; i < n && label > 0; ++i) {
      o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>", label - 4,
                       label + i * cell + cell / 2 + 4, html_escape(hosts[std::size_t(i)]));
      o += fmt::format("<text transform=\"translate({},{}) rotate(-60)\" font-size=\"11\">{}</text>",
                       label + i * cell + cell / 2, label - 4, html_escape(hosts[std::size_t(i)]));
    }
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        const double v = values[std::size_t(i)][std::size_t(j)];
        const bool flag = flags.count({i, j}) > 0;
        o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}><title>{} → {}: {}</title></rect>",
                         label + j * cell, label + i * cell, cell - 1, cell - 1, i == j ? "#ffffff" : colour(fraction(v)),
                         flag ? " stroke=\"#111\" stroke-width=\"2\" data-flagged=\"1\"" : "",
                         html_escape(hosts[std::size_t(i)]), html_escape(hosts[std::size_t(j)]),
                         std::isfinite(v) ? format_si(v, unit) : std::string("not measured"));
      }
    o += "</svg>";
  } else {
    // Summary: one cell per node, its worst pair; rows of 64.
    const int cell = 9, per_row = kCellsUpTo, rows = (n + per_row - 1) / per_row;
    o += fmt::format("<p class=\"note\">{} nodes: one cell per node, coloured by its worst pair (hover for the "
                     "figure); the flagged pairs are listed below.</p>", n);
    o += fmt::format("<svg class=\"fabric-heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\">",
                     per_row * cell, rows * cell);
    for (int i = 0; i < n; ++i) {
      double worst = NAN;
      for (int j = 0; j < n; ++j) {
        const double fr = fraction(values[std::size_t(i)][std::size_t(j)]);
        if (std::isfinite(fr) && (!std::isfinite(worst) || fr < worst)) worst = fr;
      }
      o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: worst pair {} of the "
                       "median</title></rect>",
                       (i % per_row) * cell, (i / per_row) * cell, cell - 1, cell - 1, colour(worst),
                       html_escape(hosts[std::size_t(i)]), std::isfinite(worst) ? percent(worst) : std::string("n/a"));
    }
    o += "</svg>";
  }
  o += fmt::format("<p class=\"note\">Median pair {}; colour: fraction of the median pair (red 0, green at or above "
                   "it); outlined: flagged.</p>",
                   format_si(med, unit));
  return o;
}

std::string render_fabric_html(const ReportInputs& in) {
  const ReportCase* fc = in.analysis && in.analysis->results ? fabric_case(*in.analysis->results) : nullptr;
  if (!fc) return {};
  const json& f = fc->info.at("fabric");
  const auto j = judge_fabric(f, display_rule(in, f));
  std::string o = fmt::format("<h2 id=\"fabric\">Fabric: node pairs</h2><p class=\"note\">{} nodes, {} rail(s), "
                              "transport {}; every pair in the circle schedule, each pair of a round at once, pairs "
                              "that fell short measured again alone. {}</p>",
                              j.nodes, j.rails, html_escape(f.value("transport", "")),
                              html_escape(f.value("note", "")));
  const bool bounded = f.contains("form");
  for (const char* metric : {"bandwidth_uni", "bandwidth_bidir", "latency"}) {
    if (bounded) {
      o += fabric_summary_html(f, j, metric);
      continue;
    }
    std::int64_t size = 0;
    const auto m = final_matrix(f, metric, &size);
    if (size == 0) continue;
    std::vector<std::pair<int, int>> flagged;
    for (const auto& fl : j.flagged)
      if (fl.metric == metric) flagged.emplace_back(fl.a, fl.b);
    o += fmt::format("<h3>{} at {} (row sends to column)</h3>", metric, format_bytes(double(size)));
    o += fabric_heatmap_svg(m, j.hosts, flagged, metric == std::string("latency") ? "s" : "B/s");
  }
  o += fmt::format("<p id=\"fabric-shared\"><b>{}</b></p>", html_escape(shared_text(j)));
  if (!j.flagged.empty() || !j.node_flags.empty()) {
    o += "<ul class=\"fail\">";
    for (const auto& line : flag_lines(j)) o += "<li>" + html_escape(line) + "</li>";
    o += "</ul>";
  }
  for (const auto& line : j.checked) o += "<p class=\"note\">" + html_escape(line) + "</p>";
  return o;
}

std::string render_fabric_markdown(const ReportInputs& in) {
  const ReportCase* fc = in.analysis && in.analysis->results ? fabric_case(*in.analysis->results) : nullptr;
  if (!fc) return {};
  const json& f = fc->info.at("fabric");
  const auto j = judge_fabric(f, display_rule(in, f));
  std::string o = fmt::format("## Fabric: node pairs\n\n{} nodes, {} rail(s), transport {}. {}\n\n", j.nodes, j.rails,
                              md_escape(f.value("transport", "")), md_escape(f.value("note", "")));
  for (const auto& line : j.checked) o += "- " + md_escape(line) + "\n";
  o += "\n**" + md_escape(shared_text(j)) + "**\n\n";
  for (const auto& line : flag_lines(j)) o += "- " + md_escape(line) + "\n";
  if (f.contains("form")) return o + "\n";  // the bounded form: above 256 nodes, no matrix
  // The matrix itself, while it fits a page.
  std::int64_t size = 0;
  const auto m = final_matrix(f, "bandwidth_uni", &size);
  if (size > 0 && j.nodes <= 16) {
    o += fmt::format("\nOne-way bandwidth at {} (row sends to column):\n\n| |", format_bytes(double(size)));
    for (const auto& h : j.hosts) o += " " + md_escape(h) + " |";
    o += "\n|---|";
    for (std::size_t i = 0; i < j.hosts.size(); ++i) o += "---|";
    o += "\n";
    for (std::size_t i = 0; i < m.size(); ++i) {
      o += "| " + md_escape(j.hosts[i]) + " |";
      for (double v : m[i]) o += " " + (std::isfinite(v) ? format_si(v, "B/s") : std::string("—")) + " |";
      o += "\n";
    }
  }
  return o + "\n";
}

}  // namespace capbench
