// Student's t through the regularized incomplete beta function (continued fraction, evaluated
// by the modified Lentz method), and the Benjamini-Hochberg step-up adjustment.
#include "reports/history/night_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace capbench {

namespace {

// Continued fraction of I_x(a, b); converges fast for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double dm = m;
    const double even = dm * (b - dm) * x / ((a + 2 * dm - 1) * (a + 2 * dm));
    d = 1.0 + even * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + even / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    const double odd = -(a + dm) * (a + b + dm) * x / ((a + 2 * dm) * (a + 2 * dm + 1));
    d = 1.0 + odd * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + odd / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1.0) < eps) break;
  }
  return h;
}

double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1.0 - std::exp(log_front) * beta_continued_fraction(b, a, 1.0 - x) / b;
}

}  // namespace

double student_t_cdf(double t, double df) {
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * regularized_incomplete_beta(df / 2.0, 0.5, df / (df + t * t));  // P(T > |t|)
  return t >= 0 ? 1.0 - tail : tail;
}

NightTest night_to_night_test(std::span<const double> night_medians, double tonight, double spread_floor) {
  NightTest r;
  r.nights = night_medians.size();
  if (r.nights < 2 || !(tonight > 0)) return r;
  std::vector<double> logs;
  for (double m : night_medians) logs.push_back(std::log(m));
  const double n = static_cast<double>(logs.size());
  const double mean = std::accumulate(logs.begin(), logs.end(), 0.0) / n;
  double ss = 0;
  for (double v : logs) ss += (v - mean) * (v - mean);
  r.log_spread = std::sqrt(ss / (n - 1));
  r.log_shift = std::log(tonight) - mean;
  const double spread = std::max(r.log_spread, spread_floor);
  if (spread <= 0) {
    r.p_lower = r.log_shift < 0 ? 0.0 : 1.0;
    r.p_higher = r.log_shift > 0 ? 0.0 : 1.0;
    return r;
  }
  const double t = r.log_shift / (spread * std::sqrt(1.0 + 1.0 / n));
  r.p_lower = student_t_cdf(t, n - 1);
  r.p_higher = student_t_cdf(-t, n - 1);
  return r;
}

std::vector<double> benjamini_hochberg(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> adjusted(m, 1.0);
  double running = 1.0;
  for (std::size_t k = m; k-- > 0;) {
    const double value = p[order[k]] * static_cast<double>(m) / static_cast<double>(k + 1);
    running = std::min(running, value);
    adjusted[order[k]] = std::min(1.0, running);
  }
  return adjusted;
}

}  // namespace capbench
