#include "bench/runner/watchdog.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "bench/runner/signals.hpp"

namespace capbench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// mpirun sends SIGKILL 1 s after its SIGTERM: what must not outlive the job (the storage
// phases' files) goes within a tick of the signal, before the results file is marked. This
// process's stop flag stays set afterwards; ctest runs each test in a process of its own.
TEST(Watchdog, AtStopRunsWithinATickOfTheSignalBeforeTheStopIsHandled) {
  install_stop_handlers();
  std::atomic<double> at_stop_ms{-1}, on_stop_ms{-1};
  std::atomic<int> on_stop_signal{0};
  Clock::time_point t0;
  {
    Watchdog w(nullptr, [&](int sig) {
      on_stop_signal = sig;
      on_stop_ms = ms_since(t0);
    });
    w.set_at_stop([&] { at_stop_ms = ms_since(t0); });
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    EXPECT_LT(at_stop_ms.load(), 0) << "at_stop ran without a signal";
    t0 = Clock::now();
    std::raise(SIGTERM);
    // Leave before the watchdog's own exit, 2 s after the signal.
    while (on_stop_ms.load() < 0 && ms_since(t0) < 1500) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(at_stop_ms.load(), 0) << "at_stop never ran";
  ASSERT_GE(on_stop_ms.load(), 0) << "on_stop never ran";
  EXPECT_EQ(on_stop_signal.load(), SIGTERM);
  EXPECT_LT(at_stop_ms.load(), 200) << "at_stop waited for more than a tick";
  EXPECT_LT(at_stop_ms.load(), on_stop_ms.load());
  EXPECT_GE(on_stop_ms.load(), 250) << "on_stop left the main thread no time to handle the stop itself";
}

}  // namespace
}  // namespace capbench
