#pragma once
// Freivalds' check of a column-major C = A·B held in host memory (common/freivalds.hpp).
#include <cmath>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "common/freivalds.hpp"
#include "common/precision.hpp"
#include "common/results.hpp"

namespace capbench {

template <class TA, class TC>
Verification freivalds_verify_host(const TA* a, const TA* b, const TC* c, std::int64_t m, std::int64_t n,
                                   std::int64_t k, const PrecisionInfo& prec, std::uint64_t seed) {
  Verification v;
  v.method = "freivalds-fp64";
  std::vector<double> x(static_cast<std::size_t>(n));
  for (std::int64_t j = 0; j < n; ++j) x[static_cast<std::size_t>(j)] = freivalds_x(seed, std::uint64_t(j), prec.integer);

  // bx = B·x and the weighted column norms of B.
  std::vector<double> bx(static_cast<std::size_t>(k), 0.0);
  double weighted_b2 = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    const TA* col = b + j * k;
    const double xj = x[static_cast<std::size_t>(j)];
    double norm2 = 0;
    for (std::int64_t p = 0; p < k; ++p) {
      const double bv = static_cast<double>(col[p]);
      bx[static_cast<std::size_t>(p)] += bv * xj;
      norm2 += bv * bv;
    }
    weighted_b2 += norm2 * xj * xj;
  }
  const double weighted_b = std::sqrt(weighted_b2);

  // abx = A·(B·x) and the row norms of A.
  std::vector<double> abx(static_cast<std::size_t>(m), 0.0), a_norm2(static_cast<std::size_t>(m), 0.0);
  for (std::int64_t p = 0; p < k; ++p) {
    const TA* col = a + p * m;
    const double bxp = bx[static_cast<std::size_t>(p)];
    for (std::int64_t i = 0; i < m; ++i) {
      const double av = static_cast<double>(col[i]);
      abx[static_cast<std::size_t>(i)] += av * bxp;
      a_norm2[static_cast<std::size_t>(i)] += av * av;
    }
  }

  // cx = C·x and the weighted row norms of C.
  std::vector<double> cx(static_cast<std::size_t>(m), 0.0), c_w2(static_cast<std::size_t>(m), 0.0);
  bool finite = true;
  for (std::int64_t j = 0; j < n; ++j) {
    const TC* col = c + j * m;
    const double xj = x[static_cast<std::size_t>(j)];
    for (std::int64_t i = 0; i < m; ++i) {
      const double cv = static_cast<double>(col[i]);
      if (!std::isfinite(cv)) finite = false;
      cx[static_cast<std::size_t>(i)] += cv * xj;
      c_w2[static_cast<std::size_t>(i)] += cv * cv * xj * xj;
    }
  }
  if (!finite) {
    v.status = "failed";
    v.detail = "C holds NaN or Inf";
    v.max_error = INFINITY;
    v.mismatches = m;
    return v;
  }

  const double u_mul = freivalds_u_mul(prec.u_input, prec.u_accumulate);
  double worst_ratio = 0;
  std::int64_t worst_row = 0;
  double worst_diff = 0, worst_tol = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    const auto ii = static_cast<std::size_t>(i);
    const double diff = std::fabs(cx[ii] - abx[ii]);
    const double tol = prec.integer ? 0.0
                                    : freivalds_row_tolerance(u_mul, prec.u_output, std::sqrt(a_norm2[ii]),
                                                              weighted_b, std::sqrt(c_w2[ii]));
    const bool bad = prec.integer ? diff != 0.0 : diff > tol;
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
