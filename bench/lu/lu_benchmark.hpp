#pragma once
#include <memory>

#include "bench/lu/lu_impl.hpp"

namespace capbench {

// HPL's count of floating-point operations for solving an n×n system: 2/3·n³ + 3/2·n².
double hpl_operation_count(std::int64_t n);
// HPL's scaled residual ‖Ax−b‖∞ / (ε·(‖A‖∞·‖x‖∞ + ‖b‖∞)·n), ε = 2^-53 (HPL's eps, the unit
// roundoff of FP64); +inf when a norm is not finite.
double hpl_scaled_residual(const LuNorms& norms, std::int64_t n);
inline constexpr double kHplResidualThreshold = 16.0;
inline constexpr const char* kLuBasis = "HPL-like, one device, not Rmax";

// The largest n whose case fits in `fraction` of `memory_bytes`, as a multiple of 64.
std::int64_t lu_auto_n(const LuImpl& impl, double fraction);

// The generic LU benchmark: one independent system per rank (no communication between ranks).
class LuBenchmark final : public Benchmark {
 public:
  explicit LuBenchmark(std::unique_ptr<LuImpl> impl) : impl_(std::move(impl)) {}
  std::string key() const override { return "lu"; }
  std::string description() const override {
    return "LU with partial pivoting and a solve per rank on a random matrix; FLOP/s = (2/3·n³ + 3/2·n²) / t; "
           "HPL's scaled residual checked (< 16); HPL-like, one device, not Rmax";
  }
  Support filter(const PlannedCase& spec) const override;
  RankResult run(const CaseContext& ctx) override;

 private:
  std::unique_ptr<LuImpl> impl_;
};

}  // namespace capbench
