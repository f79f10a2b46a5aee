// Checks the lu cases of a results file: every rank's figure is HPL's operation count over its
// time, its verification is HPL's scaled residual against 16, and the verdict follows the
// residual. Usage: lu_check RESULTS [FAILED_RANK]: with FAILED_RANK (a planted wrong factor)
// that rank must fail its residual check and every other rank pass; without it, all pass.
#include <cmath>
#include <cstdio>
#include <string>

#include "common/results.hpp"

namespace {
int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "lu_check: FAIL: %s\n", what.c_str());
    ++failures;
  }
}
}  // namespace

int main(int argc, char** argv) {
  using namespace capbench;
  if (argc < 2) return 2;
  const int failed_rank = argc > 2 ? std::stoi(argv[2]) : -1;
  ResultsFile r;
  try {
    r = read_results_file(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lu_check: %s\n", e.what());
    return 2;
  }
  int lu_cases = 0;
  for (const auto& c : r.cases) {
    if (c.benchmark != "lu") continue;
    ++lu_cases;
    expect(c.status == (failed_rank >= 0 ? "failed" : "passed"), c.id + ": case status " + c.status);
    for (const auto& rr : c.ranks) {
      const std::string where = c.id + " rank " + std::to_string(rr.rank);
      const auto& v = rr.verification;
      const bool should_fail = rr.rank == failed_rank;
      expect(v.method == "hpl-scaled-residual" && v.tolerance == 16.0, where + ": HPL's residual, threshold 16");
      expect(v.status == (should_fail ? "failed" : "passed"), where + ": verification " + v.status + ": " + v.detail);
      expect(should_fail ? v.max_error >= 16.0 : (v.max_error < 16.0 && v.max_error > 0),
             where + ": scaled residual " + std::to_string(v.max_error));
      expect(rr.status == (should_fail ? "failed" : "ok"), where + ": rank status " + rr.status);
      expect(rr.info.value("basis", "") == "HPL-like, one device, not Rmax", where + ": basis stated");
      const double fraction = rr.info.value("memory_fraction_used", -1.0);
      expect(fraction > 0 && fraction < 1, where + ": memory fraction used recorded");
      const double n = rr.info.value("n", 0.0);
      const double ops = 2.0 / 3.0 * n * n * n + 1.5 * n * n;
      const Metric* thr = nullptr;
      const Metric* t = nullptr;
      for (const auto& m : rr.metrics) {
        if (m.name == "throughput") thr = &m;
        if (m.name == "time_to_solution") t = &m;
      }
      expect(thr && t && thr->unit == "FLOP/s" && thr->samples.size() == std::size_t(c.iterations),
             where + ": throughput and time_to_solution per timed iteration");
      if (thr && t)
        for (std::size_t i = 0; i < thr->samples.size() && i < t->samples.size(); ++i)
          expect(std::fabs(thr->samples[i] * t->samples[i] - ops) <= 1e-9 * ops, where + ": FLOP/s = HPL ops / t");
    }
  }
  expect(lu_cases > 0, "at least one lu case");
  std::printf("lu_check: %d lu cases, %d failures\n", lu_cases, failures);
  return failures == 0 ? 0 : 1;
}
