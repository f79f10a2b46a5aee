#pragma once
// The CUDA backend's TimedWindow: NVML's total-energy counter (millijoules since the driver
// loaded) read at the start and end of every timed window of a case, summed over the case's
// windows. The counter is read through a function, so the arithmetic is tested without NVML.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "bench/backend.hpp"

namespace capbench {

class EnergyWindow final : public TimedWindow {
 public:
  using Reader = std::function<std::optional<std::uint64_t>()>;  // millijoules, or nothing
  explicit EnergyWindow(Reader read_mj) : read_mj_(std::move(read_mj)) {}
  void reset();  // at the start of each case
  void begin() override;
  void end() override;
  void add_work(double amount, const std::string& unit) override;
  // {"joules", "window_s", "windows", "work_unit", "work", "work_per_joule"}, or null when no
  // window was read whole (the counter failed or never started).
  json to_json() const;

 private:
  Reader read_mj_;
  std::optional<std::uint64_t> start_mj_;
  std::chrono::steady_clock::time_point start_t_;
  std::uint64_t total_mj_ = 0;
  double seconds_ = 0;
  std::int64_t windows_ = 0;
  bool broken_ = false;  // a read failed or the counter went backwards: no figure for this case
  double work_ = 0;
  std::string unit_;
};

}  // namespace capbench
