#include "bench/stream/stream_benchmark.hpp"

#include <cmath>

#include <fmt/format.h>

#include "bench/release_guard.hpp"
#include "bench/timing.hpp"

namespace capbench {

StreamExpectation stream_expectation(int iterations, double unit_roundoff) {
  double a = 1, b = 0, c = 0;
  for (int i = 0; i < iterations; ++i) {
    c = a;
    b = kStreamScalar * c;
    c = a + b;
    a = b + kStreamScalar * c;
  }
  StreamExpectation e;
  e.a_factor = a;
  e.b_factor = b;
  e.c_factor = c;
  // Each pass rounds at most four times; allow that per iteration with a safety factor.
  e.rel_tolerance = (8.0 * iterations + 16.0) * unit_roundoff;
  return e;
}

Support StreamBenchmark::filter(const PlannedCase& spec) const {
  return impl_->supports(spec.params.at("precision").get<std::string>());
}

RankResult StreamBenchmark::run(const CaseContext& ctx) {
  const auto precision = ctx.spec.params.at("precision").get<std::string>();
  const auto& el = ctx.spec.params.at("elements");
  const std::int64_t n = el.is_string()
                             ? impl_->auto_elements(precision, ctx.spec.params.at("llc_multiple").get<double>())
                             : el.get<std::int64_t>();
  const double elem_bytes = precision == "fp64" ? 8.0 : 4.0;
  const double u = precision == "fp64" ? 0x1.0p-53 : 0x1.0p-24;

  ReleaseGuard<StreamImpl> guard{*impl_};
  impl_->prepare(precision, n, ctx.seed);

  // Each iteration runs every kernel once in STREAM's order; a batch repeats one kernel,
  // which leaves the same values (each kernel is idempotent on its own), so the replay
  // depends only on the number of iterations.
  const SlowRank slow = SlowRank::from(ctx.spec);
  std::array<std::vector<double>, kStreamKernels.size()> secs;
  auto one_pass = [&](bool timed) {
    for (std::size_t k = 0; k < kStreamKernels.size(); ++k) {
      const double t = impl_->time_batch(kStreamKernels[k].kernel, batch_) / batch_;
      if (timed) secs[k].push_back(slow.apply(ctx.comm.rank(), t));
    }
  };
  if (ctx.phases) ctx.phases->warmup_begin();
  for (int i = 0; i < ctx.spec.warmup; ++i) one_pass(false);
  if (ctx.phases) ctx.phases->warmup_end(ctx.spec.warmup);
  if (ctx.window) ctx.window->begin();
  for (int i = 0; i < ctx.spec.iterations; ++i) {
    one_pass(true);
    if (ctx.deadline.expired() && i + 1 < ctx.spec.iterations) throw CaseTimeout("deadline passed in stream");
  }
  if (ctx.window) {
    ctx.window->end();
    // Bytes each kernel moved in the timed window: every iteration runs each kernel batch_ times.
    double bytes = 0;
    for (const auto& k : kStreamKernels) bytes += k.arrays_moved * elem_bytes * double(n) * batch_;
    ctx.window->add_work(bytes * ctx.spec.iterations, "B");
  }

  RankResult r;
  for (std::size_t k = 0; k < kStreamKernels.size(); ++k) {
    const double bytes = kStreamKernels[k].arrays_moved * elem_bytes * double(n);
    std::vector<double> bw;
    for (double s : secs[k]) bw.push_back(bytes / s);
    r.metrics.push_back(make_metric(std::string(kStreamKernels[k].key) + "_bandwidth", "B/s", std::move(bw)));
  }

  const auto expect = stream_expectation(ctx.spec.warmup + ctx.spec.iterations, u);
  const StreamCheck chk = impl_->check(expect);
  const double dot = impl_->last_dot();
  const double dot_tol = 16.0 * std::sqrt(double(n)) * u + expect.rel_tolerance;
  const double dot_err = chk.expected_dot != 0 ? std::fabs(dot - chk.expected_dot) / std::fabs(chk.expected_dot)
                                               : std::fabs(dot);
  auto& v = r.verification;
  v.method = "stream-replay";
  v.mismatches = chk.mismatches + (dot_err > dot_tol || !std::isfinite(dot) ? 1 : 0);
  v.max_error = std::isfinite(chk.max_rel_error) ? chk.max_rel_error : INFINITY;
  v.tolerance = expect.rel_tolerance;
  v.status = v.mismatches == 0 ? "passed" : "failed";
  v.detail = fmt::format("{} array elements outside relative tolerance {:.2e} (worst {:.2e}); dot {:.6e} vs "
                         "expected {:.6e} (relative error {:.2e}, tolerance {:.2e})",
                         chk.mismatches, expect.rel_tolerance, chk.max_rel_error, dot, chk.expected_dot, dot_err,
                         dot_tol);
  r.info = impl_->info();
  r.info["elements"] = n;
  r.info["array_bytes"] = double(n) * elem_bytes;
  r.info["batch"] = batch_;
  // STREAM's rule: arrays at least 4x the last-level cache, or the figure is a cache bandwidth.
  const std::int64_t rule_elements = impl_->auto_elements(precision, 4.0);
  r.info["llc_rule_elements"] = rule_elements;
  r.info["meets_llc_rule"] = n >= rule_elements;
  return r;
}

}  // namespace capbench
