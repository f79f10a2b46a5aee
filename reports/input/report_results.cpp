#include "reports/input/report_results.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "common/stats.hpp"

namespace capbench {

const std::string& TextPool::text(const std::string& s) {
  std::lock_guard lock(mutex_);
  return *texts_.insert(s).first;
}

const json& TextPool::value(const json& j) {
  static const json kEmptyObject = json::object(), kNull;
  if (j.is_null()) return kNull;
  if (j.is_object() && j.empty()) return kEmptyObject;  // most metrics' labels: no text made
  std::string key = j.dump();
  std::lock_guard lock(mutex_);
  auto it = values_.find(key);
  if (it == values_.end()) it = values_.emplace(std::move(key), j).first;
  return it->second;
}

const std::vector<std::string>& TextPool::list(const std::vector<std::string>& v) {
  std::string key;
  for (const auto& s : v) key += s + '\x1f';
  std::lock_guard lock(mutex_);
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

bool report_reads_rank_telemetry(const std::string& benchmark) { return benchmark == "gemm" || benchmark == "stream"; }

void TelemetryFold::add(const CaseTelemetry& t) {
  if (!t.available) return;
  ++sampled;
  auto range = [](const std::optional<TelemetryRange>& r, MedianSpread& spread) {
    if (!r) return;
    if (spread.medians.empty()) spread.first = r;
    spread.medians.push_back(r->median);
  };
  range(t.power_w, power_w);
  range(t.sm_clock_mhz, sm_clock_mhz);
  range(t.temperature_c, temperature_c);
  if (t.throttled_fraction)
    worst_throttled_fraction = std::max(worst_throttled_fraction.value_or(*t.throttled_fraction), *t.throttled_fraction);
  if (t.throttle_reasons) throttle_reasons.insert(t.throttle_reasons->begin(), t.throttle_reasons->end());
  if (t.ecc_new) {
    ecc_read = true;
    ecc_corrected += t.ecc_new->corrected;
    ecc_uncorrected += t.ecc_new->uncorrected;
  }
}

void TelemetryFold::merge(TelemetryFold&& later) {
  sampled += later.sampled;
  auto range = [](MedianSpread& spread, MedianSpread& more) {
    if (spread.medians.empty()) spread.first = more.first;
    spread.medians.insert(spread.medians.end(), more.medians.begin(), more.medians.end());
    more.medians = {};
  };
  range(power_w, later.power_w);
  range(sm_clock_mhz, later.sm_clock_mhz);
  range(temperature_c, later.temperature_c);
  if (later.worst_throttled_fraction)
    worst_throttled_fraction =
        std::max(worst_throttled_fraction.value_or(*later.worst_throttled_fraction), *later.worst_throttled_fraction);
  throttle_reasons.merge(later.throttle_reasons);
  ecc_read = ecc_read || later.ecc_read;
  ecc_corrected += later.ecc_corrected;
  ecc_uncorrected += later.ecc_uncorrected;
}

void MedianSpread::settle() {
  count = medians.size();
  if (count > 0) {
    std::sort(medians.begin(), medians.end());
    median = percentile_sorted(medians, 50.0);
    lowest = medians.front();
    highest = medians.back();
  }
  medians = {};
}

void TelemetryFold::settle() {
  power_w.settle();
  sm_clock_mhz.settle();
  temperature_c.settle();
}


namespace {

// Equal as the pool tells values apart (by their text): same types all the way down, so that
// 1 and 1.0, equal to nlohmann, stay two values.
bool same_json(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), k = b.begin(); i != a.end(); ++i, ++k)
      if (i.key() != k.key() || !same_json(*i, *k)) return false;
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_json(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

// The last value of each field a part interned: consecutive rank results nearly always
// repeat them, so the shared pool (and its lock) is seldom asked.
class Interner {
 public:
  explicit Interner(TextPool& pool) : pool_(pool) {}
  enum Slot : std::size_t { kStatus, kError, kVerificationStatus, kMethod, kDetail, kWorkUnit, kFirstMetric };
  static constexpr std::size_t kMetricSlots = 16;  // name and unit of the first metrics

  const std::string& text(std::size_t slot, const std::string& s) {
    if (slot >= texts_.size()) return pool_.text(s);
    const std::string*& last = texts_[slot];
    if (!last || *last != s) last = &pool_.text(s);
    return *last;
  }
  const json& labels(std::size_t metric, const json& j) {
    if (metric >= labels_.size()) return pool_.value(j);
    const json*& last = labels_[metric];
    if (!last || !same_json(*last, j)) last = &pool_.value(j);
    return *last;
  }
  const json& info(const json& j) {
    if (!info_ || !same_json(*info_, j)) info_ = &pool_.value(j);
    return *info_;
  }

 private:
  TextPool& pool_;
  std::array<const std::string*, kFirstMetric + 2 * kMetricSlots> texts_{};
  std::array<const json*, kMetricSlots> labels_{};
  const json* info_ = nullptr;
};

// The digests of a batch of consecutive rank results of one case.
struct DigestPart final : RankDigester::Part {
  DigestPart(TextPool& pool, bool keep_rank_telemetry) : keep_telemetry(keep_rank_telemetry), interner(pool) {}
  bool keep_telemetry;
  TelemetryFold telemetry_fold;
  std::vector<RankDigest> ranks;  // moved into the case's list when the case is added
  std::vector<MetricDigest> metrics;
  std::vector<TelemetryDigest> telemetry;
  // While the part is made: where each rank's metrics begin, and its telemetry (or -1).
  std::vector<std::uint32_t> metrics_begin;
  std::vector<std::int32_t> telemetry_at;
  Interner interner;
};

TelemetryDigest telemetry_digest(const CaseTelemetry& t, Interner& in) {
  std::optional<EnergyDigest> energy;
  if (t.energy)
    energy.emplace(EnergyDigest{t.energy->window_s, in.text(Interner::kWorkUnit, t.energy->work_unit),
                                t.energy->work_per_joule});
  return TelemetryDigest{t.throttled_fraction, energy, t.available};
}

const json kNoInfo = json::object();

class ReportDigester final : public RankDigester {
 public:
  explicit ReportDigester(TextPool& pool) : pool_(pool) {}

  // "" (the benchmark not seen before the ranks): every rank's telemetry kept.
  std::unique_ptr<Part> start_part(const std::string& benchmark, std::size_t records) override {
    auto p = std::make_unique<DigestPart>(pool_, benchmark.empty() || report_reads_rank_telemetry(benchmark));
    p->ranks.reserve(records);
    p->metrics_begin.reserve(records);
    p->telemetry_at.reserve(records);
    if (p->keep_telemetry) p->telemetry.reserve(records);
    return p;
  }

  void digest(Part& part, RankResult&& r) override {
    auto& p = static_cast<DigestPart&>(part);
    Interner& in = p.interner;
    p.metrics_begin.push_back(static_cast<std::uint32_t>(p.metrics.size()));
    for (std::size_t i = 0; i < r.metrics.size(); ++i) {
      const Metric& m = r.metrics[i];
      p.metrics.push_back(MetricDigest{in.text(Interner::kFirstMetric + 2 * i, m.name),
                                       in.text(Interner::kFirstMetric + 2 * i + 1, m.unit), in.labels(i, m.labels),
                                       StatsDigest{m.stats.n, m.stats.median, m.stats.min, m.stats.max, m.stats.p05,
                                                   m.stats.p95}});
    }
    p.telemetry_at.push_back(-1);
    if (r.telemetry) {
      p.telemetry_fold.add(*r.telemetry);
      if (p.keep_telemetry) {
        p.telemetry_at.back() = static_cast<std::int32_t>(p.telemetry.size());
        p.telemetry.push_back(telemetry_digest(*r.telemetry, in));
      }
    }
    // An empty info object is all a rank keeps when the reader was told not to keep it.
    const json& info = r.info.is_object() && r.info.empty() ? kNoInfo : in.info(r.info);
    p.ranks.push_back(RankDigest{
        r.rank, in.text(Interner::kStatus, r.status), in.text(Interner::kError, r.error),
        VerificationDigest{in.text(Interner::kVerificationStatus, r.verification.status),
                           in.text(Interner::kMethod, r.verification.method),
                           in.text(Interner::kDetail, r.verification.detail), r.verification.max_error},
        {}, nullptr, info});
  }

  // The metrics and telemetry at their final size: the digests point into them from now on.
  void finish_part(Part& part) override {
    auto& p = static_cast<DigestPart&>(part);
    p.metrics.shrink_to_fit();
    p.telemetry.shrink_to_fit();
    for (std::size_t k = 0; k < p.ranks.size(); ++k) {
      const std::size_t begin = p.metrics_begin[k];
      const std::size_t end = k + 1 < p.ranks.size() ? p.metrics_begin[k + 1] : p.metrics.size();
      p.ranks[k].metrics = std::span<const MetricDigest>(p.metrics.data() + begin, end - begin);
      if (p.telemetry_at[k] >= 0) p.ranks[k].telemetry = &p.telemetry[static_cast<std::size_t>(p.telemetry_at[k])];
    }
    p.metrics_begin = {};
    p.telemetry_at = {};
  }

 private:
  TextPool& pool_;
};

}  // namespace

ReportResults::ReportResults()
    : pool_(std::make_unique<TextPool>()), digester_(std::make_unique<ReportDigester>(*pool_)) {}

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

void ReportResults::add_case(CaseResult&& c) {
  std::vector<RankResult> rank_results = std::move(c.ranks);
  c.ranks = {};
  Parts parts;
  parts.push_back(digester_->start_part(c.benchmark, rank_results.size()));
  const bool keep_info = report_reads_rank_info(c.benchmark);
  for (auto& r : rank_results) {
    if (!keep_info) r.info = json::object();
    digester_->digest(*parts.back(), std::move(r));
  }
  digester_->finish_part(*parts.back());
  add_digested_case(std::move(c), std::move(parts));
}

void ReportResults::add_case(const CaseResult& c) { add_case(CaseResult(c)); }

void ReportResults::add_digested_case(CaseResult&& header, Parts&& parts) {
  ReportCase& rc = cases.emplace_back();
  rc.index = header.index;
  rc.id = std::move(header.id);
  rc.benchmark = std::move(header.benchmark);
  rc.params = std::move(header.params);
  rc.warmup = header.warmup;
  rc.iterations = header.iterations;
  rc.timeout_s = header.timeout_s;
  rc.started_at = std::move(header.started_at);
  rc.finished_at = std::move(header.finished_at);
  rc.wall_s = header.wall_s;
  rc.status = std::move(header.status);
  rc.metrics = std::move(header.metrics);
  rc.info = std::move(header.info);
  std::size_t n = 0;
  for (const auto& p : parts) n += static_cast<const DigestPart&>(*p).ranks.size();
  rc.ranks.reserve(n);
  for (auto& p : parts) {
    auto& d = static_cast<DigestPart&>(*p);
    for (const auto& r : d.ranks) rc.ranks.push_back(r);
    std::vector<RankDigest>().swap(d.ranks);
    rc.telemetry.merge(std::move(d.telemetry_fold));
  }
  rc.telemetry.settle();
  rc.rank_storage = std::move(parts);
}

ReportResults read_report_results(const std::string& path) {
  ReportResults out;
  ResultsFile rest = read_results_file_digested(
      path, out.digester(),
      [&](CaseResult&& header, Parts&& parts) { out.add_digested_case(std::move(header), std::move(parts)); },
      report_reads_rank_info);
  out.set_header(std::move(rest));
#if defined(__GLIBC__)
  // The read's transients (the skeleton's text and parse: run, suite, identities) leave free
  // pages among the digests, about a quarter of a GB at 100,000 ranks: back to the kernel.
  malloc_trim(0);
#endif
  return out;
}

}  // namespace capbench
