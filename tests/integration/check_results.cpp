// Reads a results file written by a real run and checks what must hold for any healthy run:
// every rank present, every measured case verified on every rank, metrics positive, and the
// derived figures consistent with their definitions (busbw = algbw x factor, FLOP/s = 2mnk/t).
// Reads results/2 (collective figures job-wide in the case, telemetry typed per rank, samples
// thinned on large runs) and results/1 (collective figures per rank).
// Usage: check_results RESULTS NRANKS BACKEND
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "common/collectives.hpp"
#include "common/results.hpp"

using namespace capbench;

namespace {
int failures = 0, checks = 0;

void expect(bool ok, const std::string& what) {
  ++checks;
  if (!ok) {
    ++failures;
    fmt::print(stderr, "FAIL: {}\n", what);
  }
}

bool close(double a, double b, double rel = 1e-9) { return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)); }

const Metric* find_metric(const std::vector<Metric>& metrics, const std::string& name, double size = -1) {
  for (const auto& m : metrics)
    if (m.name == name && (size < 0 || m.labels.value("size_bytes", -1.0) == size)) return &m;
  return nullptr;
}
const Metric* find_metric(const RankResult& r, const std::string& name, double size = -1) {
  return find_metric(r.metrics, name, size);
}

// Ranks a large run kept per-iteration samples for (case.info.samples_kept.ranks); every rank
// when the case does not say.
bool samples_kept(const CaseResult& c, int rank) {
  const auto it = c.info.find("samples_kept");
  if (it == c.info.end() || !it->is_object() || !it->contains("ranks")) return true;
  for (const auto& r : (*it)["ranks"])
    if (r.is_number_integer() && r.get<int>() == rank) return true;
  return false;
}

// One metric: positive median (0 where the bus factor is 0), and either one sample per
// iteration or, where the run thinned samples, stats over every iteration.
void check_metric(const Metric& m, const CaseResult& c, bool expect_samples, bool zero_ok, const std::string& where) {
  expect(zero_ok ? m.stats.median == 0 : m.stats.median > 0 && std::isfinite(m.stats.median),
         where + " " + m.name + ": positive median");
  expect(int(m.stats.n) == c.iterations, where + " " + m.name + ": stats over every iteration");
  if (expect_samples || !m.samples.empty())
    expect(int(m.samples.size()) == c.iterations, where + " " + m.name + ": one sample per iteration");
  for (double s : m.samples) expect(zero_ok ? s == 0 : s > 0 && std::isfinite(s), where + " " + m.name + ": positive sample");
}

// time, algbw and busbw at every size: algbw = S / t, busbw = algbw x factor, per sample and
// (for a rate derived from a time, order reversed) at the median.
void check_collective_sizes(const std::vector<Metric>& metrics, const json& sizes, double factor,
                            const std::string& where) {
  for (const auto& size_j : sizes) {
    const double size = size_j.get<double>();
    const Metric* t = find_metric(metrics, "time", size);
    const Metric* alg = find_metric(metrics, "algbw", size);
    const Metric* bus = find_metric(metrics, "busbw", size);
    expect(t && alg && bus, where + fmt::format(": time, algbw, busbw at {} B", size));
    if (!(t && alg && bus)) continue;
    expect(t->samples.size() == alg->samples.size() && t->samples.size() == bus->samples.size(),
           where + fmt::format(": as many samples of time, algbw and busbw at {} B", size));
    for (std::size_t i = 0; i < t->samples.size() && i < alg->samples.size() && i < bus->samples.size(); ++i) {
      expect(close(alg->samples[i], size / t->samples[i]), where + ": algbw = S / t");
      expect(close(bus->samples[i], alg->samples[i] * factor), where + ": busbw = algbw x factor");
    }
    // The stats must agree too (all there is where samples were thinned): the median rate lies
    // between S / slowest and S / fastest time, and busbw is algbw scaled, so their medians too.
    if (t->stats.min > 0) {
      const double lo = size / t->stats.max, hi = size / t->stats.min;
      expect(alg->stats.median >= lo * (1 - 1e-9) && alg->stats.median <= hi * (1 + 1e-9),
             where + ": median algbw within S / max t .. S / min t");
      expect(close(bus->stats.median, alg->stats.median * factor, 1e-9) || (factor == 0 && bus->stats.median == 0),
             where + ": median busbw = median algbw x factor");
    }
  }
}
// A storage case: capacity in every rank's info; a phase's job-wide figure per repetition and
// one per-rank figure per rank, all positive.
void check_storage_case(const CaseResult& c, int nranks) {
  if (c.params.value("phase", std::string()) == "capacity") {
    for (const auto& rr : c.ranks)
      expect(rr.info.contains("capacity") && rr.info["capacity"].value("total_bytes", 0.0) > 0,
             fmt::format("{} rank {}: info.capacity with total bytes", c.id, rr.rank));
    return;
  }
  const bool md = c.params.value("phase", std::string()) == "metadata";
  const Metric* agg = find_metric(c.metrics, md ? "rate" : "bandwidth");
  const Metric* per_rank = find_metric(c.metrics, md ? "rank_rate" : "rank_bandwidth");
  expect(agg && per_rank, c.id + ": aggregate and per-rank figures");
  if (agg) check_metric(*agg, c, true, false, c.id + " (job)");
  if (per_rank) {
    expect(int(per_rank->samples.size()) == nranks, c.id + ": one per-rank figure per rank");
    for (double s : per_rank->samples) expect(s > 0 && std::isfinite(s), c.id + ": positive per-rank figure");
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    fmt::print(stderr, "usage: check_results RESULTS NRANKS BACKEND\n");
    return 2;
  }
  const std::string path = argv[1];
  const int nranks = std::stoi(argv[2]);
  const std::string backend = argv[3];
  ResultsFile r;
  try {
    r = read_results_file(path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "FAIL: {}\n", e.what());
    return 1;
  }
  expect(r.run.status == "complete", "run status is complete, got " + r.run.status);
  expect(r.run.nranks == nranks, fmt::format("{} ranks in run, expected {}", r.run.nranks, nranks));
  expect(r.run.backend == backend, "backend " + r.run.backend);
  expect(int(r.ranks.size()) == nranks, "every rank has an identity");
  for (const auto& id : r.ranks) expect(!id.host.empty() && !id.device.name.empty(), "rank identity filled");
  expect(!r.suite.sha256.empty() && r.suite.sha256.size() == 64, "suite sha256 recorded");
  expect(!r.run.tool_version.empty() && !r.run.git_commit.empty(), "tool version and commit recorded");

  std::map<std::string, int> passed_per_benchmark;
  for (const auto& c : r.cases) {
    expect(int(c.ranks.size()) == nranks, c.id + ": every rank reported");
    std::set<int> seen;
    for (const auto& rr : c.ranks) seen.insert(rr.rank);
    expect(int(seen.size()) == nranks, c.id + ": no rank twice");
    if (c.status == "skipped") {
      for (const auto& rr : c.ranks) expect(rr.status == "skipped" && !rr.error.empty(), c.id + ": skip has a reason");
      continue;
    }
    expect(c.status == "passed", c.id + ": status passed, got " + c.status);
    if (c.status == "passed") ++passed_per_benchmark[c.benchmark];
    const bool collective = c.benchmark == "collective";
    // One rank moves nothing over a bus: nccl-tests' factor, and so busbw, is 0 there.
    const double factor =
        collective ? bus_factor(*collective_from_key(c.params.at("operation").get<std::string>()), nranks) : 1.0;
    // results/2: a collective's figures are the job's (slowest rank per iteration), in the case.
    const bool storage = c.benchmark == "storage";
    if (storage) check_storage_case(c, nranks);
    const bool job_wide = !c.metrics.empty() && !storage;
    if (job_wide) {
      expect(collective || c.benchmark == "fabric", c.id + ": job-wide metrics only on collective, storage and fabric cases");
      expect(c.info.contains("metrics_basis") && c.info["metrics_basis"].is_string() &&
                 !c.info["metrics_basis"].get<std::string>().empty(),
             c.id + ": info.metrics_basis says how the job-wide figures were formed");
      for (const auto& m : c.metrics) {
        if (collective) {
          check_metric(m, c, true, m.name == "busbw" && factor == 0.0, c.id + " (job)");
          continue;
        }
        // fabric: one sample per node pair and rail, each finite and positive; the matrices
        // are checked by the strict reader (check_fabric_info). Above full_matrix_up_to nodes
        // (the bounded form) the statistics over pairs stay and the samples are dropped.
        const bool bounded = c.info.contains("fabric") && c.info["fabric"].contains("form");
        if (bounded) {
          expect(m.samples.empty() && m.stats.n > 0 && std::isfinite(m.stats.median) && m.stats.min > 0 &&
                     m.stats.min <= m.stats.median && m.stats.median <= m.stats.max,
                 c.id + " " + m.name + ": statistics over pairs without the per-pair samples (bounded form)");
          continue;
        }
        expect(!m.samples.empty() && m.stats.n == m.samples.size(), c.id + " " + m.name + ": one sample per pair");
        for (double v : m.samples) expect(std::isfinite(v) && v > 0, c.id + " " + m.name + ": finite positive");
      }
      if (collective) {
        if (!c.ranks.empty() && c.ranks.front().info.contains("sizes_bytes"))
          check_collective_sizes(c.metrics, c.ranks.front().info.at("sizes_bytes"), factor, c.id + " (job)");
        else
          expect(false, c.id + ": rank results give the sizes run (info.sizes_bytes)");
      }
    }
    for (const auto& rr : c.ranks) {
      const std::string where = fmt::format("{} rank {}", c.id, rr.rank);
      expect(rr.status == "ok", where + ": ok, got " + rr.status + " " + rr.error);
      expect(rr.verification.status == "passed", where + ": verification passed: " + rr.verification.detail);
      if (job_wide || storage)
        expect(rr.metrics.empty(), where + ": no per-rank figures beside the job-wide ones");
      else
        expect(!rr.metrics.empty(), where + ": has metrics");
      const bool want_samples = samples_kept(c, rr.rank);
      for (const auto& m : rr.metrics) check_metric(m, c, want_samples, m.name == "busbw" && factor == 0.0, where);
      if (collective) {
        // Every rank states the factor its busbw used, and it is nccl-tests' for this job.
        expect(rr.info.contains("bus_factor") && rr.info["bus_factor"].is_number() &&
                   close(rr.info["bus_factor"].get<double>(), factor),
               where + fmt::format(": info.bus_factor = {}", factor));
        if (job_wide && !c.ranks.empty())
          expect(rr.info.value("sizes_bytes", json()) == c.ranks.front().info.value("sizes_bytes", json()),
                 where + ": the same sizes as every other rank");
        if (!job_wide) check_collective_sizes(rr.metrics, rr.info.at("sizes_bytes"), factor, where);
      }
      // Telemetry is typed at rank level (results/1 kept it in info; the reader moves it).
      expect(!rr.info.contains("telemetry"), where + ": telemetry not left inside info");
      if (rr.telemetry) {
        const auto& t = *rr.telemetry;
        if (t.available)
          expect(t.samples > 0 && !t.source.empty(), where + ": available telemetry names its source and samples");
        else
          expect(!t.reason.empty(), where + ": unavailable telemetry says why");
        if (t.throttled_fraction)
          expect(*t.throttled_fraction >= 0 && *t.throttled_fraction <= 1, where + ": throttled fraction in [0, 1]");
      }
      if (c.benchmark == "lu") {
        expect(rr.verification.method == "hpl-scaled-residual" && rr.verification.max_error < 16,
               where + ": HPL's scaled residual below 16");
        const double n = c.params.at("n").get<double>();
        const Metric* thr = find_metric(rr, "throughput");
        const Metric* t = find_metric(rr, "time_to_solution");
        expect(thr && t, where + ": throughput and time_to_solution");
        if (thr && t)
          for (std::size_t i = 0; i < thr->samples.size(); ++i)
            expect(close(thr->samples[i], (2.0 / 3.0 * n * n * n + 1.5 * n * n) / t->samples[i]),
                   where + ": FLOP/s = (2/3 n^3 + 3/2 n^2) / t");
      }
      if (c.benchmark == "gemm") {
        const double ops = 2.0 * c.params.at("m").get<double>() * c.params.at("n").get<double>() *
                           c.params.at("k").get<double>();
        const Metric* thr = find_metric(rr, "throughput");
        const Metric* per = find_metric(rr, "time_per_gemm");
        expect(thr && per, where + ": throughput and time_per_gemm");
        if (thr && per)
          for (std::size_t i = 0; i < thr->samples.size(); ++i)
            expect(close(thr->samples[i], ops / per->samples[i]), where + ": FLOP/s = 2mnk / t");
      }
    }
  }
  for (const char* b : {"gemm", "stream", "collective", "lu"})
    expect(passed_per_benchmark[b] > 0, std::string("at least one passed ") + b + " case");
  fmt::print("check_results: {} checks on {} cases, {} ranks: {} passed, {} failed\n", checks, r.cases.size(), nranks,
             checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
