// capreport summary on large results: rows per case over every rank, then the text table.
#include <benchmark/benchmark.h>

#include "bench/micro/synth_cache.hpp"
#include "reports/render/summary.hpp"

namespace capbench::micro {
namespace {

void BM_SummarizeCases(benchmark::State& state) {
  const auto& d = synth_data(int(state.range(0)));
  for (auto _ : state) {
    auto rows = summarize_cases(d.results);
    std::string text = render_summary_text(d.results, rows);
    benchmark::DoNotOptimize(text.data());
  }
  std::int64_t rank_results = 0;
  for (const auto& c : d.results.cases) rank_results += std::int64_t(c.ranks.size());
  state.SetItemsProcessed(rank_results * state.iterations());  // rank results summarized
}
BENCHMARK(BM_SummarizeCases)->Arg(64)->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace capbench::micro
