#pragma once
#include <memory>

#include "bench/stream/stream_impl.hpp"

namespace capbench {

class StreamBenchmark final : public Benchmark {
 public:
  explicit StreamBenchmark(std::unique_ptr<StreamImpl> impl, int batch = 1)
      : impl_(std::move(impl)), batch_(batch) {}
  std::string key() const override { return "stream"; }
  std::string description() const override {
    return "STREAM copy, mul, add, triad, dot over arrays at least 4x the last-level cache; replay-verified";
  }
  Support filter(const PlannedCase& spec) const override;
  RankResult run(const CaseContext& ctx) override;

 private:
  std::unique_ptr<StreamImpl> impl_;
  int batch_;
};

// Replays k iterations on the scalar 1 to get the factor each array holds per unit of a0.
StreamExpectation stream_expectation(int iterations, double unit_roundoff);

}  // namespace capbench
