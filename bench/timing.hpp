#pragma once
// The one timing loop every benchmark shares: warm-up, then `iterations` timed batches,
// each batch timed by the backend (CUDA events on a GPU, steady_clock on a CPU).
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "bench/backend.hpp"

namespace capbench {

inline std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(now() - t0).count();
}

// A planted slowdown, for regression tests only (suite key test_slow_rank): the slow rank's
// samples take `factor` times as long, because it really waits that long inside the sample.
struct SlowRank {
  int rank = -1;
  double factor = 1.0;
  static SlowRank from(const PlannedCase& spec) {
    SlowRank s;
    if (auto it = spec.params.find("test_slow_rank"); it != spec.params.end()) {
      s.rank = it->at("rank").get<int>();
      s.factor = it->at("factor").get<double>();
    }
    return s;
  }
  double apply(int my_rank, double seconds) const {
    if (my_rank != rank || factor <= 1.0) return seconds;
    const double extra = seconds * (factor - 1.0);
    const auto until = now() + std::chrono::duration<double>(extra);
    while (now() < until) {
    }
    return seconds * factor;
  }
};

// Runs warm-up batches, then timed batches; returns seconds per batch. `time_batch` returns
// the seconds one batch took. Stops at the deadline with CaseTimeout.
inline std::vector<double> timed_batches(const CaseContext& ctx, const std::function<double()>& time_batch) {
  const SlowRank slow = SlowRank::from(ctx.spec);
  if (ctx.phases) ctx.phases->warmup_begin();
  for (int i = 0; i < ctx.spec.warmup; ++i) {
    slow.apply(ctx.comm.rank(), time_batch());  // a slow GPU is slow in its warm-up too
    if (ctx.deadline.expired()) throw CaseTimeout("deadline passed during warm-up");
  }
  if (ctx.phases) ctx.phases->warmup_end(ctx.spec.warmup);
  std::vector<double> seconds;
  seconds.reserve(static_cast<std::size_t>(ctx.spec.iterations));
  if (ctx.window) ctx.window->begin();
  for (int i = 0; i < ctx.spec.iterations; ++i) {
    seconds.push_back(slow.apply(ctx.comm.rank(), time_batch()));
    if (ctx.deadline.expired() && i + 1 < ctx.spec.iterations)
      throw CaseTimeout("deadline passed after " + std::to_string(i + 1) + " timed iterations");
  }
  if (ctx.window) ctx.window->end();
  return seconds;
}

inline Metric make_metric(std::string name, std::string unit, std::vector<double> samples,
                          json labels = json::object()) {
  Metric m;
  m.name = std::move(name);
  m.unit = std::move(unit);
  m.labels = std::move(labels);
  m.stats = summarize(samples);
  m.samples = std::move(samples);
  return m;
}

}  // namespace capbench
