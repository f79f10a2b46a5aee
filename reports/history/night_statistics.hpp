#pragma once
// Statistics of the nightly check that look at nights rather than samples: samples of one
// night share a boot, clocks and neighbours, so the unit of replication is the night.
//   - night_to_night_test: is tonight's median outside what the baseline nights' medians
//     predict? (Student-t prediction interval on log medians.)
//   - benjamini_hochberg: false-discovery control over the family of one check's comparisons.
#include <cstddef>
#include <span>
#include <vector>

namespace capbench {

// P(T <= t) for Student's t with `df` > 0 degrees of freedom.
double student_t_cdf(double t, double df);

struct NightTest {
  std::size_t nights = 0;   // baseline nights with a median
  double log_shift = 0;     // log(tonight's median) - mean of the baseline nights' log medians
  double log_spread = 0;    // sample standard deviation of the baseline nights' log medians
  double p_lower = 1;       // P(a clean night lies this far below): one-sided, tonight lower
  double p_higher = 1;      // the same, tonight higher
};

// `night_medians`: one positive median per baseline night (at least 2); `tonight`: tonight's
// positive median. Under "tonight is one more night like the others" (log medians normal with
// unknown mean and spread), t = shift / (spread * sqrt(1 + 1/N)) follows Student's t with N-1
// degrees of freedom; the p-values are its tails. `spread_floor` (log units) is the least
// spread the test assumes, whatever the nights showed; a spread of 0 gives p 0 or 1.
NightTest night_to_night_test(std::span<const double> night_medians, double tonight, double spread_floor = 0);

// Benjamini-Hochberg adjusted p-values ("q-values"): p_(i) * m / i, made monotone from the
// largest down, capped at 1. Rejecting every hypothesis whose adjusted value is <= q keeps the
// expected share of false discoveries at most q (independent or positively dependent tests);
// when no change is real, that is the chance of any alarm at all.
std::vector<double> benjamini_hochberg(std::span<const double> p);

}  // namespace capbench
