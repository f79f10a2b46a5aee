#include "bench/lu/lu_benchmark.hpp"

#include <cmath>

#include <fmt/format.h>

#include "bench/release_guard.hpp"
#include "bench/timing.hpp"
#include "common/random.hpp"

namespace capbench {

double hpl_operation_count(std::int64_t n) {
  const double d = double(n);
  return 2.0 / 3.0 * d * d * d + 1.5 * d * d;
}

double hpl_scaled_residual(const LuNorms& v, std::int64_t n) {
  constexpr double eps = 0x1.0p-53;
  const double denominator = eps * (v.a * v.x + v.b) * double(n);
  if (!std::isfinite(v.residual) || !std::isfinite(v.x) || !(denominator > 0)) return INFINITY;
  return v.residual / denominator;
}

std::int64_t lu_auto_n(const LuImpl& impl, double fraction) {
  const double budget = fraction * impl.memory_bytes();
  std::int64_t n = std::int64_t(std::sqrt(std::max(0.0, budget) / 8.0)) / 64 * 64;
  while (n > 64 && impl.bytes_for(n) > budget) n -= 64;
  return std::max<std::int64_t>(n, 64);
}

Support LuBenchmark::filter(const PlannedCase& spec) const {
  if (spec.params.at("precision").get<std::string>() != "fp64") return Support::no("lu runs in fp64 only");
  return Support::yes();
}

RankResult LuBenchmark::run(const CaseContext& ctx) {
  const auto& p = ctx.spec.params;
  const double fraction = p.at("memory_fraction").get<double>();
  LuProblem problem;
  problem.n = p.at("n").is_string() ? lu_auto_n(*impl_, fraction) : p.at("n").get<std::int64_t>();
  problem.seed_a = derive_seed(ctx.seed, 0x1A);
  problem.seed_b = derive_seed(ctx.seed, 0x1B);
  const double ops = hpl_operation_count(problem.n);

  ReleaseGuard<LuImpl> guard{*impl_};
  impl_->prepare(problem);
  const std::vector<double> seconds = timed_batches(ctx, [&] { return impl_->time_factor_solve(); });

  RankResult r;
  std::vector<double> throughput;
  for (double s : seconds) throughput.push_back(ops / s);
  r.metrics.push_back(make_metric("throughput", "FLOP/s", std::move(throughput)));
  r.metrics.push_back(make_metric("time_to_solution", "s", seconds));

  if (ctx.corrupt_result) impl_->corrupt_factors_and_resolve();
  const LuNorms norms = impl_->norms();
  const double scaled = hpl_scaled_residual(norms, problem.n);
  auto& v = r.verification;
  v.method = "hpl-scaled-residual";
  v.max_error = std::isfinite(scaled) ? scaled : INFINITY;
  v.tolerance = kHplResidualThreshold;
  v.mismatches = scaled < kHplResidualThreshold ? 0 : 1;
  v.status = v.mismatches == 0 ? "passed" : "failed";
  v.detail = fmt::format("||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N) = {:.8e} ({} threshold {:g}); "
                         "||Ax-b||_oo {:.3e}, ||A||_oo {:.3e}, ||x||_oo {:.3e}, ||b||_oo {:.3e}, N {}",
                         scaled, v.status == "passed" ? "below" : "NOT below", kHplResidualThreshold,
                         norms.residual, norms.a, norms.x, norms.b, problem.n);

  r.info = impl_->info();
  r.info["basis"] = kLuBasis;
  r.info["n"] = problem.n;
  r.info["ops_per_solve"] = ops;
  r.info["bytes_used"] = impl_->bytes_for(problem.n);
  r.info["memory_bytes"] = impl_->memory_bytes();
  r.info["memory_fraction_used"] = impl_->bytes_for(problem.n) / impl_->memory_bytes();
  r.info["scaled_residual"] = v.max_error;
  return r;
}

}  // namespace capbench
