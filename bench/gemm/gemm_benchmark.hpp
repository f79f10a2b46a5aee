#pragma once
#include <memory>

#include "bench/gemm/gemm_impl.hpp"

namespace capbench {

// The generic GEMM benchmark: timing loop, sustained mode, metrics, verification.
class GemmBenchmark final : public Benchmark {
 public:
  explicit GemmBenchmark(std::unique_ptr<GemmImpl> impl) : impl_(std::move(impl)) {}
  std::string key() const override { return "gemm"; }
  std::string description() const override {
    return "Dense matrix product C = A·B on random inputs; FLOP/s = 2·m·n·k / t; Freivalds-verified";
  }
  Support filter(const PlannedCase& spec) const override;
  RankResult run(const CaseContext& ctx) override;

 private:
  std::unique_ptr<GemmImpl> impl_;
};

}  // namespace capbench
