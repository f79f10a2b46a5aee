#include "common/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

namespace capbench {

double Summary::relative_spread() const { return median != 0 ? (p95 - p05) / median : 0.0; }

double percentile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) throw std::invalid_argument("percentile of an empty sample");
  if (sorted.size() == 1) return sorted[0];
  const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return percentile_sorted(values, 50.0);
}

double median_absolute_deviation(std::span<const double> values) {
  const double m = median(std::vector<double>(values.begin(), values.end()));
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double v : values) dev.push_back(std::fabs(v - m));
  return median(std::move(dev));
}

Summary summarize(std::span<const double> values) {
  if (values.empty()) throw std::invalid_argument("summary of an empty sample");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  Summary s;
  s.n = sorted.size();
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = percentile_sorted(sorted, 50.0);
  s.p05 = percentile_sorted(sorted, 5.0);
  s.p95 = percentile_sorted(sorted, 95.0);
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(s.n);
  double ss = 0;
  for (double v : sorted) ss += (v - s.mean) * (v - s.mean);
  s.stddev = s.n > 1 ? std::sqrt(ss / static_cast<double>(s.n - 1)) : 0.0;
  s.mad = median_absolute_deviation(sorted);
  return s;
}

std::vector<double> modified_z_scores(std::span<const double> values) {
  std::vector<double> z;
  z.reserve(values.size());
  if (values.empty()) return z;
  const double m = median(std::vector<double>(values.begin(), values.end()));
  const double mad = median_absolute_deviation(values);
  for (double v : values) {
    if (mad > 0) {
      z.push_back(0.6745 * (v - m) / mad);
    } else {
      z.push_back(v == m ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), v - m));
    }
  }
  return z;
}

RatioInterval ratio_of_medians(std::span<const double> a, std::span<const double> b, int resamples) {
  if (a.empty() || a.size() != b.size())
    throw std::invalid_argument("ratio_of_medians: the two samples must be paired and non-empty");
  RatioInterval r;
  r.value = median({a.begin(), a.end()}) / median({b.begin(), b.end()});
  std::mt19937_64 rng(0xB007ull);
  std::vector<double> boot, ra(a.size()), rb(b.size());
  boot.reserve(std::size_t(std::max(1, resamples)));
  for (int k = 0; k < std::max(1, resamples); ++k) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::size_t j = std::size_t(rng() % a.size());
      ra[i] = a[j];
      rb[i] = b[j];
    }
    boot.push_back(median(ra) / median(rb));
  }
  std::sort(boot.begin(), boot.end());
  r.low = percentile_sorted(boot, 2.5);
  r.high = percentile_sorted(boot, 97.5);
  return r;
}

}  // namespace capbench
