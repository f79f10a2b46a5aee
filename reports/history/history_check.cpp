// History check: gathers each metric's samples per device for the run and its baseline runs,
// sums them per node and system-wide, and compares each series with Mann-Whitney U.
#include "reports/history/history_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <regex>
#include <set>

#include "common/utf8.hpp"
#include "common/stats.hpp"
#include "reports/history/history_confirm.hpp"
#include "reports/history/mann_whitney.hpp"
#include "reports/history/night_statistics.hpp"
#include "reports/render/summary.hpp"

namespace capbench {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "ok";
    case Verdict::kRegression: return "REGRESSION";
    case Verdict::kImproved: return "improved";
    case Verdict::kNewSeries: return "new series";
    case Verdict::kShortBaseline: return "short base";
    case Verdict::kNoBaseline: return "not compared";
    case Verdict::kFailed: return "FAILED";
    case Verdict::kUnsteady: return "unsteady";
    case Verdict::kTransient: return "transient";
  }
  return "?";
}

bool higher_is_better(const std::string& unit) { return unit != "s"; }

namespace {

// Standard deviation of the logs of a night's samples: its scatter, in the units of the spread.
double log_sample_spread(const std::vector<double>& samples) {
  std::vector<double> logs;
  for (double v : samples)
    if (v > 0) logs.push_back(std::log(v));
  if (logs.size() < 2) return 0.0;
  double mean = 0;
  for (double v : logs) mean += v;
  mean /= static_cast<double>(logs.size());
  double ss = 0;
  for (double v : logs) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(logs.size() - 1));
}

}  // namespace

SampleComparison compare_series(const std::vector<std::vector<double>>& baseline_nights, const std::vector<double>& run,
                                bool higher_better, const CheckOptions& opt) {
  SampleComparison c;
  std::vector<double> pooled, night_medians;
  for (const auto& night : baseline_nights) {
    if (night.empty()) continue;
    pooled.insert(pooled.end(), night.begin(), night.end());
    night_medians.push_back(median(night));
  }
  c.n_baseline = pooled.size();
  c.n_run = run.size();
  c.baseline_nights = night_medians.size();
  if (!run.empty()) c.run_median = median(run);
  if (run.empty()) {
    c.verdict = Verdict::kNoBaseline;
    return c;
  }
  if (night_medians.empty() || static_cast<int>(night_medians.size()) < opt.min_baseline_runs) {
    if (!pooled.empty()) c.baseline_median = median(pooled);
    if (c.baseline_median > 0) c.change = (c.run_median - c.baseline_median) / c.baseline_median;
    c.verdict = Verdict::kShortBaseline;
    return c;
  }
  c.baseline_median = median(pooled);
  const bool positive = c.baseline_median > 0 && c.run_median > 0 &&
                        std::all_of(night_medians.begin(), night_medians.end(), [](double m) { return m > 0; });
  if (!positive) {  // nothing to be relative to
    c.verdict = Verdict::kNoBaseline;
    return c;
  }
  c.change = (c.run_median - c.baseline_median) / c.baseline_median;
  // The effect is a loss of rate either way: a time 25 % longer is a rate 20 % lower, so a
  // time metric and the rate derived from it cross --min-effect together.
  c.worse_by = higher_better ? -c.change : 1.0 - c.baseline_median / c.run_median;
  const NightTest nights = night_to_night_test(night_medians, c.run_median);
  c.spread = nights.log_spread;
  std::vector<double> within;
  for (const auto& night : baseline_nights)
    if (night.size() >= 2) within.push_back(log_sample_spread(night));
  c.within_baseline = within.empty() ? 0.0 : median(within);
  c.within_tonight = run.size() >= 2 ? log_sample_spread(run) : 0.0;
  const auto [lowest, highest] = std::minmax_element(run.begin(), run.end());
  // As worse_by: a loss of rate, for a time through the rate it implies.
  c.best_worse_by = higher_better ? 1.0 - *highest / c.baseline_median : 1.0 - c.baseline_median / *lowest;
  c.worst_better_by = higher_better ? *lowest / c.baseline_median - 1.0 : c.baseline_median / *highest - 1.0;
  c.higher_better = higher_better;
  c.night_medians = std::move(night_medians);
  // "Worse" is the run's samples lying below the baseline's for a rate, above for a time.
  const Alternative worse = higher_better ? Alternative::kLess : Alternative::kGreater;
  const Alternative better = higher_better ? Alternative::kGreater : Alternative::kLess;
  c.mw_toward_worse = mann_whitney(run, pooled, opt.two_sided ? Alternative::kTwoSided : worse).p;
  c.mw_toward_better = mann_whitney(run, pooled, opt.two_sided ? Alternative::kTwoSided : better).p;
  decide_verdict(c, opt, 0.0);
  return c;
}

void decide_verdict(SampleComparison& c, const CheckOptions& opt, double spread_floor) {
  const NightTest nights = night_to_night_test(c.night_medians, c.run_median, spread_floor);
  c.spread_used = std::max(c.spread, spread_floor);
  // Worse by k spreads in log terms is a loss of rate of 1 - exp(-k spread).
  c.threshold = std::max(opt.min_effect, 1.0 - std::exp(-opt.noise_multiple * c.spread_used));
  double night_worse = c.higher_better ? nights.p_lower : nights.p_higher;
  double night_better = c.higher_better ? nights.p_higher : nights.p_lower;
  if (opt.two_sided) night_worse = night_better = std::min(1.0, 2.0 * std::min(night_worse, night_better));
  const double p_worse = std::max(c.mw_toward_worse, night_worse);
  const double p_better = std::max(c.mw_toward_better, night_better);
  c.p = c.p_adjusted = c.p_toward_worse = p_worse;
  c.p_toward_better = p_better;
  c.p_samples = c.mw_toward_worse;
  c.p_nights = night_worse;
  if (p_worse < opt.alpha && c.worse_by >= c.threshold) {
    c.verdict = Verdict::kRegression;
  } else if (p_better < opt.alpha && -c.worse_by >= c.threshold) {
    c.verdict = Verdict::kImproved;
    c.p = c.p_adjusted = p_better;
    c.p_samples = c.mw_toward_better;
    c.p_nights = night_better;
  } else {
    c.verdict = Verdict::kOk;
  }
}

void control_false_alarms(std::vector<SampleComparison*>& family, double alpha) {
  for (const Verdict direction : {Verdict::kRegression, Verdict::kImproved}) {
    std::vector<double> p;
    for (const auto* c : family)
      p.push_back(direction == Verdict::kRegression ? c->p_toward_worse : c->p_toward_better);
    const auto adjusted = benjamini_hochberg(p);
    for (std::size_t i = 0; i < family.size(); ++i) {
      if (family[i]->verdict != direction) continue;
      family[i]->p_adjusted = adjusted[i];
      if (adjusted[i] > alpha) family[i]->verdict = Verdict::kOk;
    }
  }
}

std::map<std::string, double> judge_family(std::vector<SampleComparison*>& family, const CheckOptions& opt,
                                           const std::vector<std::string>& groups,
                                           const std::map<std::string, double>* floors) {
  auto group_of = [&](std::size_t i) { return groups.empty() ? std::string() : groups[i]; };
  std::map<std::string, std::vector<double>> spreads;
  for (std::size_t i = 0; i < family.size(); ++i) spreads[group_of(i)].push_back(family[i]->spread);
  std::map<std::string, double> typical;
  for (const auto& [g, v] : spreads) {
    const auto given = floors ? floors->find(g) : std::map<std::string, double>::const_iterator();
    typical[g] = floors && given != floors->end() ? given->second : median(v);
  }
  for (std::size_t i = 0; i < family.size(); ++i) decide_verdict(*family[i], opt, typical[group_of(i)]);
  control_false_alarms(family, opt.alpha);
  for (auto* c : family) {
    const bool flagged = c->verdict == Verdict::kRegression || c->verdict == Verdict::kImproved;
    // A real slowdown moves every sample, the best one too; a disturbed night scatters them,
    // and preemption only slows a sample, so its best samples stay where they were. Scattered
    // samples whose best one still moved by the threshold are a change (an outlier or two
    // slower still does not hide it).
    const bool scattered = c->within_baseline > 0 && c->within_tonight > opt.noise_multiple * c->within_baseline;
    const bool every_sample_moved = c->verdict == Verdict::kRegression ? c->best_worse_by >= c->threshold
                                                                       : c->worst_better_by >= c->threshold;
    if (flagged && scattered && !every_sample_moved) c->verdict = Verdict::kUnsteady;
  }
  return typical;
}

std::size_t CheckReport::transient() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return r.cmp.verdict == Verdict::kTransient && !r.explained; }));
}

std::size_t CheckReport::regressions() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) {
    return r.cmp.verdict == Verdict::kRegression && !r.explained;
  }));
}
std::size_t CheckReport::failures() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return r.cmp.verdict == Verdict::kFailed; }));
}
std::size_t CheckReport::short_baselines() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) {
    return r.cmp.verdict == Verdict::kShortBaseline || r.cmp.verdict == Verdict::kNewSeries;
  }));
}

std::size_t CheckReport::unsteady() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const CheckRow& r) { return r.cmp.verdict == Verdict::kUnsteady; }));
}

int check_exit_code(const CheckReport& report) {
  if (report.regressions() + report.failures() > 0) return 1;
  return report.short_baselines() > 0 ? kCheckShortBaseline : 0;
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

// The nights: re-measurements recorded as confirmations (reports/history/history_confirm.*) are not
// nights of their own, never "latest" and never in a baseline.
std::vector<RunRow> load_runs(sqlite3* db, bool confirmations_too = false) {
  Statement s(db, confirmations_too
                      ? "SELECT id, run_id, started_at, suite_name, backend, failed_verifications FROM runs "
                        "ORDER BY started_at, id"
                      : "SELECT id, run_id, started_at, suite_name, backend, failed_verifications FROM runs "
                        "WHERE run_id NOT IN (SELECT run_id FROM confirmations) ORDER BY started_at, id");
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

// A node or system sum that regressed because one of its devices did is the same alarm: it is
// kept in the table, with a note, but not raised again.
void explain_sums_by_devices(std::vector<CheckRow>& rows) {
  for (auto& sum : rows) {
    if (sum.cmp.verdict != Verdict::kRegression || (sum.scope != "node" && sum.scope != "system")) continue;
    std::vector<std::string> causes;
    for (const auto& dev : rows)
      if (dev.scope == "gpu" && dev.cmp.verdict == Verdict::kRegression && dev.case_id == sum.case_id &&
          dev.metric == sum.metric && dev.labels == sum.labels && (sum.scope == "system" || dev.host == sum.host))
        causes.push_back(fmt::format("{} rank {}", dev.host, dev.rank));
    if (causes.empty()) continue;
    sum.explained = true;
    sum.note = fmt::format("follows from the regression of {}", fmt::join(causes, ", "));
  }
}

std::map<std::string, std::vector<const Entry*>> usable_by_host(const std::vector<Entry>& entries) {
  std::map<std::string, std::vector<const Entry*>> out;
  for (const auto& e : entries)
    if (e.usable && !e.job) out[e.host].push_back(&e);
  return out;
}

// Metrics computed from the same timings (a collective's time, algbw and busbw; a GEMM's
// throughput and time per GEMM) are one measurement: sample by sample, one is a constant
// multiple of the other or of its inverse on every rank. Found from the data, so a benchmark
// needs no declaration; separately timed metrics (STREAM's kernels) never match by chance.
bool same_timing(const std::vector<Entry>& a, const std::vector<Entry>& b) {
  std::size_t compared = 0;
  for (const auto& ea : a) {
    auto eb = std::find_if(b.begin(), b.end(), [&](const Entry& e) { return e.rank == ea.rank; });
    if (eb == b.end() || eb->samples.size() != ea.samples.size()) return false;
    if (ea.samples.size() < 2) continue;
    bool ratio = true, product = true;
    const double r0 = ea.samples[0] / eb->samples[0], p0 = ea.samples[0] * eb->samples[0];
    for (std::size_t i = 0; i < ea.samples.size(); ++i) {
      const double r = ea.samples[i] / eb->samples[i], p = ea.samples[i] * eb->samples[i];
      ratio = ratio && std::abs(r - r0) <= 1e-9 * std::abs(r0);
      product = product && std::abs(p - p0) <= 1e-9 * std::abs(p0);
    }
    if (!(std::isfinite(r0) && std::isfinite(p0)) || !(ratio || product)) return false;
    ++compared;
  }
  return compared > 0;
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at; (at = key.find('\x1f', from)) != std::string::npos; from = at + 1)
    parts.push_back(key.substr(from, at - from));
  parts.push_back(key.substr(from));
  return parts;  // case id, params, metric, unit, labels
}

// Which metric speaks for a measurement: a rate before a time, busbw before the other rates
// (it is the figure collectives are quoted in), else the first by name.
int speaker_rank(const MetricId& id) {
  if (!higher_is_better(id.unit)) return 2;
  return id.name == "busbw" ? 0 : 1;
}

// key -> the key of the metric that speaks for its measurement (itself for a speaker).
std::map<std::string, std::string> measurement_speakers(const RunMetrics& run) {
  std::map<std::string, std::vector<std::string>> by_case;  // case, params, labels -> keys
  for (const auto& [key, entries] : run.entries) {
    const auto parts = split_key(key);
    by_case[parts[0] + "\x1f" + parts[1] + "\x1f" + parts[4]].push_back(key);
  }
  std::map<std::string, std::string> speaker;
  for (auto& [base, keys] : by_case) {
    std::stable_sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
      return speaker_rank(run.ids.at(a)) < speaker_rank(run.ids.at(b));
    });
    std::vector<std::string> speakers;
    for (const auto& key : keys) {
      auto match = std::find_if(speakers.begin(), speakers.end(), [&](const std::string& s) {
        return same_timing(run.entries.at(s), run.entries.at(key));
      });
      if (match == speakers.end()) {
        speakers.push_back(key);
        speaker[key] = key;
      } else {
        speaker[key] = *match;
      }
    }
  }
  return speaker;
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

namespace {

// Ranks that failed or computed a wrong answer tonight: failures in their own right.
void add_failed_ranks(sqlite3* db, const RunRow& run, CheckReport& report) {
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

// One measurement tonight against the baseline nights' same series: per device (and the
// job-wide series), per node where a node has several devices, system-wide over several nodes.
class MeasurementJudge {
 public:
  using HostDevices = std::map<std::string, std::vector<const Entry*>>;  // usable_by_host's

  MeasurementJudge(const std::string& key, const MetricId& id, const std::vector<RunMetrics>& before,
                   const std::vector<std::string>* same_timing, const CheckOptions& opt)
      : key_(key), id_(id), higher_better_(higher_is_better(id.unit)), before_(before), same_timing_(same_timing),
        opt_(opt) {}

  void judge(const std::vector<Entry>& entries, std::vector<CheckRow>& rows) const {
    for (const auto& e : entries)
      if (e.usable) rows.push_back(device_row(e));
    const auto hosts = usable_by_host(entries);
    if (std::any_of(hosts.begin(), hosts.end(), [](const auto& h) { return h.second.size() >= 2; })) {
      // Each night's devices by host, made once for every node (a large run has thousands).
      std::vector<std::optional<HostDevices>> night_hosts;
      for (const auto& b : before_) {
        const auto* night = baseline_entries(b);
        night_hosts.push_back(night ? std::optional<HostDevices>(usable_by_host(*night)) : std::nullopt);
      }
      for (const auto& [host, members] : hosts)
        if (members.size() >= 2) rows.push_back(node_row(host, members, night_hosts));
    }
    if (hosts.size() >= 2) rows.push_back(system_row(entries));
  }

 private:
  CheckRow make_row(std::string scope, std::string host, int rank, std::string device) const {
    CheckRow row;
    row.case_id = id_.case_id;
    row.metric = id_.name;
    row.unit = id_.unit;
    row.labels = id_.labels == "{}" ? "" : id_.labels;
    row.scope = std::move(scope);
    row.host = std::move(host);
    row.rank = rank;
    row.device = std::move(device);
    if (same_timing_) row.same_timing = *same_timing_;
    return row;
  }

  // seen_other: a baseline night measured this in the same place (slot, node or system) with
  // other devices; with no night of the same series the row is a new series, not a short baseline.
  void compare(CheckRow& row, const std::vector<std::vector<double>>& nights, const std::vector<double>& tonight,
               bool seen_other) const {
    row.cmp = compare_series(nights, tonight, higher_better_, opt_);
    const bool none = std::all_of(nights.begin(), nights.end(), [](const auto& n) { return n.empty(); });
    if (none && seen_other) row.cmp.verdict = Verdict::kNewSeries;
  }

  const std::vector<Entry>* baseline_entries(const RunMetrics& night) const {
    auto it = night.entries.find(key_);
    return it == night.entries.end() ? nullptr : &it->second;
  }

  // A device's series is compared with its own samples on earlier nights (job-wide figures with
  // earlier job-wide ones); a different device in its slot makes it a new series.
  CheckRow device_row(const Entry& e) const {
    std::vector<std::vector<double>> nights;
    std::string replaced;
    for (const auto& b : before_) {
      auto& night = nights.emplace_back();
      const auto* entries = baseline_entries(b);
      if (!entries) continue;
      for (const auto& be : *entries) {
        if (!be.usable) continue;
        if (be.series == e.series)
          night.insert(night.end(), be.samples.begin(), be.samples.end());
        else if (be.slot == e.slot)
          replaced = be.series;
      }
    }
    CheckRow row = make_row(e.job ? "job" : "gpu", e.host, e.rank, e.series);
    compare(row, nights, e.samples, !replaced.empty());
    if (row.cmp.verdict == Verdict::kNewSeries) row.note = "replaces " + replaced;
    if (e.samples.empty()) row.note = "no samples: the run kept only this rank's stats, which are not compared";
    return row;
  }

  // A node's aggregate is compared only with nights on which the node had the same devices.
  CheckRow node_row(const std::string& host, const std::vector<const Entry*>& members,
                    const std::vector<std::optional<HostDevices>>& night_hosts) const {
    return aggregate_row("node", host, members, "the node's devices changed",
                         [&](std::size_t night) -> std::optional<std::vector<const Entry*>> {
                           const auto& by_host = night_hosts[night];
                           if (!by_host) return std::nullopt;
                           auto h = by_host->find(host);
                           if (h == by_host->end()) return std::nullopt;
                           return h->second;
                         });
  }

  // The system's aggregate is compared only with nights of the same set of devices.
  CheckRow system_row(const std::vector<Entry>& entries) const {
    return aggregate_row("system", "", devices_of(entries), "the set of devices changed",
                         [&](std::size_t night) -> std::optional<std::vector<const Entry*>> {
                           const auto* night_entries = baseline_entries(before_[night]);
                           if (!night_entries) return std::nullopt;
                           return devices_of(*night_entries);
                         });
  }

  // An aggregate over several devices, against the nights on which the same devices took part;
  // `night_members(i)` gives night i's devices of this scope (nullopt: the scope is not in it).
  template <class NightMembers>
  CheckRow aggregate_row(const char* scope, const std::string& host, const std::vector<const Entry*>& members,
                         const char* changed_note, NightMembers night_members) const {
    const std::string want = membership(members);
    std::vector<std::vector<double>> nights;
    bool seen_other = false;
    for (std::size_t i = 0; i < before_.size(); ++i) {
      const auto night = night_members(i);
      if (!night) continue;
      if (membership(*night) == want)
        nights.push_back(aggregate(*night, higher_better_));
      else
        seen_other = true;
    }
    CheckRow row = make_row(scope, host, -1, "");
    compare(row, nights, aggregate(members, higher_better_), seen_other);
    if (row.cmp.verdict == Verdict::kNewSeries) row.note = changed_note;
    if (lacks_samples(members)) row.note = kStatsOnlyNote;
    return row;
  }

  static std::vector<const Entry*> devices_of(const std::vector<Entry>& entries) {
    std::vector<const Entry*> out;
    for (const auto& e : entries)
      if (e.usable && !e.job) out.push_back(&e);
    return out;
  }

  const std::string& key_;
  const MetricId& id_;
  const bool higher_better_;
  const std::vector<RunMetrics>& before_;
  const std::vector<std::string>* same_timing_;
  const CheckOptions& opt_;
};

// False-alarm control over the whole check: every judged comparison is one hypothesis, and
// no series is taken to be quieter than the check's typical series.
void judge_as_family(CheckReport& report, const CheckOptions& opt, const std::map<std::string, double>* floors) {
  std::vector<SampleComparison*> family;
  std::vector<std::string> benchmarks;
  for (auto& row : report.rows) {
    const Verdict v = row.cmp.verdict;
    if (v == Verdict::kOk || v == Verdict::kRegression || v == Verdict::kImproved) {
      family.push_back(&row.cmp);
      benchmarks.push_back(row.case_id.substr(0, row.case_id.find('/')));
    }
  }
  report.typical_spread = judge_family(family, opt, benchmarks, floors);
}

// Tonight's rows (failures, then one comparison per measurement and scope) against `baseline`,
// judged as one family. `floors`: the per-benchmark spread floors to use instead of the
// family's own (a re-measurement of a few cases is judged with the night's floors).
void judge_run(sqlite3* db, const RunRow& run, const std::vector<const RunRow*>& baseline, const CheckOptions& opt,
               const std::map<std::string, double>* floors, CheckReport& report) {
  const RunMetrics now = load_run_metrics(db, run.row);
  std::vector<RunMetrics> before;
  for (const auto* r : baseline) before.push_back(load_run_metrics(db, r->row));
  add_failed_ranks(db, run, report);

  const auto speakers = measurement_speakers(now);
  std::map<std::string, std::vector<std::string>> also;  // speaker key -> the other metrics' names
  for (const auto& [key, speaker] : speakers)
    if (key != speaker) also[speaker].push_back(now.ids.at(key).name);
  for (const auto& [key, entries] : now.entries) {
    if (speakers.at(key) != key) continue;  // judged with the metric that speaks for it
    const auto it = also.find(key);
    MeasurementJudge(key, now.ids.at(key), before, it == also.end() ? nullptr : &it->second, opt)
        .judge(entries, report.rows);
  }
  judge_as_family(report, opt, floors);
  explain_sums_by_devices(report.rows);
}

}  // namespace

namespace {

void check_options(const CheckOptions& opt) {
  if (!(opt.alpha > 0 && opt.alpha < 1)) throw HistoryError(fmt::format("--alpha {}: expected 0 < alpha < 1", opt.alpha));
  if (!(opt.min_effect >= 0 && opt.min_effect < 1))
    throw HistoryError(fmt::format("--min-effect {}: expected a fraction in [0, 1)", opt.min_effect));
  if (!(opt.noise_multiple >= 0 && std::isfinite(opt.noise_multiple)))
    throw HistoryError(fmt::format("--noise-multiple {}: expected a number >= 0", opt.noise_multiple));
  if (opt.min_baseline_runs < 2)
    throw HistoryError(fmt::format("--min-baseline-runs {}: expected at least 2 (a spread needs two nights)",
                                   opt.min_baseline_runs));
}

// The run --run names: the latest, or one by its id.
std::size_t run_to_check(const std::vector<RunRow>& runs, const CheckOptions& opt, const std::string& db_path) {
  if (runs.empty()) throw HistoryError(fmt::format("{}: the history holds no runs", db_path));
  if (opt.run == "latest") return runs.size() - 1;
  auto it = std::find_if(runs.begin(), runs.end(), [&](const RunRow& r) { return r.run_id == opt.run; });
  if (it == runs.end()) throw HistoryError(fmt::format("{}: no run '{}' in the history", db_path, opt.run));
  return static_cast<std::size_t>(it - runs.begin());
}

// The baseline --baseline names (last:Nd, last:N or a run id) among earlier runs of the same
// suite on the same backend, newest first; a run with a failed verification is left out and
// listed in the report as excluded.
std::vector<const RunRow*> choose_baseline(const std::vector<RunRow>& runs, std::size_t target, const CheckOptions& opt,
                                           const std::string& db_path, CheckReport& report) {
  const RunRow& run = runs[target];
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
    if (it == runs.end()) throw HistoryError(fmt::format("{}: no baseline run '{}' in the history", db_path, opt.baseline));
    if (it->row == run.row) throw HistoryError("--baseline names the run being checked");
    take(&*it);
  }
  for (const auto* r : baseline) report.baseline_runs.push_back(r->run_id);
  return baseline;
}

// A re-measurement of tonight's flagged cases, when one was recorded: an alarm stands only
// where the re-measurement, against the same baseline, regressed too.
void apply_remeasurement(HistoryDb& hdb, const RunRow& run, const std::vector<const RunRow*>& baseline,
                         const CheckOptions& opt, CheckReport& report) {
  const auto again_id = confirmation_of(hdb, run.run_id);
  if (!again_id) return;
  const auto all = load_runs(hdb.handle(), true);
  auto it = std::find_if(all.begin(), all.end(), [&](const RunRow& r) { return r.run_id == *again_id; });
  if (it == all.end()) return;
  CheckReport again;
  again.run_id = it->run_id;
  again.run_started_at = it->started_at;
  judge_run(hdb.handle(), *it, baseline, opt, &report.typical_spread, again);
  apply_confirmation(report, again);
  // A sum whose device's alarm was not confirmed but that was confirmed itself speaks for
  // itself now; a transient sum that followed a transient device still follows it.
  for (auto& row : report.rows)
    if (row.cmp.verdict == Verdict::kRegression && row.explained) {
      row.explained = false;
      row.note.clear();
    }
  explain_sums_by_devices(report.rows);
}

}  // namespace

CheckReport check_history(HistoryDb& hdb, const CheckOptions& opt) {
  const ReadSnapshot snapshot(hdb);
  check_options(opt);
  const auto runs = load_runs(hdb.handle());
  const std::size_t target = run_to_check(runs, opt, hdb.path());
  const RunRow& run = runs[target];
  CheckReport report;
  report.run_id = run.run_id;
  report.run_started_at = run.started_at;
  report.suite_name = run.suite;
  report.backend = run.backend;
  report.options = opt;
  const auto baseline = choose_baseline(runs, target, opt, hdb.path(), report);
  judge_run(hdb.handle(), run, baseline, opt, nullptr, report);
  apply_remeasurement(hdb, run, baseline, opt, report);
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

namespace {

std::string describe_where(const CheckRow& r) {
  if (r.scope == "system") return "on the system (system sum)";
  if (r.scope == "job") return "on the job (slowest rank per iteration)";
  if (r.scope == "node") return fmt::format("on host {} (node sum)", r.host);
  return fmt::format("on host {} rank {} ({})", r.host, r.rank, r.device);
}

}  // namespace

std::string regression_line(const CheckRow& r) {
  std::string line =
      fmt::format("REGRESSION: {} {}{} {}: {:+.1f}% (p {:.2g}, adjusted {:.2g}; threshold -{:.1f}%)", r.case_id,
                  r.metric, r.labels.empty() ? "" : " " + r.labels, describe_where(r), 100.0 * r.cmp.change, r.cmp.p,
                  r.cmp.p_adjusted, 100.0 * r.cmp.threshold);
  if (r.remeasured && r.confirmed)
    line += fmt::format(", confirmed: re-measured {:+.1f}% (adjusted p {:.2g})", 100.0 * r.again.change,
                        r.again.p_adjusted);
  return line;
}

std::string transient_line(const CheckRow& r) {
  return fmt::format(
      "NOT CONFIRMED (transient): {} {}{} {}: {:+.1f}% (p {:.2g}, adjusted {:.2g}; threshold -{:.1f}%), re-measured "
      "{:+.1f}% (p {:.2g}, adjusted {:.2g}: {}): not an alarm",
      r.case_id, r.metric, r.labels.empty() ? "" : " " + r.labels, describe_where(r), 100.0 * r.cmp.change, r.cmp.p,
      r.cmp.p_adjusted, 100.0 * r.cmp.threshold, 100.0 * r.again.change, r.again.p, r.again.p_adjusted,
      r.again.verdict == Verdict::kUnsteady ? "unsteady, its samples scattered" : verdict_name(r.again.verdict));
}

std::string render_check_table(const CheckReport& report, bool all_rows) {
  const CheckOptions& o = report.options;
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
  out += fmt::format(
      "rule: false-discovery rate {} over the check (Benjamini-Hochberg), and worse by at least {:.0f}% and by "
      "{} night-to-night spreads (each series' own, at least its benchmark's typical); at least {} baseline runs "
      "per series\n",
      o.alpha, 100.0 * o.min_effect, o.noise_multiple, o.min_baseline_runs);
  if (!report.typical_spread.empty()) {
    out += "typical night-to-night spread:";
    for (const auto& [b, v] : report.typical_spread) out += fmt::format(" {} {:.1f}%", b, 100.0 * v);
    out += "\n";
  }
  if (!report.confirmation_run.empty())
    out += fmt::format(
        "confirmation: tonight's regressions re-measured in run {} against the same baseline; an alarm stands only "
        "where the re-measurement regressed too\n",
        report.confirmation_run);
  if (!report.excluded_runs.empty())
    out += fmt::format("left out of the baseline (failed verification): {}\n", fmt::join(report.excluded_runs, ", "));
  out += fmt::format("{:<12} {:<44} {:<6} {:<14} {:>4} {:<24} {:>13} {:>13} {:>8} {:>6} {:>8} {:>8} {:>6}\n",
                     "verdict", "case / metric", "scope", "host", "rank", "device", "baseline", "run", "change",
                     "needs", "p", "p adj", "nights");
  std::map<Verdict, std::size_t> tally;
  for (const auto& r : report.rows) {
    ++tally[r.cmp.verdict];
    // Quiet nights print only what needs a look; short baselines are counted below.
    const Verdict v = r.cmp.verdict;
    if (!all_rows && (v == Verdict::kOk || v == Verdict::kNoBaseline || v == Verdict::kShortBaseline)) continue;
    std::string what = r.case_id;
    if (!r.metric.empty()) what += " " + r.metric;
    if (!r.labels.empty()) what += " " + r.labels;
    const bool has_figures = r.cmp.n_baseline > 0 && r.cmp.n_run > 0 && r.cmp.baseline_median > 0;
    const bool judged = v == Verdict::kOk || v == Verdict::kRegression || v == Verdict::kImproved ||
                        v == Verdict::kUnsteady || v == Verdict::kTransient;
    out += fmt::format("{:<12} {:<44} {:<6} {:<14} {:>4} {:<24} {:>13} {:>13} {:>8} {:>6} {:>8} {:>8} {:>6}\n",
                       verdict_name(v), what, r.scope, r.host.empty() ? "-" : r.host,
                       r.rank < 0 ? std::string("-") : std::to_string(r.rank), r.device.empty() ? "-" : r.device,
                       has_figures ? format_si(r.cmp.baseline_median, r.unit) : "-",
                       r.cmp.n_run > 0 && v != Verdict::kFailed ? format_si(r.cmp.run_median, r.unit) : "-",
                       has_figures ? fmt::format("{:+.1f}%", 100.0 * r.cmp.change) : "-",
                       judged ? fmt::format("{:.1f}%", 100.0 * r.cmp.threshold) : "-",
                       judged ? fmt::format("{:.2g}", r.cmp.p) : "-", judged ? fmt::format("{:.2g}", r.cmp.p_adjusted) : "-",
                       v == Verdict::kFailed ? std::string("-") : std::to_string(r.cmp.baseline_nights));
    if (!r.same_timing.empty())
      out += fmt::format("{:<12} ^ same timing as {} (one comparison)\n", "", fmt::join(r.same_timing, ", "));
    if (v == Verdict::kUnsteady)
      out += fmt::format("{:<12} ^ samples scattered {:.0f}% tonight (log sd), {:.0f}% on a usual baseline night\n", "",
                         100.0 * r.cmp.within_tonight, 100.0 * r.cmp.within_baseline);
    if (r.remeasured)
      out += fmt::format("{:<12} ^ re-measured: {} {:+.1f}% (p {:.2g}, adjusted {:.2g}, {}): {}\n", "",
                         format_si(r.again.run_median, r.unit), 100.0 * r.again.change, r.again.p, r.again.p_adjusted,
                         verdict_name(r.again.verdict),
                         r.confirmed ? "confirmed" : "not confirmed (transient), not an alarm");
    if (!r.note.empty()) out += fmt::format("{:<12} ^ {}\n", "", r.note);
  }
  out += fmt::format(
      "{} comparisons (one per measurement): {} ok, {} regression(s), {} failed, {} improved, {} unsteady, {} new "
      "series, {} short baseline, {} not compared, {} transient\n",
      report.rows.size(), tally[Verdict::kOk], tally[Verdict::kRegression], tally[Verdict::kFailed],
      tally[Verdict::kImproved], tally[Verdict::kUnsteady], tally[Verdict::kNewSeries], tally[Verdict::kShortBaseline],
      tally[Verdict::kNoBaseline], tally[Verdict::kTransient]);
  for (const auto& r : report.rows)
    if (r.cmp.verdict == Verdict::kRegression && !r.explained) out += regression_line(r) + "\n";
  for (const auto& r : report.rows)
    if (r.cmp.verdict == Verdict::kTransient && !r.explained) out += transient_line(r) + "\n";
  if (report.unsteady() > 0)
    out += fmt::format(
        "UNSTEADY: {} measurement(s) moved, but their samples scattered over {} times as much as on the baseline's "
        "nights (a disturbed night: a loaded machine, preemption); not alarms, see the rows above\n",
        report.unsteady(), o.noise_multiple);
  if (report.short_baselines() > 0)
    out += fmt::format(
        "SHORT BASELINE: {} series have fewer than {} usable baseline runs (a new suite, case, node or board) and were "
        "not checked; {} run(s) of suite '{}' on {} in the baseline\n",
        report.short_baselines(), o.min_baseline_runs, report.baseline_runs.size(), report.suite_name, report.backend);
  return out;
}

}  // namespace capbench
