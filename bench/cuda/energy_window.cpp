#include "bench/cuda/energy_window.hpp"

namespace capbench {

void EnergyWindow::reset() {
  start_mj_.reset();
  total_mj_ = 0;
  seconds_ = 0;
  windows_ = 0;
  broken_ = false;
  work_ = 0;
  unit_.clear();
}

void EnergyWindow::begin() {
  start_t_ = std::chrono::steady_clock::now();
  start_mj_ = read_mj_();
  if (!start_mj_) broken_ = true;
}

void EnergyWindow::end() {
  if (!start_mj_) return;
  const auto end_mj = read_mj_();
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_t_).count();
  if (!end_mj || *end_mj < *start_mj_) {
    broken_ = true;
  } else {
    total_mj_ += *end_mj - *start_mj_;
    seconds_ += dt;
    ++windows_;
  }
  start_mj_.reset();
}

void EnergyWindow::add_work(double amount, const std::string& unit) {
  if (!unit_.empty() && unit_ != unit) broken_ = true;  // mixed units: no single efficiency
  unit_ = unit;
  work_ += amount;
}

json EnergyWindow::to_json() const {
  if (broken_ || windows_ == 0) return nullptr;
  const double joules = double(total_mj_) / 1000.0;
  json j = {{"joules", joules}, {"window_s", seconds_}, {"windows", windows_}};
  if (!unit_.empty()) {
    j["work_unit"] = unit_;
    j["work"] = work_;
    // A counter that did not move (a window shorter than its update period) gives no figure.
    if (joules > 0 && work_ > 0) j["work_per_joule"] = work_ / joules;
  }
  return j;
}

}  // namespace capbench
