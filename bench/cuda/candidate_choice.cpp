#include "bench/cuda/candidate_choice.hpp"

#include <cmath>
#include <cstddef>

namespace capbench {

int choose_candidate(const std::vector<double>& seconds, double margin) {
  int first = -1, fastest = -1;
  for (int i = 0; i < int(seconds.size()); ++i) {
    const double t = seconds[std::size_t(i)];
    if (!(t > 0) || !std::isfinite(t)) continue;
    if (first < 0) first = i;
    if (fastest < 0 || t < seconds[std::size_t(fastest)]) fastest = i;
  }
  if (first < 0) return -1;
  return seconds[std::size_t(fastest)] < seconds[std::size_t(first)] * (1.0 - margin) ? fastest : first;
}

}  // namespace capbench
