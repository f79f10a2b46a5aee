#include "reports/input/report_results.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/results_reader.hpp"

namespace capbench {

const std::string& TextPool::text(const std::string& s) { return *texts_.insert(s).first; }

const json& TextPool::value(const json& j) {
  static const json kEmptyObject = json::object(), kNull;
  if (j.is_null()) return kNull;
  if (j.is_object() && j.empty()) return kEmptyObject;  // most metrics' labels: no text made
  std::string key = j.dump();
  auto it = values_.find(key);
  if (it == values_.end()) it = values_.emplace(std::move(key), j).first;
  return it->second;
}

const std::vector<std::string>& TextPool::list(const std::vector<std::string>& v) {
  std::string key;
  for (const auto& s : v) key += s + '\x1f';
  auto it = list_index_.find(key);
  if (it == list_index_.end()) {
    lists_.push_back(v);
    it = list_index_.emplace(std::move(key), lists_.size() - 1).first;
  }
  return lists_[it->second];
}

EnergyDigest NoEnergy::value() {
  static const std::string kNone;
  return EnergyDigest{std::numeric_limits<double>::quiet_NaN(), kNone, {}};
}

bool report_reads_rank_info(const std::string& benchmark) { return benchmark == "storage"; }

ReportResults::ReportResults() : pool_(std::make_unique<TextPool>()) {}

ReportResults::ReportResults(const ResultsFile& whole) : ReportResults() {
  schema = whole.schema;
  run = whole.run;
  suite = whole.suite;
  ranks = whole.ranks;
  health = whole.health;
  cases.reserve(whole.cases.size());
  for (const auto& c : whole.cases) add_case(c);
}

void ReportResults::set_header(ResultsFile&& rest) {
  schema = std::move(rest.schema);
  run = std::move(rest.run);
  suite = std::move(rest.suite);
  ranks = std::move(rest.ranks);
  health = std::move(rest.health);
}

namespace {

TelemetryDigest telemetry_digest(const CaseTelemetry& t, TextPool& pool) {
  std::optional<EnergyDigest> energy;
  if (t.energy) energy.emplace(EnergyDigest{t.energy->window_s, pool.text(t.energy->work_unit), t.energy->work_per_joule});
  return TelemetryDigest{t.sm_clock_mhz, t.power_w, t.temperature_c, t.throttled_fraction,
                         t.throttle_reasons ? &pool.list(*t.throttle_reasons) : nullptr, t.ecc_new, energy, t.available};
}

}  // namespace

void ReportResults::add_case(CaseResult&& c) {
  add_case(static_cast<const CaseResult&>(c));
  c.ranks.clear();
  c.ranks.shrink_to_fit();
}

void ReportResults::add_case(const CaseResult& c) {
  TextPool& pool = *pool_;
  ReportCase& rc = cases.emplace_back();
  rc.index = c.index;
  rc.id = c.id;
  rc.benchmark = c.benchmark;
  rc.params = c.params;
  rc.warmup = c.warmup;
  rc.iterations = c.iterations;
  rc.timeout_s = c.timeout_s;
  rc.started_at = c.started_at;
  rc.finished_at = c.finished_at;
  rc.wall_s = c.wall_s;
  rc.status = c.status;
  rc.metrics = c.metrics;
  rc.info = c.info;
  std::size_t nmetrics = 0, ntelemetry = 0;
  for (const auto& r : c.ranks) {
    nmetrics += r.metrics.size();
    if (r.telemetry) ++ntelemetry;
  }
  // At their final size first: the digests point into these two.
  rc.rank_metrics.reserve(nmetrics);
  rc.rank_telemetry.reserve(ntelemetry);
  rc.ranks.reserve(c.ranks.size());
  const bool keep_info = report_reads_rank_info(c.benchmark);
  static const json kNoInfo = json::object();
  for (const auto& r : c.ranks) {
    const std::size_t first = rc.rank_metrics.size();
    for (const auto& m : r.metrics)
      rc.rank_metrics.push_back(MetricDigest{pool.text(m.name), pool.text(m.unit), pool.value(m.labels),
                                             StatsDigest{m.stats.n, m.stats.median, m.stats.min, m.stats.max,
                                                         m.stats.p05, m.stats.p95}});
    const TelemetryDigest* t = nullptr;
    if (r.telemetry) t = &rc.rank_telemetry.emplace_back(telemetry_digest(*r.telemetry, pool));
    rc.ranks.push_back(RankDigest{
        r.rank, pool.text(r.status), pool.text(r.error),
        VerificationDigest{pool.text(r.verification.status), pool.text(r.verification.method),
                           pool.text(r.verification.detail), r.verification.max_error, r.verification.tolerance,
                           r.verification.mismatches},
        std::span<const MetricDigest>(rc.rank_metrics.data() + first, r.metrics.size()), t,
        keep_info ? pool.value(r.info) : kNoInfo});
  }
}

namespace {

// Frees each case's rank results on a thread of its own once they are digested: at 100,000
// ranks a case's results are about 10^6 small allocations, whose freeing would otherwise hold
// up the reading thread.
class Disposer {
 public:
  Disposer() : thread_([this] { run(); }) {}
  ~Disposer() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    cv_.notify_one();
  }
  // Waits while the case before is still being freed: at most two cases' rank results exist
  // at once (the one being read, the one being freed).
  void dispose(std::vector<RankResult>&& ranks) {
    {
      std::unique_lock lock(mutex_);
      room_.wait(lock, [&] { return queue_.empty() && !busy_; });
      queue_.push_back(std::move(ranks));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      std::vector<RankResult> ranks = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      lock.unlock();
      ranks = {};
      lock.lock();
      busy_ = false;
      room_.notify_one();
    }
  }
  std::mutex mutex_;
  std::condition_variable cv_, room_;
  std::deque<std::vector<RankResult>> queue_;
  bool closing_ = false, busy_ = false;
  std::jthread thread_;  // last: joined first, after closing_ is set
};

}  // namespace

ReportResults read_report_results(const std::string& path) {
  ReportResults out;
  Disposer disposer;
  ResultsFile rest = read_results_file(path, [&](CaseResult&& c) {
    out.add_case(static_cast<const CaseResult&>(c));
    disposer.dispose(std::move(c.ranks));
  }, report_reads_rank_info);
  out.set_header(std::move(rest));
  return out;
}

}  // namespace capbench
