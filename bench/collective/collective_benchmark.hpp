#pragma once
#include <memory>

#include "bench/collective/collective_impl.hpp"

namespace capbench {

// The generic collective benchmark: a size sweep, algbw and busbw per size, exact checks.
class CollectiveBenchmark final : public Benchmark {
 public:
  explicit CollectiveBenchmark(std::unique_ptr<CollectiveImpl> impl) : impl_(std::move(impl)) {}
  std::string key() const override { return "collective"; }
  std::string description() const override {
    return "Collective sweep over message sizes; algbw = S/t, busbw = algbw x factor (nccl-tests); exact check";
  }
  Support filter(const PlannedCase& spec) const override;
  RankResult run(const CaseContext& ctx) override;
  std::string job_wide_basis() const override {
    return "per timed iteration, the slowest rank's time (MPI maximum over ranks of each rank's time from the "
           "common start to its completion); algbw = S / time, busbw = algbw x bus factor";
  }

 private:
  std::unique_ptr<CollectiveImpl> impl_;
};

}  // namespace capbench
