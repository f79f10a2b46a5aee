#include "bench/runner/progress.hpp"

#include <cmath>

#include <fmt/format.h>

namespace capbench {

std::string Progress::format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  const auto total = static_cast<long long>(std::llround(s));
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
  return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

void Progress::start_case(int index, const std::string& id) {
  const double e = elapsed();
  // Estimate from the mean time of the cases done so far; unknown before the first one.
  const double left = index > 0 ? e / index * (total_ - index) : NAN;
  fmt::print(out_, "[{:>3}/{}] {:<44} elapsed {}  left ~{}\n", index + 1, total_, id, format_duration(e),
             format_duration(left));
  std::fflush(out_);
}

void Progress::end_case(int index, const std::string& id, const std::string& status, double wall_s) {
  fmt::print(out_, "[{:>3}/{}] {:<44} {} in {:.2f} s\n", index + 1, total_, id, status, wall_s);
  std::fflush(out_);
}

}  // namespace capbench
