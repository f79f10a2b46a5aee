// Side-by-side comparison of two results files; see compare.hpp.
#include "reports/history/compare.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <fstream>
#include <map>
#include <sstream>

#include "common/config_parse_guard.hpp"
#include "common/input_limits.hpp"
#include "common/utf8.hpp"
#include "common/config_node.hpp"
#include "common/results.hpp"
#include "common/stats.hpp"
#include "reports/history/mann_whitney.hpp"
#include "reports/render/summary.hpp"

namespace capbench {

namespace {

struct Series {
  std::string unit;
  bool higher_better = true;
  std::vector<double> samples;
  // Ranks whose figure came with stats only (a large run keeps samples for a few ranks): the
  // pooled samples would then stand for those few ranks, not the case, so none are compared.
  std::size_t ranks_stats_only = 0;
};
using SeriesMap = std::map<std::string, Series>;

json read_json(const std::string& path) {
  const std::string text = read_file_bounded(path, kMaxResultsBytes, "a results file");
  json j;
  try {
    ConfigParseGuard guard(path, kMaxResultsDepth, SIZE_MAX, "a results file");
    j = json::parse(text, std::ref(guard));
  } catch (const json::exception&) {
    throw ConfigError(path, "", "valid JSON (a capbench results file or Google Benchmark output)");
  }
  return j;
}

bool is_google_benchmark(const json& j) { return j.is_object() && j.contains("context") && j.contains("benchmarks"); }

double seconds_per_unit(const std::string& unit, const std::string& file, const std::string& key) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1.0;
  throw ConfigError(file, key, "a time_unit of ns, us, ms or s");
}

// Google Benchmark: each repetition of a benchmark is one sample of its real time; the
// aggregates it adds (mean, median, stddev, cv) are not samples and are skipped.
SeriesMap google_benchmark_series(const json& j, const std::string& file) {
  const json& list = j.at("benchmarks");
  if (!list.is_array()) throw ConfigError(file, "benchmarks", "an array");
  SeriesMap out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& b = list[i];
    const std::string at = fmt::format("benchmarks[{}]", i);
    if (!b.is_object()) throw ConfigError(file, at, "an object");
    if (b.value("run_type", std::string("iteration")) == "aggregate") continue;
    if (b.contains("error_occurred") && b["error_occurred"].is_boolean() && b["error_occurred"].get<bool>()) continue;
    const std::string name = b.contains("run_name") && b["run_name"].is_string() ? b["run_name"].get<std::string>()
                             : b.contains("name") && b["name"].is_string()    ? b["name"].get<std::string>()
                                                                              : "";
    if (name.empty()) throw ConfigError(file, at + ".name", "a benchmark name");
    if (!b.contains("real_time") || !b["real_time"].is_number())
      throw ConfigError(file, at + ".real_time", "a number (the repetition's real time)");
    const double t = b["real_time"].get<double>();
    if (!std::isfinite(t) || t < 0) throw ConfigError(file, at + ".real_time", "a finite time >= 0");
    const std::string unit = b.value("time_unit", std::string("ns"));
    Series& s = out[name];
    s.unit = "s";
    s.higher_better = false;
    s.samples.push_back(t * seconds_per_unit(unit, file, at + ".time_unit"));
  }
  return out;
}

std::string series_key(const CaseResult& c, const Metric& m, bool job) {
  std::string key = c.id + (job ? " job " : " ") + m.name;
  if (!m.labels.empty()) key += " " + json_text(m.labels);
  return key;
}

// One rank's (or the job's) metric joins its series; a metric that kept only its statistics
// is counted, so the series is reported as "stats only" instead of pooled.
void add(Series& s, const Metric& m) {
  s.unit = m.unit;
  s.higher_better = m.unit != "s";
  if (m.samples.empty() && m.stats.n > 0) ++s.ranks_stats_only;
  s.samples.insert(s.samples.end(), m.samples.begin(), m.samples.end());
}

// capbench: per case, metric and label set, the samples of every rank that ran and verified;
// a case's job-wide metrics (results/2 collectives) are the series "<case> job <metric>",
// taken only when every rank of the case is sound.
SeriesMap capbench_series(const std::string& path) {
  const ResultsFile r = read_results_file(path);
  SeriesMap out;
  for (const auto& c : r.cases) {
    bool all_sound = !c.ranks.empty();
    for (const auto& rr : c.ranks) {
      if (rr.status != "ok" || rr.verification.status == "failed") {
        all_sound = false;
        continue;
      }
      for (const auto& m : rr.metrics) add(out[series_key(c, m, false)], m);
    }
    if (!all_sound) continue;
    for (const auto& m : c.metrics) add(out[series_key(c, m, true)], m);
  }
  return out;
}

}  // namespace

CompareReport compare_files(const std::string& path_a, const std::string& path_b, double alpha, double min_effect) {
  const json a = read_json(path_a), b = read_json(path_b);
  const bool gb_a = is_google_benchmark(a), gb_b = is_google_benchmark(b);
  if (gb_a != gb_b)
    throw ConfigError(gb_a ? path_b : path_a, "",
                      "the same kind of file as the other (one is Google Benchmark output, the other is not)");
  CompareReport report;
  report.kind = gb_a ? "google-benchmark" : "capbench";
  const SeriesMap sa = gb_a ? google_benchmark_series(a, path_a) : capbench_series(path_a);
  const SeriesMap sb = gb_b ? google_benchmark_series(b, path_b) : capbench_series(path_b);
  for (const auto& [name, x] : sa) {
    auto it = sb.find(name);
    if (it == sb.end()) {
      report.only_a.push_back(name);
      continue;
    }
    const Series& y = it->second;
    CompareRow row;
    row.name = name;
    row.unit = x.unit;
    row.higher_better = x.higher_better;
    if (x.ranks_stats_only > 0 || y.ranks_stats_only > 0) {
      // n stays 0: no pooled sample set stands for the whole case.
      row.verdict = "no samples (stats only: a large run kept samples for some ranks)";
      report.rows.push_back(std::move(row));
      continue;
    }
    row.n_a = x.samples.size();
    row.n_b = y.samples.size();
    if (x.samples.empty() || y.samples.empty()) {
      row.verdict = "no samples";
      report.rows.push_back(std::move(row));
      continue;
    }
    row.median_a = median(x.samples);
    row.median_b = median(y.samples);
    row.ratio = row.median_a != 0 ? row.median_b / row.median_a : 0;
    row.p = mann_whitney(y.samples, x.samples, Alternative::kTwoSided).p;
    const double change = row.ratio > 0 ? row.ratio - 1.0 : 0.0;
    const bool b_better = row.higher_better ? change > 0 : change < 0;
    if (row.p < alpha && std::abs(change) >= min_effect)
      row.verdict = b_better ? "B faster" : "B slower";
    else
      row.verdict = "same";
    report.rows.push_back(std::move(row));
  }
  for (const auto& [name, y] : sb)
    if (!sa.count(name)) report.only_b.push_back(name);
  return report;
}

std::string render_compare_table(const CompareReport& r, const std::string& path_a, const std::string& path_b) {
  std::string out = fmt::format("compare ({}): A = {}\n                          B = {}\n", r.kind, path_a, path_b);
  out += fmt::format("{:<56} {:>13} {:>13} {:>8} {:>9} {:>9}  {}\n", "case / metric", "A median", "B median", "B/A",
                     "p", "n A/B", "verdict");
  for (const auto& row : r.rows) {
    const bool figures = row.n_a > 0 && row.n_b > 0;
    out += fmt::format("{:<56} {:>13} {:>13} {:>8} {:>9} {:>9}  {}\n", row.name,
                       figures ? format_si(row.median_a, row.unit) : "-",
                       figures ? format_si(row.median_b, row.unit) : "-",
                       figures && row.ratio > 0 ? fmt::format("{:.3f}", row.ratio) : "-",
                       figures ? fmt::format("{:.2g}", row.p) : "-", fmt::format("{}/{}", row.n_a, row.n_b),
                       row.verdict);
  }
  for (const auto& n : r.only_a) out += fmt::format("only in A: {}\n", n);
  for (const auto& n : r.only_b) out += fmt::format("only in B: {}\n", n);
  return out;
}

}  // namespace capbench
