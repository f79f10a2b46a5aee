#include "bench/gemm/gemm_benchmark.hpp"

#include <fmt/format.h>

#include "bench/release_guard.hpp"
#include "bench/timing.hpp"
#include "common/random.hpp"

namespace capbench {

namespace {
Precision precision_of(const PlannedCase& spec) {
  return *precision_from_key(spec.params.at("precision").get<std::string>());
}
}  // namespace

Support GemmBenchmark::filter(const PlannedCase& spec) const { return impl_->supports(precision_of(spec)); }

RankResult GemmBenchmark::run(const CaseContext& ctx) {
  const auto& p = ctx.spec.params;
  GemmProblem problem;
  problem.precision = precision_of(ctx.spec);
  problem.m = p.at("m").get<std::int64_t>();
  problem.n = p.at("n").get<std::int64_t>();
  problem.k = p.at("k").get<std::int64_t>();
  problem.seed = ctx.seed;
  problem.algorithms = p.at("algorithms").get<int>();
  problem.fast_accumulation = p.value("fast_accumulation", false);
  const bool integer = precision_info(problem.precision).integer;
  const std::string unit = integer ? "OP/s" : "FLOP/s";
  const double ops_per_gemm = 2.0 * double(problem.m) * double(problem.n) * double(problem.k);

  ReleaseGuard<GemmImpl> guard{*impl_};
  impl_->prepare(problem);
  const int requested = p.at("batch").get<int>();
  const int batch = requested > 0 ? requested : impl_->default_batch();

  RankResult r;
  std::vector<double> seconds;
  std::int64_t sustained_gemms = 0;
  const double duration_s = p.at("duration_s").get<double>();
  if (duration_s > 0) {
    // Sustained mode: back-to-back batches for duration_s; one throughput sample per window,
    // in time order, so clock or power throttling shows as a falling series.
    const double window_s = p.at("window_s").get<double>();
    if (ctx.phases) ctx.phases->warmup_begin();
    for (int i = 0; i < ctx.spec.warmup; ++i) impl_->time_batch(batch);
    if (ctx.phases) ctx.phases->warmup_end(ctx.spec.warmup);
    if (ctx.window) ctx.window->begin();
    const auto t_end = now() + std::chrono::duration<double>(duration_s);
    while (now() < t_end) {
      double busy = 0;
      std::int64_t gemms = 0;
      const auto w0 = now();
      while (seconds_since(w0) < window_s && now() < t_end) {
        busy += impl_->time_batch(batch);
        gemms += batch;
      }
      sustained_gemms += gemms;
      seconds.push_back(busy / double(gemms) * batch);
      if (ctx.deadline.expired()) throw CaseTimeout("deadline passed in sustained mode");
    }
    if (ctx.window) ctx.window->end();
    r.info["sustained"] = {{"duration_s", duration_s}, {"window_s", window_s}, {"windows", seconds.size()}};
  } else {
    seconds = timed_batches(ctx, [&] { return impl_->time_batch(batch); });
  }

  // The work of the timed window(s), for the energy per case (sustained mode: every batch).
  if (ctx.window) {
    const double gemms = duration_s > 0 ? double(sustained_gemms) : double(seconds.size()) * batch;
    ctx.window->add_work(ops_per_gemm * gemms, integer ? "OP" : "FLOP");
  }
  std::vector<double> throughput, per_gemm;
  for (double s : seconds) {
    throughput.push_back(ops_per_gemm * batch / s);
    per_gemm.push_back(s / batch);
  }
  r.metrics.push_back(make_metric("throughput", unit, std::move(throughput)));
  r.metrics.push_back(make_metric("time_per_gemm", "s", std::move(per_gemm)));
  if (ctx.corrupt_result) impl_->corrupt_one_output_element();
  r.verification = impl_->verify(derive_seed(ctx.seed, 0xF4E1));
  json info = impl_->info();
  info["batch"] = batch;
  info["ops_per_gemm"] = ops_per_gemm;
  info["precision_detail"] = std::string(precision_info(problem.precision).description);
  if (problem.fast_accumulation)
    info["precision_detail"] = std::string(precision_info(problem.precision).description) +
                               ", fast accumulation (CUBLASLT_MATMUL_DESC_FAST_ACCUM: reduced-precision sums)";
  r.info.update(info);
  return r;
}

}  // namespace capbench
