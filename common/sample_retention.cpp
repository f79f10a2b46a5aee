#include "common/sample_retention.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "common/stats.hpp"

namespace capbench {

std::vector<int> ranks_keeping_samples(const CaseResult& c) {
  std::set<int> keep;
  std::vector<double> medians;
  std::vector<int> who;
  for (const auto& r : c.ranks) {
    if (r.status != "ok") {
      keep.insert(r.rank);
      continue;
    }
    if (r.rank == 0) keep.insert(0);
    if (r.metrics.empty() || r.metrics.front().stats.n == 0) continue;
    medians.push_back(r.metrics.front().stats.median);
    who.push_back(r.rank);
  }
  if (!medians.empty()) {
    const auto [lo, hi] = std::minmax_element(medians.begin(), medians.end());
    keep.insert(who[std::size_t(lo - medians.begin())]);
    keep.insert(who[std::size_t(hi - medians.begin())]);
    const std::vector<double> z = modified_z_scores(medians);
    std::vector<std::size_t> outliers;
    for (std::size_t i = 0; i < z.size(); ++i)
      if (std::abs(z[i]) > kSampleOutlierZ) outliers.push_back(i);
    std::sort(outliers.begin(), outliers.end(), [&](std::size_t a, std::size_t b) {
      return std::abs(z[a]) != std::abs(z[b]) ? std::abs(z[a]) > std::abs(z[b]) : who[a] < who[b];
    });
    const std::size_t cap = std::max<std::size_t>(1, c.ranks.size() / 100);
    if (outliers.size() > cap) outliers.resize(cap);
    for (std::size_t i : outliers) keep.insert(who[i]);
  }
  return {keep.begin(), keep.end()};
}

bool thin_samples(CaseResult& c, int keep_all_up_to) {
  if (keep_all_up_to < 0 || c.ranks.size() <= static_cast<std::size_t>(keep_all_up_to)) return false;
  const std::vector<int> kept = ranks_keeping_samples(c);
  for (auto& r : c.ranks) {
    if (std::binary_search(kept.begin(), kept.end(), r.rank)) continue;
    for (auto& m : r.metrics) {
      m.samples.clear();
      m.samples.shrink_to_fit();
    }
  }
  c.info["samples_kept"] = {
      {"rule", fmt::format("more than {} ranks: every rank keeps its statistics; per-iteration samples are kept "
                           "for rank 0, the ranks with the lowest and highest median of their first metric, the "
                           "ranks whose median has a modified z-score beyond {} (at most 1 % of the ranks, most "
                           "extreme first) and every rank that did not finish ok",
                           keep_all_up_to, kSampleOutlierZ)},
      {"ranks", kept}};
  return true;
}

}  // namespace capbench
