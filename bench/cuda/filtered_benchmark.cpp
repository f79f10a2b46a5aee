// A benchmark with one more filter in front: rules of this backend that the generic
// benchmark's interface cannot express (GEMM shapes for FP8/INT8, NCCL's lack of in-place alltoall).
#include <functional>

#include "bench/cuda/cuda_backend.hpp"

namespace capbench {

namespace {

class FilteredBenchmark final : public Benchmark {
 public:
  FilteredBenchmark(std::unique_ptr<Benchmark> inner, std::function<Support(const PlannedCase&)> filter)
      : inner_(std::move(inner)), filter_(std::move(filter)) {}
  std::string key() const override { return inner_->key(); }
  std::string description() const override { return inner_->description(); }
  Support filter(const PlannedCase& spec) const override {
    if (auto s = filter_(spec); !s.ok) return s;
    return inner_->filter(spec);
  }
  RankResult run(const CaseContext& ctx) override { return inner_->run(ctx); }

 private:
  std::unique_ptr<Benchmark> inner_;
  std::function<Support(const PlannedCase&)> filter_;
};

}  // namespace

std::unique_ptr<Benchmark> with_extra_filter(std::unique_ptr<Benchmark> inner,
                                             std::function<Support(const PlannedCase&)> filter) {
  return std::make_unique<FilteredBenchmark>(std::move(inner), std::move(filter));
}

}  // namespace capbench
