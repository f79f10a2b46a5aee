// SHA-256 throughput: every report hashes the results file it was made from.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "common/sha256.hpp"

namespace capbench::micro {
namespace {

void BM_Sha256(benchmark::State& state) {
  std::string data(std::size_t(state.range(0)), '\0');
  std::mt19937_64 rng(7);
  for (auto& c : data) c = char(rng());
  for (auto _ : state) {
    std::string h = sha256_hex(data);
    benchmark::DoNotOptimize(h.data());
  }
  state.SetBytesProcessed(state.range(0) * state.iterations());
}
BENCHMARK(BM_Sha256)->Arg(64)->Arg(4096)->Arg(1 << 20)->Arg(64 << 20);

}  // namespace
}  // namespace capbench::micro
