// Statistics on sample counts from one GPU's iterations to a whole fleet's medians.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "common/stats.hpp"

namespace capbench::micro {
namespace {

std::vector<double> noisy(std::size_t n) {
  std::mt19937_64 rng(n);
  std::lognormal_distribution<double> d(std::log(5e13), 0.02);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

void BM_Summarize(benchmark::State& state) {
  const auto v = noisy(std::size_t(state.range(0)));
  for (auto _ : state) {
    Summary s = summarize(v);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.range(0) * state.iterations());  // samples
}
BENCHMARK(BM_Summarize)->Arg(10)->Arg(1000)->Arg(100000);

void BM_ModifiedZScores(benchmark::State& state) {
  const auto v = noisy(std::size_t(state.range(0)));
  for (auto _ : state) {
    auto z = modified_z_scores(v);
    benchmark::DoNotOptimize(z.data());
  }
  state.SetItemsProcessed(state.range(0) * state.iterations());
}
BENCHMARK(BM_ModifiedZScores)->Arg(10)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace capbench::micro
