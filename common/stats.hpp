#pragma once
// Robust summaries of repeated measurements. Medians and MAD, not means, decide: one
// preempted iteration must not move a capacity figure.
#include <cstddef>
#include <span>
#include <vector>

namespace capbench {

struct Summary {
  std::size_t n = 0;
  double median = 0, mean = 0, stddev = 0, min = 0, max = 0;
  double mad = 0;        // median absolute deviation (unscaled)
  double p05 = 0, p95 = 0;
  // Relative spread: (p95 - p05) / median; 0 when median is 0.
  double relative_spread() const;
};

// Linear-interpolated percentile of an already sorted sample, p in [0, 100].
double percentile_sorted(std::span<const double> sorted, double p);
double median(std::vector<double> values);
double median_absolute_deviation(std::span<const double> values);
Summary summarize(std::span<const double> values);

// Modified z-score 0.6745 (x - median) / MAD (Iglewicz and Hoaglin). When MAD is 0 the
// scores are 0 for values equal to the median and +-inf otherwise.
std::vector<double> modified_z_scores(std::span<const double> values);

// median(a) / median(b) for paired repetitions (a[i] and b[i] measured together), with a 95 %
// percentile-bootstrap interval: pairs resampled together, `resamples` times, from a fixed
// seed so the same data give the same interval. a and b must be non-empty and equally long.
struct RatioInterval {
  double value = 0, low = 0, high = 0;
};
RatioInterval ratio_of_medians(std::span<const double> a, std::span<const double> b, int resamples = 2000);

}  // namespace capbench
