// The results file at scale: rank 0 serializes it after every case; every report reads it.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "bench/micro/synth_cache.hpp"
#include "common/results_reader.hpp"

namespace capbench::micro {
namespace {

// results_to_json + dump, as ResultsWriter does after every case.
void BM_ResultsSerialize(benchmark::State& state) {
  const auto& d = synth_data(int(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = dump_results_text(results_to_json(d.results));
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(std::int64_t(bytes) * state.iterations());
  state.SetItemsProcessed(state.range(0) * state.iterations());  // ranks
  state.counters["file_bytes"] = double(bytes);
  state.counters["cases"] = double(d.results.cases.size());
}
BENCHMARK(BM_ResultsSerialize)->Arg(64)->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond);

// Text to DOM only (nlohmann::json::parse), to split the reader's time.
void BM_ResultsJsonParse(benchmark::State& state) {
  const auto& d = synth_data(int(state.range(0)));
  for (auto _ : state) {
    json j = json::parse(d.text);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(std::int64_t(d.text.size()) * state.iterations());
  state.SetItemsProcessed(state.range(0) * state.iterations());
}
BENCHMARK(BM_ResultsJsonParse)->Arg(64)->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond);

// DOM to structs through the strict reader (every key checked, every rank counted).
void BM_ResultsStrictRead(benchmark::State& state) {
  const auto& d = synth_data(int(state.range(0)));
  const json j = json::parse(d.text);
  for (auto _ : state) {
    ResultsFile r = results_from_json(j, "synthetic.json");
    benchmark::DoNotOptimize(r.cases.data());
  }
  state.SetBytesProcessed(std::int64_t(d.text.size()) * state.iterations());
  state.SetItemsProcessed(state.range(0) * state.iterations());
}
BENCHMARK(BM_ResultsStrictRead)->Arg(64)->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond);

// The whole read_results_file path from text, as capreport runs it.
void BM_ResultsReadText(benchmark::State& state) {
  const auto& d = synth_data(int(state.range(0)));
  for (auto _ : state) {
    ResultsFile r = results_from_json(json::parse(d.text), "synthetic.json");
    benchmark::DoNotOptimize(r.cases.data());
  }
  state.SetBytesProcessed(std::int64_t(d.text.size()) * state.iterations());
  state.SetItemsProcessed(state.range(0) * state.iterations());
}
BENCHMARK(BM_ResultsReadText)->Arg(64)->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond);

// A results file written once per rank count, for the file readers below.
const std::string& synth_file(int ranks) {
  static std::map<int, std::string> paths;
  auto& path = paths[ranks];
  if (path.empty()) {
    path = (std::filesystem::temp_directory_path() /
            ("capbench-micro-" + std::to_string(::getpid()) + "-" + std::to_string(ranks) + ".json"))
               .string();
    write_text_atomic(path, synth_data(ranks).text);
    std::atexit([] {
      for (const auto& [n, p] : paths) std::filesystem::remove(p);
    });
  }
  return path;
}

// read_results_file from a file on disk, as capreport runs it: the scanner, the simdjson
// record readers on every core, nlohmann on the skeleton. Arg 1: the reference reader
// (nlohmann's SAX parser over every byte, one thread) for comparison.
void BM_ResultsFileRead(benchmark::State& state) {
  const int ranks = int(state.range(0));
  const bool reference = state.range(1) != 0;
  const std::string& path = synth_file(ranks);
  const std::size_t bytes = synth_data(ranks).text.size();
  FastReadStats stats;
  for (auto _ : state) {
    ResultsFile r = reference ? read_results_file_reference(path) : read_results_file_fast(path, &stats);
    benchmark::DoNotOptimize(r.cases.data());
  }
  // A fast read that fell back would measure the reference reader under the fast name.
  if (!reference && (stats.whole_file_fallback || stats.records_reread != 0))
    state.SkipWithError("the fast reader fell back to the reference reader");
  state.SetBytesProcessed(std::int64_t(bytes) * state.iterations());
  state.SetItemsProcessed(ranks * state.iterations());
  state.SetLabel(reference ? "reference" : "fast");
}
BENCHMARK(BM_ResultsFileRead)
    ->ArgsProduct({{64, 512, 4096}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One rank's result to text and back: what the per-case gather carries.
void BM_RankResultRoundTrip(benchmark::State& state) {
  const auto& d = synth_data(64);
  const auto& c = d.results.cases[std::size_t(state.range(0)) % d.results.cases.size()];
  const RankResult& rr = c.ranks.front();
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = rank_result_to_json(rr).dump();
    bytes = text.size();
    RankResult back = rank_result_from_json(json::parse(text), "payload", "");
    benchmark::DoNotOptimize(back.metrics.data());
  }
  state.SetBytesProcessed(std::int64_t(bytes) * state.iterations());
  state.SetLabel(c.id);
  state.counters["payload_bytes"] = double(bytes);
}
BENCHMARK(BM_RankResultRoundTrip)->DenseRange(0, 17, 1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace capbench::micro
