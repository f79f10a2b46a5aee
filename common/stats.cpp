#include "common/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
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

}  // namespace capbench
