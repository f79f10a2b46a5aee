// Mann-Whitney U: ranks with mid-ranks for ties, exact null distribution by recurrence for
// small samples, normal approximation with tie and continuity corrections otherwise.
#include "reports/history/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace capbench {

double mann_whitney_exact_cdf(int n_x, int n_y, double u) {
  if (n_x <= 0 || n_y <= 0) return 1.0;
  const int max_u = n_x * n_y;
  if (u < 0) return 0.0;
  if (u >= max_u) return 1.0;
  // p[m][n][k] = P(U = k) for samples of m and n. Whichever sample holds the largest value:
  // from x (probability m/(m+n)) it beats all n values of y, adding n to U.
  // Rows over m are rolled; each row is a vector over n of vectors over k.
  using Dist = std::vector<double>;
  std::vector<Dist> prev(static_cast<std::size_t>(n_y) + 1), cur(static_cast<std::size_t>(n_y) + 1);
  for (int n = 0; n <= n_y; ++n) prev[static_cast<std::size_t>(n)] = Dist{1.0};  // m = 0: U is 0
  for (int m = 1; m <= n_x; ++m) {
    cur[0] = Dist{1.0};  // n = 0: U is 0
    for (int n = 1; n <= n_y; ++n) {
      Dist d(static_cast<std::size_t>(m * n) + 1, 0.0);
      const double from_x = static_cast<double>(m) / (m + n);
      const Dist& a = prev[static_cast<std::size_t>(n)];  // (m-1, n), shifted by n
      const Dist& b = cur[static_cast<std::size_t>(n) - 1];  // (m, n-1)
      for (std::size_t k = 0; k < a.size(); ++k) d[k + static_cast<std::size_t>(n)] += from_x * a[k];
      for (std::size_t k = 0; k < b.size(); ++k) d[k] += (1.0 - from_x) * b[k];
      cur[static_cast<std::size_t>(n)] = std::move(d);
    }
    std::swap(prev, cur);
  }
  const Dist& dist = prev[static_cast<std::size_t>(n_y)];
  // U takes integer values when there are no ties; allow for rounding in u.
  const auto last = static_cast<std::size_t>(std::floor(u + 1e-9));
  double cdf = 0;
  for (std::size_t k = 0; k <= last && k < dist.size(); ++k) cdf += dist[k];
  return std::min(1.0, cdf);
}

namespace {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

MannWhitneyResult mann_whitney(std::span<const double> x, std::span<const double> y, Alternative alternative) {
  MannWhitneyResult r;
  const std::size_t nx = x.size(), ny = y.size();
  if (nx == 0 || ny == 0) return r;
  const std::size_t n = nx + ny;
  std::vector<std::pair<double, bool>> all;  // value, from x
  all.reserve(n);
  for (double v : x) all.emplace_back(v, true);
  for (double v : y) all.emplace_back(v, false);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  double rank_sum_x = 0, tie_term = 0;  // tie_term: sum over tie groups of t^3 - t
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && all[j].first == all[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second) rank_sum_x += mid_rank;
    if (t > 1) {
      tie_term += t * t * t - t;
      r.ties = true;
    }
    i = j;
  }
  const double dnx = static_cast<double>(nx), dny = static_cast<double>(ny), dn = static_cast<double>(n);
  r.u_x = rank_sum_x - dnx * (dnx + 1) / 2.0;
  r.u_y = dnx * dny - r.u_x;

  if (!r.ties && nx * ny <= static_cast<std::size_t>(kMannWhitneyExactLimit)) {
    r.exact = true;
    const int ix = static_cast<int>(nx), iy = static_cast<int>(ny);
    // The null distribution is symmetric: P(U_x >= u) = P(U_x <= n_x n_y - u).
    const double p_less = mann_whitney_exact_cdf(ix, iy, r.u_x);      // x small: U_x small
    const double p_greater = mann_whitney_exact_cdf(ix, iy, r.u_y);   // x large: U_y small
    switch (alternative) {
      case Alternative::kLess: r.p = p_less; break;
      case Alternative::kGreater: r.p = p_greater; break;
      case Alternative::kTwoSided: r.p = std::min(1.0, 2.0 * std::min(p_less, p_greater)); break;
    }
    return r;
  }

  const double mean = dnx * dny / 2.0;
  const double variance = dnx * dny / 12.0 * ((dn + 1.0) - tie_term / (dn * (dn - 1.0)));
  if (variance <= 0) {  // every value equal: no evidence either way
    r.p = 1.0;
    return r;
  }
  const double sd = std::sqrt(variance);
  r.z = (r.u_x - mean) / sd;
  // Continuity correction: U moves in steps of 1/2 with ties, 1 without; 0.5 is the usual choice.
  const double z_less = (r.u_x - mean + 0.5) / sd;
  const double z_greater = (r.u_x - mean - 0.5) / sd;
  const double p_less = normal_cdf(z_less);
  const double p_greater = normal_cdf(-z_greater);
  switch (alternative) {
    case Alternative::kLess: r.p = p_less; break;
    case Alternative::kGreater: r.p = p_greater; break;
    case Alternative::kTwoSided: r.p = std::min(1.0, 2.0 * std::min(p_less, p_greater)); break;
  }
  return r;
}

}  // namespace capbench
