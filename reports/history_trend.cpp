// Trend page: for each metric, a polyline per device of its per-run median, with red rings
// where that night's check called a regression.
#include "reports/history_trend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "reports/summary.hpp"
#include "reports/text_escape.hpp"

namespace capbench {

namespace {

struct Point {
  std::size_t run_index;
  double median;
  bool regression;
};

struct Chart {
  std::string case_id, metric, unit, labels;
  std::map<std::string, std::vector<Point>> series;  // series key -> points
  std::map<std::string, std::string> series_label;   // series key -> "host rank N"
  std::vector<std::string> notes;                    // node and system regressions
};

const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                          "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79"};

std::string render_chart(const Chart& c, const std::vector<HistoryRun>& runs) {
  constexpr double W = 760, H = 260, left = 80, right = 20, top = 20, bottom = 40;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& [k, pts] : c.series)
    for (const auto& p : pts) {
      lo = std::min(lo, p.median);
      hi = std::max(hi, p.median);
    }
  if (!(hi >= lo)) return "";
  const double pad = (hi - lo) > 0 ? 0.08 * (hi - lo) : std::max(1e-12, 0.05 * std::abs(hi));
  lo -= pad;
  hi += pad;
  const std::size_t nruns = runs.size();
  auto x = [&](std::size_t i) {
    return nruns <= 1 ? left + (W - left - right) / 2 : left + (W - left - right) * static_cast<double>(i) / (nruns - 1);
  };
  auto y = [&](double v) { return top + (H - top - bottom) * (1.0 - (v - lo) / (hi - lo)); };

  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">)", W, H);
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#999"/>)", left, top,
                     W - left - right, H - top - bottom);
  for (int t = 0; t <= 4; ++t) {
    const double v = lo + (hi - lo) * t / 4.0;
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" font-size="10" text-anchor="end">{}</text>)", left - 4, y(v) + 3,
                       html_escape(format_si(v, c.unit)));
  }
  if (nruns > 0) {
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="10">{}</text>)", left, H - 22,
                       html_escape(runs.front().started_at.substr(0, 16)));
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>)", W - right, H - 22,
                       html_escape(runs.back().started_at.substr(0, 16)));
  }
  std::size_t colour = 0;
  std::string legend;
  for (const auto& [key, pts] : c.series) {
    const char* col = kPalette[colour++ % std::size(kPalette)];
    std::string path;
    for (const auto& p : pts) path += fmt::format("{:.1f},{:.1f} ", x(p.run_index), y(p.median));
    svg += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/>)", col, path);
    for (const auto& p : pts) {
      svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"><title>{} {}: {}</title></circle>)",
                         x(p.run_index), y(p.median), col, html_escape(c.series_label.at(key)),
                         html_escape(runs[p.run_index].run_id), html_escape(format_si(p.median, c.unit)));
      if (p.regression)
        svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="7" fill="none" stroke="#d62728" stroke-width="2"/>)",
                           x(p.run_index), y(p.median));
    }
    legend += fmt::format(R"(<span style="color:{}">&#9632;</span> {} &nbsp; )", col,
                          html_escape(c.series_label.at(key)));
  }
  svg += "</svg>";
  std::string html = fmt::format("<h2>{} &mdash; {}{}</h2>\n", html_escape(c.case_id), html_escape(c.metric),
                                 c.labels.empty() ? "" : " " + html_escape(c.labels));
  html += svg + "\n<p class=\"legend\">" + legend + "</p>\n";
  for (const auto& n : c.notes) html += "<p class=\"reg\">" + html_escape(n) + "</p>\n";
  return html;
}

}  // namespace

std::string render_trend_html(HistoryDb& db, const TrendOptions& opt) {
  const auto all = list_runs(db);
  if (all.empty()) throw HistoryError(fmt::format("{}: the history holds no runs", db.path()));
  const std::string suite = opt.suite.empty() ? all.back().suite : opt.suite;
  const std::string backend = opt.backend.empty() ? all.back().backend : opt.backend;
  std::vector<HistoryRun> runs;
  for (const auto& r : all)
    if (r.suite == suite && r.backend == backend) runs.push_back(r);
  if (runs.empty()) throw HistoryError(fmt::format("{}: no runs of suite '{}' on backend {}", db.path(), suite, backend));
  if (opt.last_runs > 0 && runs.size() > static_cast<std::size_t>(opt.last_runs))
    runs.erase(runs.begin(), runs.end() - opt.last_runs);

  std::map<std::string, Chart> charts;  // ordered by case, metric, labels
  for (std::size_t i = 0; i < runs.size(); ++i) {
    CheckOptions co = opt.check;
    co.run = runs[i].run_id;
    const CheckReport check = check_history(db, co);
    std::set<std::string> flagged;
    for (const auto& row : check.rows) {
      if (row.cmp.verdict != Verdict::kRegression) continue;
      const std::string ck = row.case_id + "\x1f" + row.metric + "\x1f" + row.labels;
      if (row.scope == "gpu" || row.scope == "job") {
        flagged.insert(ck + "\x1f" + row.device);
      } else {
        Chart& c = charts[ck];
        c.notes.push_back(fmt::format("{}: regression of the {} on {}: {:+.1f}% (p {:.2g})", runs[i].run_id,
                                      row.scope == "node" ? "node sum" : "system sum",
                                      row.scope == "node" ? row.host : "the system", 100.0 * row.cmp.change, row.cmp.p));
      }
    }
    for (const auto& d : run_device_medians(db, runs[i].row)) {
      const std::string ck = d.case_id + "\x1f" + d.metric + "\x1f" + d.labels;
      Chart& c = charts[ck];
      c.case_id = d.case_id;
      c.metric = d.metric;
      c.unit = d.unit;
      c.labels = d.labels;
      c.series[d.series].push_back({i, d.median, flagged.count(ck + "\x1f" + d.series) > 0});
      c.series_label[d.series] = d.rank == kJobRank ? std::string("job-wide (slowest rank per iteration)")
                                                    : fmt::format("{} rank {} ({})", d.host, d.rank, d.series);
    }
  }

  std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>capbench nightly trend</title>
<style>body{font-family:sans-serif;margin:2em;max-width:800px}h2{font-size:1em;margin-top:2em}
.legend{font-size:0.8em}.reg{color:#d62728;font-size:0.85em}</style></head><body>
)";
  html += fmt::format("<h1>Nightly trend: suite {} ({} backend)</h1>\n", html_escape(suite), html_escape(backend));
  html += fmt::format(
      "<p>{} runs from {} to {}. Each line is one device's median per run (or, for a collective, the job's: "
      "each iteration timed by its slowest rank); a red ring marks a run whose check found a regression on it (one-sided Mann-Whitney U, alpha {}, and a median at least {:.0f}% worse "
      "than the baseline {}).</p>\n",
      runs.size(), html_escape(runs.front().started_at), html_escape(runs.back().started_at), opt.check.alpha,
      100.0 * opt.check.min_effect, html_escape(opt.check.baseline));
  for (const auto& [k, c] : charts)
    if (!c.series.empty()) html += render_chart(c, runs);
  html += "</body></html>\n";
  return html;
}

}  // namespace capbench
