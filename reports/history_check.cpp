// History check: gathers each metric's samples per device for the run and its baseline runs,
// sums them per node and system-wide, and compares each series with Mann-Whitney U.
#include "reports/history_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <regex>
#include <set>

#include "common/utf8.hpp"
#include "common/stats.hpp"
#include "reports/mann_whitney.hpp"
#include "reports/summary.hpp"

namespace capbench {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "ok";
    case Verdict::kRegression: return "REGRESSION";
    case Verdict::kImproved: return "improved";
    case Verdict::kNewSeries: return "new series";
    case Verdict::kNoBaseline: return "no baseline";
    case Verdict::kFailed: return "FAILED";
  }
  return "?";
}

bool higher_is_better(const std::string& unit) { return unit != "s"; }

SampleComparison compare_samples(const std::vector<double>& baseline, const std::vector<double>& run,
                                 bool higher_better, double alpha, double min_effect, bool two_sided) {
  SampleComparison c;
  c.n_baseline = baseline.size();
  c.n_run = run.size();
  if (!run.empty()) c.run_median = median(run);
  if (baseline.empty() || run.empty()) {
    c.verdict = Verdict::kNoBaseline;
    return c;
  }
  c.baseline_median = median(baseline);
  if (c.baseline_median <= 0) {  // nothing to be relative to
    c.verdict = Verdict::kNoBaseline;
    return c;
  }
  c.change = (c.run_median - c.baseline_median) / c.baseline_median;
  // The effect is a loss of rate either way: a time 25 % longer is a rate 20 % lower, so a
  // time metric and the rate derived from it cross --min-effect together.
  const double worse_by =
      higher_better ? -c.change : (c.run_median > 0 ? 1.0 - c.baseline_median / c.run_median : -1.0);
  // "Worse" is the run's samples lying below the baseline's for a rate, above for a time.
  const Alternative worse = higher_better ? Alternative::kLess : Alternative::kGreater;
  const Alternative better = higher_better ? Alternative::kGreater : Alternative::kLess;
  const double p_worse = mann_whitney(run, baseline, two_sided ? Alternative::kTwoSided : worse).p;
  const double p_better = mann_whitney(run, baseline, two_sided ? Alternative::kTwoSided : better).p;
  c.p = p_worse;
  if (p_worse < alpha && worse_by >= min_effect) {
    c.verdict = Verdict::kRegression;
  } else if (p_better < alpha && -worse_by >= min_effect) {
    c.verdict = Verdict::kImproved;
    c.p = p_better;
  } else {
    c.verdict = Verdict::kOk;
  }
  return c;
}

std::size_t CheckReport::regressions() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return r.cmp.verdict == Verdict::kRegression; }));
}
std::size_t CheckReport::failures() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return r.cmp.verdict == Verdict::kFailed; }));
}

namespace {

struct RunRow {
  std::int64_t row = 0;
  std::string run_id, started_at, suite, backend;
  int failed_verifications = 0;
};

struct Entry {
  std::string series, slot, host;
  int rank = 0;
  bool usable = false;  // rank ok and verification not failed
  bool job = false;     // a case's job-wide metric, not one device's
  std::vector<double> samples;
};

struct MetricId {
  std::string case_id, name, unit, labels;
};

struct RunMetrics {
  std::map<std::string, MetricId> ids;                // key -> what it is
  std::map<std::string, std::vector<Entry>> entries;  // key -> one entry per rank
};

std::vector<RunRow> load_runs(sqlite3* db) {
  Statement s(db,
              "SELECT id, run_id, started_at, suite_name, backend, failed_verifications FROM runs "
              "ORDER BY started_at, id");
  std::vector<RunRow> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), static_cast<int>(s.integer(5))});
  return out;
}

// A test-only slowdown is not a different configuration: the baseline of a planted-slowdown
// run is the same suite without it.
std::string comparable_params(const std::string& params_json) {
  json p = json::parse(params_json, nullptr, false);
  if (p.is_discarded()) return params_json;
  if (p.is_object()) p.erase("test_slow_rank");
  return json_text(p);
}

RunMetrics load_run_metrics(sqlite3* db, std::int64_t run_row) {
  Statement s(db,
              "SELECT m.id, c.case_id, c.params_json, m.name, m.unit, m.labels_json, m.rank, m.rank_status, "
              "m.verification, rr.host, rr.slot_key, d.series_key, s.value "
              "FROM metrics m JOIN cases c ON c.id = m.case_row "
              // Job-wide metrics (rank kJobRank) have no rank row and no device.
              "LEFT JOIN run_ranks rr ON rr.run = c.run AND rr.rank = m.rank "
              "LEFT JOIN devices d ON d.id = rr.device "
              "LEFT JOIN samples s ON s.metric = m.id "
              "WHERE c.run = ? ORDER BY m.id, s.idx");
  s.bind(1, run_row);
  RunMetrics out;
  std::int64_t current = -1;
  Entry* entry = nullptr;
  while (s.step()) {
    if (s.integer(0) != current) {
      current = s.integer(0);
      MetricId id{s.text(1), s.text(3), s.text(4), s.text(5)};
      const std::string key =
          fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", id.case_id, comparable_params(s.text(2)), id.name, id.unit, id.labels);
      out.ids.emplace(key, id);
      auto& list = out.entries[key];
      Entry e;
      e.rank = static_cast<int>(s.integer(6));
      e.usable = s.text(7) == "ok" && s.text(8) != "failed";
      e.job = e.rank == kJobRank;
      e.host = s.text(9);
      e.slot = e.job ? kJobSeries : s.text(10);
      e.series = e.job ? kJobSeries : s.text(11);
      list.push_back(std::move(e));
      entry = &list.back();
    }
    if (!s.is_null(12)) entry->samples.push_back(s.real(12));
  }
  return out;
}

std::time_t parse_utc(const std::string& iso) {
  std::tm tm{};
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) < 3)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

// Per-iteration aggregate over a set of devices: the sum for rates (a node's capacity), the
// maximum for times (the slowest device is what a synchronous job waits for).
std::vector<double> aggregate(const std::vector<const Entry*>& members, bool higher_better) {
  if (members.empty()) return {};
  std::size_t n = members.front()->samples.size();
  for (const auto* m : members) n = std::min(n, m->samples.size());
  std::vector<double> out(n, 0.0);
  for (const auto* m : members)
    for (std::size_t i = 0; i < n; ++i)
      out[i] = higher_better ? out[i] + m->samples[i] : std::max(out[i], m->samples[i]);
  return out;
}

std::string membership(const std::vector<const Entry*>& members) {
  std::vector<std::string> keys;
  for (const auto* m : members) keys.push_back(m->series);
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const auto& k : keys) out += k + "\n";
  return out;
}

// A large run keeps per-iteration samples for a few ranks only; a sum over devices needs them all.
constexpr const char* kStatsOnlyNote = "no samples for some devices (the run kept their stats only): not compared";

bool lacks_samples(const std::vector<const Entry*>& members) {
  return std::any_of(members.begin(), members.end(), [](const Entry* e) { return e->samples.empty(); });
}

std::map<std::string, std::vector<const Entry*>> usable_by_host(const std::vector<Entry>& entries) {
  std::map<std::string, std::vector<const Entry*>> out;
  for (const auto& e : entries)
    if (e.usable && !e.job) out[e.host].push_back(&e);
  return out;
}

}  // namespace

namespace {

// One read transaction for the whole check: a job adding a run meanwhile is either wholly
// seen or not at all.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(HistoryDb& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadSnapshot() { sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  HistoryDb& db_;
};

}  // namespace

CheckReport check_history(HistoryDb& hdb, const CheckOptions& opt) {
  sqlite3* db = hdb.handle();
  const ReadSnapshot snapshot(hdb);
  if (!(opt.alpha > 0 && opt.alpha < 1)) throw HistoryError(fmt::format("--alpha {}: expected 0 < alpha < 1", opt.alpha));
  if (!(opt.min_effect >= 0 && opt.min_effect < 1))
    throw HistoryError(fmt::format("--min-effect {}: expected a fraction in [0, 1)", opt.min_effect));
  const auto runs = load_runs(db);
  if (runs.empty()) throw HistoryError(fmt::format("{}: the history holds no runs", hdb.path()));
  std::size_t target = runs.size() - 1;
  if (opt.run != "latest") {
    auto it = std::find_if(runs.begin(), runs.end(), [&](const RunRow& r) { return r.run_id == opt.run; });
    if (it == runs.end()) throw HistoryError(fmt::format("{}: no run '{}' in the history", hdb.path(), opt.run));
    target = static_cast<std::size_t>(it - runs.begin());
  }
  const RunRow& run = runs[target];
  CheckReport report;
  report.run_id = run.run_id;
  report.run_started_at = run.started_at;
  report.suite_name = run.suite;
  report.backend = run.backend;

  // Baseline candidates: earlier runs of the same suite on the same backend, newest first.
  std::vector<const RunRow*> candidates;
  for (std::size_t i = target; i-- > 0;)
    if (runs[i].suite == run.suite && runs[i].backend == run.backend) candidates.push_back(&runs[i]);
  std::vector<const RunRow*> baseline;
  auto take = [&](const RunRow* r) {
    if (r->failed_verifications > 0)
      report.excluded_runs.push_back(r->run_id);
    else
      baseline.push_back(r);
  };
  static const std::regex days_re(R"(last:(\d+)d)"), count_re(R"(last:(\d+))");
  std::smatch m;
  if (std::regex_match(opt.baseline, m, days_re)) {
    const long days = std::strtol(m[1].str().c_str(), nullptr, 10);
    const std::time_t since = parse_utc(run.started_at) - days * 86400;
    for (const auto* r : candidates)
      if (parse_utc(r->started_at) >= since) take(r);
  } else if (std::regex_match(opt.baseline, m, count_re)) {
    const long n = std::strtol(m[1].str().c_str(), nullptr, 10);
    if (n <= 0) throw HistoryError("--baseline last:N needs N >= 1");
    for (const auto* r : candidates) {
      if (static_cast<long>(baseline.size()) >= n) break;
      take(r);
    }
  } else if (opt.baseline.rfind("last:", 0) == 0) {
    throw HistoryError(fmt::format("--baseline '{}': expected last:Nd, last:N or a run id", opt.baseline));
  } else {
    auto it = std::find_if(runs.begin(), runs.end(), [&](const RunRow& r) { return r.run_id == opt.baseline; });
    if (it == runs.end()) throw HistoryError(fmt::format("{}: no baseline run '{}' in the history", hdb.path(), opt.baseline));
    if (it->row == run.row) throw HistoryError("--baseline names the run being checked");
    take(&*it);
  }
  for (const auto* r : baseline) report.baseline_runs.push_back(r->run_id);

  const RunMetrics now = load_run_metrics(db, run.row);
  std::vector<RunMetrics> before;
  for (const auto* r : baseline) before.push_back(load_run_metrics(db, r->row));

  // Ranks that failed or computed a wrong answer tonight: failures in their own right.
  {
    Statement s(db,
                "SELECT c.case_id, cr.rank, cr.status, cr.verification, cr.error, rr.host, d.series_key "
                "FROM case_ranks cr JOIN cases c ON c.id = cr.case_row "
                "JOIN run_ranks rr ON rr.run = c.run AND rr.rank = cr.rank JOIN devices d ON d.id = rr.device "
                "WHERE c.run = ? AND (cr.status NOT IN ('ok', 'skipped') OR cr.verification = 'failed') "
                "ORDER BY c.case_index, cr.rank");
    s.bind(1, run.row);
    while (s.step()) {
      CheckRow row;
      row.case_id = s.text(0);
      row.rank = static_cast<int>(s.integer(1));
      row.scope = "gpu";
      row.host = s.text(5);
      row.device = s.text(6);
      row.note = s.text(3) == "failed" ? "verification failed" : "rank " + s.text(2);
      if (!s.text(4).empty()) row.note += ": " + s.text(4);
      row.cmp.verdict = Verdict::kFailed;
      report.rows.push_back(std::move(row));
    }
  }

  for (const auto& [key, entries] : now.entries) {
    const MetricId& id = now.ids.at(key);
    const bool higher_better = higher_is_better(id.unit);
    auto make_row = [&](std::string scope, std::string host, int rank, std::string device) {
      CheckRow row;
      row.case_id = id.case_id;
      row.metric = id.name;
      row.unit = id.unit;
      row.labels = id.labels == "{}" ? "" : id.labels;
      row.scope = std::move(scope);
      row.host = std::move(host);
      row.rank = rank;
      row.device = std::move(device);
      return row;
    };
    auto judge = [&](CheckRow& row, const std::vector<double>& pool, const std::vector<double>& tonight,
                     bool seen_other) {
      row.cmp = compare_samples(pool, tonight, higher_better, opt.alpha, opt.min_effect, opt.two_sided);
      if (pool.empty() && seen_other) row.cmp.verdict = Verdict::kNewSeries;
    };

    // Per device, and the job-wide series (compared only with earlier job-wide figures).
    for (const auto& e : entries) {
      if (!e.usable) continue;
      std::vector<double> pool;
      std::string replaced;
      for (const auto& b : before) {
        auto it = b.entries.find(key);
        if (it == b.entries.end()) continue;
        for (const auto& be : it->second) {
          if (!be.usable) continue;
          if (be.series == e.series)
            pool.insert(pool.end(), be.samples.begin(), be.samples.end());
          else if (be.slot == e.slot)
            replaced = be.series;
        }
      }
      CheckRow row = make_row(e.job ? "job" : "gpu", e.host, e.rank, e.series);
      judge(row, pool, e.samples, !replaced.empty());
      if (row.cmp.verdict == Verdict::kNewSeries) row.note = "replaces " + replaced;
      if (e.samples.empty()) row.note = "no samples: the run kept only this rank's stats, which are not compared";
      report.rows.push_back(std::move(row));
    }

    // Per node (only where a node has several devices) and system-wide (several nodes).
    const auto hosts = usable_by_host(entries);
    for (const auto& [host, members] : hosts) {
      if (members.size() < 2) continue;
      const std::string want = membership(members);
      std::vector<double> pool;
      bool seen_other = false;
      for (const auto& b : before) {
        auto it = b.entries.find(key);
        if (it == b.entries.end()) continue;
        const auto bh = usable_by_host(it->second);
        auto h = bh.find(host);
        if (h == bh.end()) continue;
        if (membership(h->second) == want) {
          const auto agg = aggregate(h->second, higher_better);
          pool.insert(pool.end(), agg.begin(), agg.end());
        } else {
          seen_other = true;
        }
      }
      CheckRow row = make_row("node", host, -1, "");
      judge(row, pool, aggregate(members, higher_better), seen_other);
      if (row.cmp.verdict == Verdict::kNewSeries) row.note = "the node's devices changed";
      if (lacks_samples(members)) row.note = kStatsOnlyNote;
      report.rows.push_back(std::move(row));
    }
    if (hosts.size() >= 2) {
      std::vector<const Entry*> all;
      for (const auto& e : entries)
        if (e.usable && !e.job) all.push_back(&e);
      const std::string want = membership(all);
      std::vector<double> pool;
      bool seen_other = false;
      for (const auto& b : before) {
        auto it = b.entries.find(key);
        if (it == b.entries.end()) continue;
        std::vector<const Entry*> ball;
        for (const auto& be : it->second)
          if (be.usable && !be.job) ball.push_back(&be);
        if (membership(ball) == want) {
          const auto agg = aggregate(ball, higher_better);
          pool.insert(pool.end(), agg.begin(), agg.end());
        } else {
          seen_other = true;
        }
      }
      CheckRow row = make_row("system", "", -1, "");
      judge(row, pool, aggregate(all, higher_better), seen_other);
      if (row.cmp.verdict == Verdict::kNewSeries) row.note = "the set of devices changed";
      if (lacks_samples(all)) row.note = kStatsOnlyNote;
      report.rows.push_back(std::move(row));
    }
  }
  return report;
}

std::vector<HistoryRun> list_runs(HistoryDb& db) {
  std::vector<HistoryRun> out;
  for (const auto& r : load_runs(db.handle()))
    out.push_back({r.row, r.run_id, r.started_at, r.suite, r.backend, r.failed_verifications});
  return out;
}

std::vector<DeviceMedian> run_device_medians(HistoryDb& db, std::int64_t run_row) {
  const RunMetrics rm = load_run_metrics(db.handle(), run_row);
  std::vector<DeviceMedian> out;
  for (const auto& [key, entries] : rm.entries) {
    const MetricId& id = rm.ids.at(key);
    for (const auto& e : entries)
      if (e.usable && !e.samples.empty())
        out.push_back({id.case_id, id.name, id.unit, id.labels == "{}" ? "" : id.labels, e.series, e.host, e.rank,
                       median(e.samples)});
  }
  return out;
}

std::string render_check_table(const CheckReport& report, bool all_rows) {
  std::string out = fmt::format("history check: run {} (suite '{}', backend {}, started {})\n", report.run_id,
                                report.suite_name, report.backend, report.run_started_at);
  out += fmt::format("baseline: {} run(s)", report.baseline_runs.size());
  if (!report.baseline_runs.empty()) {
    out += ": ";
    for (std::size_t i = 0; i < report.baseline_runs.size() && i < 5; ++i)
      out += (i ? ", " : "") + report.baseline_runs[i];
    if (report.baseline_runs.size() > 5) out += fmt::format(", ... ({} more)", report.baseline_runs.size() - 5);
  }
  out += "\n";
  if (!report.excluded_runs.empty())
    out += fmt::format("left out of the baseline (failed verification): {}\n", fmt::join(report.excluded_runs, ", "));
  out += fmt::format("{:<11} {:<44} {:<6} {:<14} {:>4} {:<24} {:>13} {:>13} {:>8} {:>8} {:>9}\n", "verdict",
                     "case / metric", "scope", "host", "rank", "device", "baseline", "run", "change", "p", "n b/r");
  std::map<Verdict, std::size_t> tally;
  for (const auto& r : report.rows) {
    ++tally[r.cmp.verdict];
    // Quiet nights print only what needs a look; the first night of a series prints its count.
    if (!all_rows && (r.cmp.verdict == Verdict::kOk || r.cmp.verdict == Verdict::kNoBaseline)) continue;
    std::string what = r.case_id;
    if (!r.metric.empty()) what += " " + r.metric;
    if (!r.labels.empty()) what += " " + r.labels;
    const bool has_figures = r.cmp.n_baseline > 0 && r.cmp.n_run > 0 && r.cmp.baseline_median > 0;
    out += fmt::format("{:<11} {:<44} {:<6} {:<14} {:>4} {:<24} {:>13} {:>13} {:>8} {:>8} {:>9}\n",
                       verdict_name(r.cmp.verdict), what, r.scope, r.host.empty() ? "-" : r.host,
                       r.rank < 0 ? std::string("-") : std::to_string(r.rank), r.device.empty() ? "-" : r.device,
                       has_figures ? format_si(r.cmp.baseline_median, r.unit) : "-",
                       r.cmp.n_run > 0 && r.cmp.verdict != Verdict::kFailed ? format_si(r.cmp.run_median, r.unit) : "-",
                       has_figures ? fmt::format("{:+.1f}%", 100.0 * r.cmp.change) : "-",
                       has_figures ? fmt::format("{:.2g}", r.cmp.p) : "-",
                       fmt::format("{}/{}", r.cmp.n_baseline, r.cmp.n_run));
    if (!r.note.empty()) out += fmt::format("{:<11} ^ {}\n", "", r.note);
  }
  out += fmt::format("{} comparisons: {} ok, {} regression(s), {} failed, {} improved, {} new series, {} without baseline\n",
                     report.rows.size(), tally[Verdict::kOk], tally[Verdict::kRegression], tally[Verdict::kFailed],
                     tally[Verdict::kImproved], tally[Verdict::kNewSeries], tally[Verdict::kNoBaseline]);
  for (const auto& r : report.rows)
    if (r.cmp.verdict == Verdict::kRegression)
      out += fmt::format("REGRESSION: {} {}{} on {} {}: {:+.1f}% (p {:.2g})\n", r.case_id, r.metric,
                         r.labels.empty() ? "" : " " + r.labels,
                         r.scope == "system" ? "the system" : r.scope == "job" ? "the job" : "host " + r.host,
                         r.rank >= 0            ? fmt::format("rank {} ({})", r.rank, r.device)
                         : r.scope == "job"     ? std::string("(slowest rank per iteration)")
                         : r.scope == "system"  ? std::string("(system sum)")
                                                : std::string("(node sum)"),
                         100.0 * r.cmp.change, r.cmp.p);
  return out;
}

}  // namespace capbench
