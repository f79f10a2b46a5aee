#pragma once
// How many back-to-back operations make one timed sample long enough that event timing
// resolution and launch gaps stop mattering.
#include <algorithm>
#include <cmath>

namespace capbench {

// Operations per sample so that a sample lasts about target_s, given one operation's time;
// at least 1, at most max_reps. An unknown estimate (zero, negative, NaN) gives 1, the safe
// choice under a deadline.
inline int reps_for_target(double seconds_per_op, double target_s, int max_reps) {
  if (!(seconds_per_op > 0) || !std::isfinite(seconds_per_op)) return 1;
  const double reps = std::ceil(target_s / seconds_per_op);
  return static_cast<int>(std::clamp(reps, 1.0, double(std::max(1, max_reps))));
}

}  // namespace capbench
