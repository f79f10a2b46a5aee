#include "common/freivalds_judge.hpp"

#include <cmath>

#include <fmt/format.h>

#include "common/freivalds.hpp"

namespace capbench {

Verification freivalds_judge(const FreivaldsRows& rows, const PrecisionInfo& prec) {
  Verification v;
  v.method = "freivalds-fp64";
  const auto m = static_cast<std::int64_t>(rows.cx.size());
  if (rows.nonfinite_c > 0) {
    v.status = "failed";
    v.detail = "C holds NaN or Inf";
    v.max_error = INFINITY;
    v.mismatches = m;
    return v;
  }
  const double weighted_b = std::sqrt(rows.weighted_b2);
  const double u_mul = freivalds_u_mul(prec.u_input, prec.u_accumulate);
  double worst_ratio = 0, worst_diff = 0, worst_tol = 0;
  std::int64_t worst_row = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    const auto ii = static_cast<std::size_t>(i);
    const double diff = std::fabs(rows.cx[ii] - rows.abx[ii]);
    const double tol = prec.integer ? 0.0
                                    : freivalds_row_tolerance(u_mul, prec.u_output, std::sqrt(rows.a_norm2[ii]),
                                                              weighted_b, std::sqrt(rows.c_w2[ii]));
    const bool bad = prec.integer ? diff != 0.0 : !(diff <= tol);
    if (bad) ++v.mismatches;
    const double ratio = tol > 0 ? diff / tol : (diff > 0 ? INFINITY : 0.0);
    if (ratio > worst_ratio || (bad && worst_ratio == 0)) {
      worst_ratio = ratio;
      worst_row = i;
      worst_diff = diff;
      worst_tol = tol;
    }
  }
  v.max_error = std::isfinite(worst_ratio) ? worst_ratio : INFINITY;
  v.tolerance = 1.0;
  v.status = v.mismatches == 0 ? "passed" : "failed";
  v.detail = fmt::format("{} of {} rows outside tolerance; worst row {}: |Cx - A(Bx)| = {:.3e}, tolerance {:.3e}",
                         v.mismatches, m, worst_row, worst_diff, worst_tol);
  return v;
}

}  // namespace capbench
