#include "common/results_consistency.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "common/stats.hpp"

namespace capbench {

namespace {

// Written with 17 significant digits, a double reads back exactly; the slack is for figures
// another tool recomputed in a different order.
bool agrees(double stated, double recomputed) {
  return std::fabs(stated - recomputed) <= 1e-9 * std::max(std::fabs(stated), std::fabs(recomputed)) + 1e-300;
}

struct Where {
  const std::string& file;
  const CaseResult& c;
  std::size_t case_pos;
  const RankResult* rank;  // nullptr: the case's job-wide metrics
  std::size_t rank_pos;

  [[noreturn]] void fail(std::size_t metric_pos, const Metric& m, const std::string& key,
                         const std::string& problem) const {
    const std::string metrics = rank ? fmt::format("cases[{}].ranks[{}].metrics[{}]", case_pos, rank_pos, metric_pos)
                                     : fmt::format("cases[{}].metrics[{}]", case_pos, metric_pos);
    const std::string who = rank ? fmt::format("rank {}", rank->rank) : std::string("the job-wide figure");
    throw ConfigError(file, metrics + "." + key,
                      fmt::format("case {} ({}), {}, metric '{}': {}", c.index + 1, c.id, who, m.name, problem));
  }
};

void check_stats(const Where& w, std::size_t pos, const Metric& m) {
  if (m.samples.empty()) return;  // a large run keeps only the statistics of most ranks
  if (m.stats.n != m.samples.size())
    w.fail(pos, m, "stats.n", fmt::format("states {} samples but {} are kept", m.stats.n, m.samples.size()));
  std::vector<double> sorted = m.samples;
  std::sort(sorted.begin(), sorted.end());
  const struct {
    const char* key;
    double stated, recomputed;
  } checks[] = {{"stats.median", m.stats.median, percentile_sorted(sorted, 50.0)},
                {"stats.min", m.stats.min, sorted.front()},
                {"stats.max", m.stats.max, sorted.back()}};
  for (const auto& k : checks)
    if (!agrees(k.stated, k.recomputed))
      w.fail(pos, m, k.key,
             fmt::format("states {} but its {} kept samples give {}", k.stated, sorted.size(), k.recomputed));
}

const Metric* find_metric(const std::vector<Metric>& ms, const std::string& name, std::size_t* pos) {
  for (std::size_t i = 0; i < ms.size(); ++i)
    if (ms[i].name == name) {
      *pos = i;
      return &ms[i];
    }
  return nullptr;
}

// rate[i] * time[i] must be `amount` (the work one timed operation does) for every sample.
void check_rate_against_time(const Where& w, const std::vector<Metric>& ms, const std::string& rate_name,
                             const std::string& time_name, double amount, const std::string& what) {
  std::size_t rp = 0, tp = 0;
  const Metric* rate = find_metric(ms, rate_name, &rp);
  const Metric* time = find_metric(ms, time_name, &tp);
  if (!rate || !time || rate->samples.empty() || rate->samples.size() != time->samples.size()) return;
  for (std::size_t i = 0; i < rate->samples.size(); ++i) {
    const double implied = rate->samples[i] * time->samples[i];
    if (!(std::fabs(implied - amount) <= 1e-6 * amount))
      w.fail(rp, *rate, fmt::format("samples[{}]", i),
             fmt::format("{} at {} s per operation ({}.samples[{}]) is {} {}, not the case's {}", rate->samples[i],
                         time->samples[i], time_name, i, implied, what, amount));
  }
}

double positive_param(const json& params, const char* key) {
  const auto it = params.find(key);
  if (it == params.end() || !it->is_number()) return 0;
  const double v = it->get<double>();
  return std::isfinite(v) && v > 0 ? v : 0;
}

void check_derived(const Where& w, const std::vector<Metric>& ms) {
  if (w.c.benchmark == "gemm") {
    const double ops = 2 * positive_param(w.c.params, "m") * positive_param(w.c.params, "n") *
                       positive_param(w.c.params, "k");
    if (ops > 0) check_rate_against_time(w, ms, "throughput", "time_per_gemm", ops, "operations per GEMM");
  } else if (w.c.benchmark == "collective") {
    // One pair of metrics per message size, told apart by their labels.
    for (const Metric& m : ms) {
      if (m.name != "time" || !m.labels.contains("size_bytes") || !m.labels["size_bytes"].is_number()) continue;
      std::vector<Metric> pair;
      for (const Metric& o : ms)
        if (o.labels == m.labels && (o.name == "time" || o.name == "algbw")) pair.push_back(o);
      const double bytes = m.labels["size_bytes"].get<double>();
      if (bytes > 0) check_rate_against_time(w, pair, "algbw", "time", bytes, "bytes per operation");
    }
  }
}

void check_metrics(const Where& w, const std::vector<Metric>& ms) {
  for (std::size_t i = 0; i < ms.size(); ++i) check_stats(w, i, ms[i]);
  check_derived(w, ms);
}

}  // namespace

void check_case_consistency(const CaseResult& c, std::size_t ci, const std::string& file) {
  check_metrics(Where{file, c, ci, nullptr, 0}, c.metrics);
  for (std::size_t ri = 0; ri < c.ranks.size(); ++ri)
    check_metrics(Where{file, c, ci, &c.ranks[ri], ri}, c.ranks[ri].metrics);
}

void check_rank_consistency(const CaseResult& c, std::size_t ci, const RankResult& r, std::size_t ri,
                            const std::string& file) {
  check_metrics(Where{file, c, ci, &r, ri}, r.metrics);
}

// Every check above reads samples: with none kept, a rank result has nothing to check.
bool rank_keeps_samples(const RankResult& r) {
  for (const auto& m : r.metrics)
    if (!m.samples.empty()) return true;
  return false;
}

void check_results_consistency(const ResultsFile& r, const std::string& file) {
  for (std::size_t ci = 0; ci < r.cases.size(); ++ci) check_case_consistency(r.cases[ci], ci, file);
}

}  // namespace capbench
