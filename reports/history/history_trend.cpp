// Trend page: a summary first (the latest run's verdict and its regressions, then a small-multiples
// index), then one chart per measurement, grouped by benchmark: a polyline per device of its
// per-run median, with red rings where that night's check called a regression.
#include "common/utf8.hpp"
#include "reports/history/history_trend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"

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
  std::vector<std::string> same_timing;              // metrics of the same measurement, not charted
  bool latest_regression = false;
};

const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                          "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79"};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t at; (at = s.find(sep, from)) != std::string::npos; from = at + 1) out.push_back(s.substr(from, at - from));
  out.push_back(s.substr(from));
  return out;
}

std::string words(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string binary_size(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return std::abs(bytes - std::round(bytes)) < 1e-9 ? fmt::format("{:.0f} {}", bytes, units[u])
                                                    : fmt::format("{:.3g} {}", bytes, units[u]);
}

// Labels in words: {"size_bytes":1048576} -> "1 MiB"; {"peer":1} -> "peer 1".
std::string labels_in_words(const std::string& labels_json) {
  if (labels_json.empty()) return "";
  const json labels = json::parse(labels_json, nullptr, false);
  if (!labels.is_object()) return labels_json;
  std::vector<std::string> parts;
  for (const auto& [key, value] : labels.items()) {
    if (key == "size_bytes" && value.is_number())
      parts.push_back(binary_size(value.get<double>()));
    else
      parts.push_back(words(key) + " " + (value.is_string() ? value.get<std::string>() : json_text(value)));
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// "collective/all_reduce/fp32/out_of_place" busbw {"size_bytes":1048576}
//   -> "all_reduce busbw, 1 MiB (fp32, out of place)"
std::string chart_title(const Chart& c) {
  const auto parts = split(c.case_id, '/');
  const bool collective = parts.size() >= 2 && parts[0] == "collective";
  std::string title = (collective ? parts[1] : parts[0]) + " " + words(c.metric);
  const std::string labels = labels_in_words(c.labels);
  if (!labels.empty()) title += ", " + labels;
  std::string details;
  for (std::size_t i = collective ? 2 : 1; i < parts.size(); ++i) details += (details.empty() ? "" : ", ") + words(parts[i]);
  if (!details.empty()) title += " (" + details + ")";
  return title;
}

std::string benchmark_of(const Chart& c) { return split(c.case_id, '/').front(); }

std::string anchor_of(const std::string& chart_key) {
  std::string out = "c";
  for (unsigned char ch : chart_key) out += std::isalnum(ch) ? static_cast<char>(ch) : '-';
  return out;
}

// Run labels that tell the runs apart: the shortest of date, date and minute, date and second
// that is different for every run; else that with the run's number.
std::vector<std::string> run_labels(const std::vector<HistoryRun>& runs) {
  auto cut = [](const std::string& iso, int form) {
    if (iso.size() < 19) return iso;
    std::string date = iso.substr(5, 5), minute = iso.substr(11, 5), second = iso.substr(11, 8);
    return form == 0 ? date : form == 1 ? date + " " + minute : date + " " + second;
  };
  for (int form = 0; form < 3; ++form) {
    std::set<std::string> seen;
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(cut(r.started_at, form));
    seen.insert(out.begin(), out.end());
    if (seen.size() == out.size()) return out;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < runs.size(); ++i) out.push_back(fmt::format("#{} {}", i + 1, cut(runs[i].started_at, 2)));
  return out;
}

struct Scale {
  double hi = 1;
};

// Every charted quantity is a rate or a time: the axis starts at zero, so a 3 % dip looks like one.
Scale scale_of(const Chart& c) {
  double hi = 0;
  for (const auto& [k, pts] : c.series)
    for (const auto& p : pts) hi = std::max(hi, p.median);
  return {hi > 0 ? hi * 1.08 : 1.0};
}

std::string render_chart(const Chart& c, const std::string& key, const std::vector<HistoryRun>& runs,
                         const std::vector<std::string>& labels) {
  constexpr double W = 760, H = 260, left = 80, right = 20, top = 20, bottom = 44;
  const Scale s = scale_of(c);
  const std::size_t nruns = runs.size();
  auto x = [&](std::size_t i) {
    return nruns <= 1 ? left + (W - left - right) / 2 : left + (W - left - right) * static_cast<double>(i) / (nruns - 1);
  };
  auto y = [&](double v) { return top + (H - top - bottom) * (1.0 - v / s.hi); };

  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">)", W, H);
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#999"/>)", left, top,
                     W - left - right, H - top - bottom);
  for (int t = 0; t <= 4; ++t) {
    const double v = s.hi * t / 4.0;
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" font-size="10" text-anchor="end">{}</text>)", left - 4, y(v) + 3,
                       html_escape(t == 0 ? std::string("0") : format_si(v, c.unit)));
  }
  // Up to six time ticks, always the first and the last run.
  const std::size_t ticks = std::min<std::size_t>(nruns, 6);
  std::set<std::size_t> tick_runs;
  for (std::size_t t = 0; t < ticks; ++t)
    tick_runs.insert(ticks <= 1 ? 0 : static_cast<std::size_t>(std::lround(static_cast<double>(t) * (nruns - 1) / (ticks - 1))));
  for (std::size_t i : tick_runs) {
    const char* anchor = i == 0 && nruns > 1 ? "start" : i + 1 == nruns && nruns > 1 ? "end" : "middle";
    svg += fmt::format(R"(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" stroke="#999"/>)", x(i), H - bottom,
                       H - bottom + 4);
    svg += fmt::format(R"(<text class="tick" x="{:.1f}" y="{}" font-size="10" text-anchor="{}">{}</text>)", x(i),
                       H - bottom + 16, anchor, html_escape(labels[i]));
  }
  std::size_t colour = 0;
  std::string legend;
  for (const auto& [series_key, pts] : c.series) {
    const char* col = kPalette[colour++ % std::size(kPalette)];
    std::string path;
    for (const auto& p : pts) path += fmt::format("{:.1f},{:.1f} ", x(p.run_index), y(p.median));
    svg += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/>)", col, path);
    for (const auto& p : pts) {
      svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"><title>{} {}: {}</title></circle>)",
                         x(p.run_index), y(p.median), col, html_escape(c.series_label.at(series_key)),
                         html_escape(labels[p.run_index]), html_escape(format_si(p.median, c.unit)));
      if (p.regression)
        svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="7" fill="none" stroke="#d62728" stroke-width="2"/>)",
                           x(p.run_index), y(p.median));
    }
    legend += fmt::format(R"(<span style="color:{}">&#9632;</span> {} &nbsp; )", col,
                          html_escape(c.series_label.at(series_key)));
  }
  svg += "</svg>";
  std::string html = fmt::format("<h3 id=\"{}\">{}</h3>\n", anchor_of(key), html_escape(chart_title(c)));
  if (!c.same_timing.empty())
    html += fmt::format("<p class=\"legend\">{} ({}) from the same timing: one comparison, not charted again.</p>\n",
                        html_escape(fmt::format("{}", fmt::join(c.same_timing, ", "))), html_escape(c.case_id));
  html += svg + "\n<p class=\"legend\">" + legend + "</p>\n";
  for (const auto& n : c.notes) html += "<p class=\"reg\">" + html_escape(n) + "</p>\n";
  return html;
}

// A thumbnail for the index: every series' line on the chart's own zero-based scale.
std::string render_thumbnail(const Chart& c, const std::string& key, std::size_t nruns) {
  constexpr double W = 150, H = 44;
  const Scale s = scale_of(c);
  auto x = [&](std::size_t i) { return nruns <= 1 ? W / 2 : 2 + (W - 4) * static_cast<double>(i) / (nruns - 1); };
  auto y = [&](double v) { return 2 + (H - 4) * (1.0 - v / s.hi); };
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}">)", W, H);
  std::size_t colour = 0;
  for (const auto& [series_key, pts] : c.series) {
    std::string path;
    for (const auto& p : pts) path += fmt::format("{:.1f},{:.1f} ", x(p.run_index), y(p.median));
    svg += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1" points="{}"/>)",
                       kPalette[colour++ % std::size(kPalette)], path);
  }
  svg += "</svg>";
  return fmt::format(R"(<a class="thumb{}" href="#{}">{}<span>{}</span></a>)", c.latest_regression ? " bad" : "",
                     anchor_of(key), svg, html_escape(chart_title(c)));
}

std::string where(const CheckRow& r) {
  if (r.scope == "system") return "system sum";
  if (r.scope == "job") return "job (slowest rank)";
  if (r.scope == "node") return "node sum";
  return fmt::format("rank {}", r.rank);
}

std::string regression_table(const std::vector<std::pair<std::string, const CheckRow*>>& rows, bool with_run) {
  std::string html = "<table class=\"regs\"><tr>";
  if (with_run) html += "<th>run</th>";
  html += "<th>case</th><th>host</th><th>GPU</th><th>change</th><th>p (adjusted)</th></tr>\n";
  for (const auto& [run, r] : rows) {
    Chart c{r->case_id, r->metric, r->unit, r->labels, {}, {}, {}, {}, false};
    html += "<tr class=\"reg-row\">";
    if (with_run) html += "<td>" + html_escape(run) + "</td>";
    html += fmt::format("<td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}{}</td><td class=\"change\">{:+.1f}%</td>"
                        "<td>{:.2g} ({:.2g})</td></tr>\n",
                        anchor_of(r->case_id + "\x1f" + r->metric + "\x1f" + r->labels), html_escape(chart_title(c)),
                        html_escape(r->host.empty() ? "-" : r->host), html_escape(where(*r)),
                        html_escape(r->device.empty() || r->scope != "gpu" ? "" : " (" + r->device + ")"),
                        100.0 * r->cmp.change, r->cmp.p, r->cmp.p_adjusted);
  }
  return html + "</table>\n";
}

constexpr const char* kTrendHead = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>capbench nightly trend</title>
<style>body{font-family:sans-serif;margin:1.2em 2em;max-width:980px}h1{font-size:1.3em;margin:0 0 .3em}
h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ccc}h3{font-size:1em;margin-top:1.5em}
.legend{font-size:0.8em}.reg{color:#d62728;font-size:0.85em}.verdict{font-size:1.05em;margin:.4em 0}
.bad-verdict{color:#fff;background:#c0392b;padding:.3em .6em;display:inline-block}
.ok-verdict{color:#fff;background:#2e7d32;padding:.3em .6em;display:inline-block}
.short-verdict{color:#000;background:#f2c200;padding:.3em .6em;display:inline-block}
table.regs{border-collapse:collapse;font-size:0.85em;margin:.3em 0}table.regs td,table.regs th{border:1px solid #ccc;padding:2px 6px;text-align:left}
tr.reg-row td.change{color:#c0392b;font-weight:bold}.rule{font-size:0.8em;color:#444}
.index{display:flex;flex-wrap:wrap;gap:4px}.thumb{display:inline-block;width:150px;font-size:0.7em;color:#222;text-decoration:none;border:1px solid #ddd;padding:2px}
.thumb.bad{border:2px solid #c0392b}.thumb span{display:block;height:2.4em;overflow:hidden}.bench{font-size:0.8em;font-weight:bold;margin:.5em 0 .2em}</style></head><body>
)";

// The runs of the trend: one suite on one backend (by default the latest run's), the last ones.
std::vector<HistoryRun> trend_runs(HistoryDb& db, const TrendOptions& opt, std::string& suite, std::string& backend) {
  const auto all = list_runs(db);
  if (all.empty()) throw HistoryError(fmt::format("{}: the history holds no runs", db.path()));
  suite = opt.suite.empty() ? all.back().suite : opt.suite;
  backend = opt.backend.empty() ? all.back().backend : opt.backend;
  std::vector<HistoryRun> runs;
  for (const auto& r : all)
    if (r.suite == suite && r.backend == backend) runs.push_back(r);
  if (runs.empty()) throw HistoryError(fmt::format("{}: no runs of suite '{}' on backend {}", db.path(), suite, backend));
  if (opt.last_runs > 0 && runs.size() > static_cast<std::size_t>(opt.last_runs))
    runs.erase(runs.begin(), runs.end() - opt.last_runs);
  return runs;
}

// Each run checked as the nightly check would have checked it then, and every device's median
// per run, one chart per measurement (ordered by case, metric, labels).
struct TrendData {
  std::map<std::string, Chart> charts;
  std::vector<CheckReport> checks;  // one per run
};

TrendData gather_trend(HistoryDb& db, const TrendOptions& opt, const std::vector<HistoryRun>& runs,
                       const std::vector<std::string>& labels) {
  TrendData t;
  auto& charts = t.charts;
  auto& checks = t.checks;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    CheckOptions co = opt.check;
    co.run = runs[i].run_id;
    checks.push_back(check_history(db, co));
    const CheckReport& check = checks.back();
    std::set<std::string> flagged, measured;
    for (const auto& row : check.rows) {
      if (row.metric.empty()) continue;  // a failed rank
      const std::string ck = row.case_id + "\x1f" + row.metric + "\x1f" + row.labels;
      measured.insert(ck);
      Chart& c = charts[ck];
      if (c.same_timing.empty()) c.same_timing = row.same_timing;
      if (row.cmp.verdict != Verdict::kRegression) continue;
      if (i + 1 == runs.size()) c.latest_regression = true;
      if (row.scope == "gpu" || row.scope == "job") {
        flagged.insert(ck + "\x1f" + row.device);
      } else {
        c.notes.push_back(fmt::format("{}: regression of the {} on {}: {:+.1f}% (p {:.2g}, adjusted {:.2g})", labels[i],
                                      row.scope == "node" ? "node sum" : "system sum",
                                      row.scope == "node" ? row.host : "the system", 100.0 * row.cmp.change, row.cmp.p,
                                      row.cmp.p_adjusted));
      }
    }
    for (const auto& d : run_device_medians(db, runs[i].row)) {
      const std::string ck = d.case_id + "\x1f" + d.metric + "\x1f" + d.labels;
      if (!measured.count(ck)) continue;  // spoken for by another metric of the same timing
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
  return t;
}

// Charts by case and metric, message sizes in numeric order (4 KiB before 1 MiB).
std::vector<std::pair<std::string, const Chart*>> ordered_charts(const std::map<std::string, Chart>& charts) {
  std::vector<std::pair<std::string, const Chart*>> ordered;
  for (const auto& [k, c] : charts)
    if (!c.series.empty()) ordered.emplace_back(k, &c);
  auto size_of = [](const Chart& c) {
    const json l = json::parse(c.labels.empty() ? "{}" : c.labels, nullptr, false);
    return l.is_object() && l.contains("size_bytes") && l["size_bytes"].is_number() ? l["size_bytes"].get<double>() : 0.0;
  };
  std::stable_sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) {
    return std::tie(a.second->case_id, a.second->metric) < std::tie(b.second->case_id, b.second->metric) ||
           (std::tie(a.second->case_id, a.second->metric) == std::tie(b.second->case_id, b.second->metric) &&
            size_of(*a.second) < size_of(*b.second));
  });
  return ordered;
}

// The latest run's verdict and its regressions first, then the rule that calls one.
std::string verdict_html(const std::vector<CheckReport>& checks, const std::vector<std::string>& labels,
                         const TrendOptions& opt, std::vector<std::pair<std::string, const CheckRow*>>& earlier) {
  std::string html;
  const CheckReport& latest = checks.back();
  std::vector<std::pair<std::string, const CheckRow*>> now;
  for (std::size_t i = 0; i < checks.size(); ++i)
    for (const auto& row : checks[i].rows)
      if (row.cmp.verdict == Verdict::kRegression && !row.explained)
        (i + 1 == checks.size() ? now : earlier).emplace_back(labels[i], &row);
  const int code = check_exit_code(latest);
  html += fmt::format("<p class=\"verdict\">Latest run <b>{}</b> ({}): ", html_escape(latest.run_id), html_escape(labels.back()));
  if (code == 1)
    html += fmt::format("<span class=\"bad-verdict\">{} regression(s), {} failed rank(s)</span></p>\n", now.size(),
                        latest.failures());
  else if (code == kCheckShortBaseline)
    html += fmt::format("<span class=\"short-verdict\">no regression; {} series not checked (short baseline)</span></p>\n",
                        latest.short_baselines());
  else
    html += "<span class=\"ok-verdict\">no regression</span></p>\n";
  if (!now.empty()) html += regression_table(now, false);
  if (latest.transient() > 0)
    html += fmt::format(
        "<p class=\"rule\">{} drop(s) of the first check were not confirmed by the re-measurement of their cases "
        "(transient, not alarms; <code>capreport history check</code> lists both measurements).</p>\n",
        latest.transient());
  html += fmt::format(
      "<p class=\"rule\">A regression: worse by at least {:.0f}% and by {} night-to-night spreads of the series' "
      "baseline ({}, at least {} runs), and significant at a false-discovery rate of {} over the check's comparisons "
      "(Benjamini-Hochberg). Each chart is one measurement: each device's median per run, from zero; a red ring marks "
      "a run whose check called a regression on it.</p>\n",
      100.0 * opt.check.min_effect, opt.check.noise_multiple, html_escape(opt.check.baseline),
      opt.check.min_baseline_runs, opt.check.alpha);
  return html;
}

}  // namespace

std::string render_trend_html(HistoryDb& db, const TrendOptions& opt) {
  std::string suite, backend;
  const auto runs = trend_runs(db, opt, suite, backend);
  const auto labels = run_labels(runs);
  const TrendData data = gather_trend(db, opt, runs, labels);
  const auto ordered = ordered_charts(data.charts);
  std::vector<std::string> benchmarks;
  for (const auto& [k, c] : ordered)
    if (std::find(benchmarks.begin(), benchmarks.end(), benchmark_of(*c)) == benchmarks.end())
      benchmarks.push_back(benchmark_of(*c));

  std::string html = kTrendHead;
  html += fmt::format("<h1>Nightly trend: suite {} ({} backend), {} runs, {} to {}</h1>\n", html_escape(suite),
                      html_escape(backend), runs.size(), html_escape(labels.front()), html_escape(labels.back()));
  std::vector<std::pair<std::string, const CheckRow*>> earlier;
  html += verdict_html(data.checks, labels, opt, earlier);

  html += "<h2>Index</h2>\n";
  for (const auto& b : benchmarks) {
    html += "<div class=\"bench\">" + html_escape(b) + "</div><div class=\"index\">";
    for (const auto& [k, c] : ordered)
      if (benchmark_of(*c) == b) html += render_thumbnail(*c, k, runs.size());
    html += "</div>\n";
  }
  if (!earlier.empty()) {
    html += "<h2>Earlier regressions in this window</h2>\n";
    html += regression_table(earlier, true);
  }
  for (const auto& b : benchmarks) {
    html += "<h2>" + html_escape(b) + "</h2>\n";
    for (const auto& [k, c] : ordered)
      if (benchmark_of(*c) == b) html += render_chart(*c, k, runs, labels);
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace capbench
