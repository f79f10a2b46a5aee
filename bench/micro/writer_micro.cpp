// Rank 0's results writer per case, and the journal's share of it: after every case the writer
// appends the case in place, rewrites the small journal (temporary file and rename) and the
// trailer, then flushes. The two benchmarks side by side give the journal's cost per case.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "bench/micro/synth_cache.hpp"
#include "bench/runner/results_writer.hpp"
#include "common/results_journal.hpp"

namespace capbench::micro {
namespace {

namespace fs = std::filesystem;

// A directory of this process's own under the temporary directory, removed with it.
struct OwnDir {
  fs::path path = fs::temp_directory_path() / ("capbench-micro-writer-" + std::to_string(::getpid()));
  OwnDir() { fs::create_directories(path); }
  ~OwnDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  OwnDir(const OwnDir&) = delete;
  OwnDir& operator=(const OwnDir&) = delete;
};

ResultsFile running_head(const ResultsFile& r) {
  ResultsFile h = r;
  h.cases.clear();
  h.run.status = "running";
  h.run.finished_at.clear();
  return h;
}

// ResultsWriter::add_case: the case's text, the journal, the trailer, fdatasync. A new file
// every 16 cases (outside the timing), so the file stays the size of a short run.
void BM_ResultsWriterAddCase(benchmark::State& state) {
  const auto& d = synth_data(int(state.range(0)));
  const OwnDir dir;
  const std::string path = (dir.path / "r.json").string();
  const ResultsFile head = running_head(d.results);
  std::unique_ptr<ResultsWriter> w;
  std::size_t i = 0;
  for (auto _ : state) {
    if (i % 16 == 0) {
      state.PauseTiming();
      w.reset();
      w = std::make_unique<ResultsWriter>(path, head);
      state.ResumeTiming();
    }
    w->add_case(d.results.cases[i % d.results.cases.size()]);
    ++i;
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()));
  state.SetLabel(fs::temp_directory_path().string());
}
BENCHMARK(BM_ResultsWriterAddCase)->Arg(64)->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();

// The journal alone, as add_case writes it (the run block of the same synthetic run).
void BM_ResultsJournalWrite(benchmark::State& state) {
  const auto& d = synth_data(int(state.range(0)));
  const OwnDir dir;
  const std::string path = (dir.path / "r.json.journal").string();
  const json run = results_to_json(d.results).at("run");
  for (auto _ : state) write_results_journal(path, {4096, 3, 900, run});
  state.SetItemsProcessed(std::int64_t(state.iterations()));
}
BENCHMARK(BM_ResultsJournalWrite)->Arg(64)->Arg(4096)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace capbench::micro
