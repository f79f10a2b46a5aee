// Reads a results file written by a real run and checks what must hold for any healthy run:
// every rank present, every measured case verified on every rank, metrics positive, and the
// derived figures consistent with their definitions (busbw = algbw x factor, FLOP/s = 2mnk/t).
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

const Metric* find_metric(const RankResult& r, const std::string& name, double size = -1) {
  for (const auto& m : r.metrics)
    if (m.name == name && (size < 0 || m.labels.value("size_bytes", -1.0) == size)) return &m;
  return nullptr;
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
    for (const auto& rr : c.ranks) {
      const std::string where = fmt::format("{} rank {}", c.id, rr.rank);
      expect(rr.status == "ok", where + ": ok, got " + rr.status + " " + rr.error);
      expect(rr.verification.status == "passed", where + ": verification passed: " + rr.verification.detail);
      expect(!rr.metrics.empty(), where + ": has metrics");
      for (const auto& m : rr.metrics) {
        // One rank moves nothing over a bus: nccl-tests' factor, and so busbw, is 0 there.
        const bool zero_bus =
            m.name == "busbw" &&
            bus_factor(*collective_from_key(c.params.at("operation").get<std::string>()), nranks) == 0.0;
        expect(zero_bus ? m.stats.median == 0 : m.stats.median > 0 && std::isfinite(m.stats.median),
               where + " " + m.name + ": positive median");
        expect(int(m.samples.size()) == c.iterations, where + " " + m.name + ": one sample per iteration");
        for (double s : m.samples)
          expect(zero_bus ? s == 0 : s > 0 && std::isfinite(s), where + " " + m.name + ": positive sample");
      }
      if (c.benchmark == "collective") {
        const auto op = *collective_from_key(c.params.at("operation").get<std::string>());
        const double factor = bus_factor(op, nranks);
        for (const auto& size_j : rr.info.at("sizes_bytes")) {
          const double size = size_j.get<double>();
          const Metric* t = find_metric(rr, "time", size);
          const Metric* alg = find_metric(rr, "algbw", size);
          const Metric* bus = find_metric(rr, "busbw", size);
          expect(t && alg && bus, where + fmt::format(": time, algbw, busbw at {} B", size));
          if (!(t && alg && bus)) continue;
          for (std::size_t i = 0; i < t->samples.size(); ++i) {
            expect(close(alg->samples[i], size / t->samples[i]), where + ": algbw = S / t");
            expect(close(bus->samples[i], alg->samples[i] * factor), where + ": busbw = algbw x factor");
          }
        }
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
  for (const char* b : {"gemm", "stream", "collective"})
    expect(passed_per_benchmark[b] > 0, std::string("at least one passed ") + b + " case");
  fmt::print("check_results: {} checks on {} cases, {} ranks: {} passed, {} failed\n", checks, r.cases.size(), nranks,
             checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
