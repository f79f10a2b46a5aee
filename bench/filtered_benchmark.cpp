#include "bench/filtered_benchmark.hpp"

#include <stdexcept>

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
  // Without these a wrapped collective's figures, the same on every rank, would be recorded
  // once per rank instead of once for the job.
  std::string job_wide_basis() const override { return inner_->job_wide_basis(); }
  json job_wide_info() const override { return inner_->job_wide_info(); }

 private:
  std::unique_ptr<Benchmark> inner_;
  std::function<Support(const PlannedCase&)> filter_;
};

class UnavailableBenchmark final : public Benchmark {
 public:
  UnavailableBenchmark(std::string key, std::string reason) : key_(std::move(key)), reason_(std::move(reason)) {}
  std::string key() const override { return key_; }
  std::string description() const override { return key_ + ": not in this build (" + reason_ + ")"; }
  Support filter(const PlannedCase&) const override { return Support::no(reason_); }
  RankResult run(const CaseContext&) override { throw std::logic_error(key_ + " is not in this build: " + reason_); }

 private:
  std::string key_;
  std::string reason_;
};

}  // namespace

std::unique_ptr<Benchmark> with_extra_filter(std::unique_ptr<Benchmark> inner,
                                             std::function<Support(const PlannedCase&)> filter) {
  return std::make_unique<FilteredBenchmark>(std::move(inner), std::move(filter));
}

std::unique_ptr<Benchmark> unavailable_benchmark(std::string key, std::string reason) {
  return std::make_unique<UnavailableBenchmark>(std::move(key), std::move(reason));
}

}  // namespace capbench
