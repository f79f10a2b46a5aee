#pragma once
// A point in time after which a rank stops waiting. Every wait in the runner is bounded by
// one, so a hung or dead peer is reported instead of hanging the job.
#include <chrono>
#include <limits>

namespace capbench {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  static Deadline after_seconds(double s) {
    Deadline d;
    d.at_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
    return d;
  }
  static Deadline never() {
    Deadline d;
    d.at_ = Clock::time_point::max();
    return d;
  }
  bool expired() const { return Clock::now() >= at_; }
  double seconds_left() const {
    if (at_ == Clock::time_point::max()) return std::numeric_limits<double>::infinity();
    return std::chrono::duration<double>(at_ - Clock::now()).count();
  }

 private:
  Clock::time_point at_{};
};

}  // namespace capbench
