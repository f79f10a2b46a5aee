#pragma once
// Freivalds' check of a column-major C = A·B held in host memory (common/freivalds.hpp).
#include <cmath>
#include <cstdint>
#include <vector>


#include "common/freivalds.hpp"
#include "common/freivalds_judge.hpp"
#include "common/precision.hpp"
#include "common/results.hpp"

namespace capbench {

template <class TA, class TC>
Verification freivalds_verify_host(const TA* a, const TA* b, const TC* c, std::int64_t m, std::int64_t n,
                                   std::int64_t k, const PrecisionInfo& prec, std::uint64_t seed) {
  FreivaldsRows rows;
  std::vector<double> x(static_cast<std::size_t>(n));
  for (std::int64_t j = 0; j < n; ++j) x[static_cast<std::size_t>(j)] = freivalds_x(seed, std::uint64_t(j), prec.integer);

  // bx = B·x and the weighted column norms of B.
  std::vector<double> bx(static_cast<std::size_t>(k), 0.0);
  double& weighted_b2 = rows.weighted_b2;
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

  // abx = A·(B·x) and the row norms of A.
  std::vector<double>& abx = rows.abx;
  std::vector<double>& a_norm2 = rows.a_norm2;
  abx.assign(static_cast<std::size_t>(m), 0.0);
  a_norm2.assign(static_cast<std::size_t>(m), 0.0);
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
  rows.cx.assign(static_cast<std::size_t>(m), 0.0);
  rows.c_w2.assign(static_cast<std::size_t>(m), 0.0);
  for (std::int64_t j = 0; j < n; ++j) {
    const TC* col = c + j * m;
    const double xj = x[static_cast<std::size_t>(j)];
    for (std::int64_t i = 0; i < m; ++i) {
      const double cv = static_cast<double>(col[i]);
      if (!std::isfinite(cv)) ++rows.nonfinite_c;
      rows.cx[static_cast<std::size_t>(i)] += cv * xj;
      rows.c_w2[static_cast<std::size_t>(i)] += cv * cv * xj * xj;
    }
  }
  return freivalds_judge(rows, prec);
}

}  // namespace capbench
