#include "bench/runner/watchdog.hpp"

#include <cstdio>

#include "bench/runner/exit_codes.hpp"
#include "bench/runner/signals.hpp"

namespace capbench {

namespace {
constexpr auto kTick = std::chrono::milliseconds(50);
// Time the main thread gets to handle a stop itself before the watchdog marks the file.
constexpr auto kStopGrace = std::chrono::milliseconds(300);
// Time after a stop signal before the watchdog ends the process itself (docs/reliability.md).
constexpr auto kStopExit = std::chrono::seconds(2);
}  // namespace

Watchdog::Watchdog(std::function<void(const std::string&, double)> on_stuck, std::function<void(int)> on_stop)
    : on_stuck_(std::move(on_stuck)), on_stop_(std::move(on_stop)), thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (at_stop_thread_.joinable()) at_stop_thread_.join();
}

void Watchdog::arm(std::string phase, double limit_s) {
  std::lock_guard<std::mutex> lock(mu_);
  phase_ = std::move(phase);
  limit_s_ = limit_s;
  until_ = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                  std::chrono::duration<double>(limit_s));
  armed_ = true;
}

void Watchdog::set_at_stop(std::function<void()> f) {
  std::lock_guard<std::mutex> lock(mu_);
  at_stop_ = std::move(f);
}

void Watchdog::set_before_exit(std::function<void()> f) {
  std::lock_guard<std::mutex> lock(mu_);
  before_exit_ = std::move(f);
}

void Watchdog::disarm() {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = false;
}

void Watchdog::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!quit_) {
    cv_.wait_for(lock, kTick);
    if (quit_) break;
    const auto now = std::chrono::steady_clock::now();
    if (armed_ && now >= until_) {
      const std::string phase = phase_;
      const double limit = limit_s_;
      lock.unlock();
      if (on_stuck_) on_stuck_(phase, limit);
      std::fflush(stderr);
      std::_Exit(kExitFailed);  // the launcher sees a rank fail and ends the job
    }
    if (stop_requested()) {
      if (stop_seen_ == std::chrono::steady_clock::time_point{}) {
        stop_seen_ = now;
        // On a thread of its own, so that a slow removal never delays marking the file.
        if (at_stop_) at_stop_thread_ = std::thread(at_stop_);
      }
      if (!stop_handled_ && now - stop_seen_ >= kStopGrace) {
        stop_handled_ = true;
        lock.unlock();
        if (on_stop_) on_stop_(stop_signal());
        lock.lock();
      }
      if (stop_handled_ && now - stop_seen_ >= kStopExit) {
        const auto before_exit = before_exit_;
        lock.unlock();
        if (before_exit) before_exit();
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(kExitFailed);  // a stopped run is never 0
      }
    }
  }
}

}  // namespace capbench
