// capreport compare: capbench results and Google Benchmark JSON, side by side.
#include "reports/history/compare.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "common/config_node.hpp"
#include "tests/reports/history_synthetic.hpp"

namespace capbench {
namespace {

using testing::fleet;
using testing::SynthRun;
using testing::ScratchDir;
using testing::write_synthetic_run;

std::string write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
  return p.string();
}

// Google Benchmark output with --benchmark_repetitions=5: five iteration entries per benchmark
// and the aggregates it appends (which are not samples).
std::string google_benchmark_json(double scale) {
  json j = {{"context", {{"date", "2026-11-26"}, {"num_cpus", 2}}}, {"benchmarks", json::array()}};
  const double times[] = {100.0, 101.0, 99.0, 102.0, 98.5};
  for (int i = 0; i < 5; ++i)
    j["benchmarks"].push_back({{"name", "BM_Triad/1024"}, {"run_name", "BM_Triad/1024"}, {"run_type", "iteration"},
                               {"repetitions", 5}, {"repetition_index", i}, {"iterations", 1000},
                               {"real_time", times[i] * scale}, {"cpu_time", times[i] * scale}, {"time_unit", "us"}});
  for (const char* agg : {"mean", "median", "stddev"})
    j["benchmarks"].push_back({{"name", std::string("BM_Triad/1024_") + agg}, {"run_name", "BM_Triad/1024"},
                               {"run_type", "aggregate"}, {"aggregate_name", agg}, {"real_time", 1.0},
                               {"cpu_time", 1.0}, {"time_unit", "us"}});
  j["benchmarks"].push_back({{"name", "BM_Copy"}, {"run_type", "iteration"}, {"real_time", 5.0 * scale},
                             {"cpu_time", 5.0}, {"time_unit", "ms"}});
  return j.dump(2);
}

TEST(Compare, GoogleBenchmarkRepetitionsAreTheSamples) {
  ScratchDir dir;
  const auto a = write(dir.path / "a.json", google_benchmark_json(1.0));
  const auto b = write(dir.path / "b.json", google_benchmark_json(1.2));
  const auto r = compare_files(a, b, 0.05, 0.03);
  EXPECT_EQ(r.kind, "google-benchmark");
  ASSERT_EQ(r.rows.size(), 2u);
  const auto& triad = r.rows[1].name == "BM_Triad/1024" ? r.rows[1] : r.rows[0];
  EXPECT_EQ(triad.name, "BM_Triad/1024");
  EXPECT_EQ(triad.n_a, 5u);  // the aggregates were skipped
  EXPECT_EQ(triad.unit, "s");
  EXPECT_NEAR(triad.median_a, 100e-6, 1e-12);
  EXPECT_NEAR(triad.ratio, 1.2, 1e-9);
  // 5 against 5, completely separated: exact two-sided p = 2/252.
  EXPECT_NEAR(triad.p, 2.0 / 252.0, 1e-12);
  EXPECT_EQ(triad.verdict, "B slower");
  const std::string table = render_compare_table(r, a, b);
  EXPECT_NE(table.find("BM_Triad/1024"), std::string::npos);
}

TEST(Compare, OneSampleEachIsNeverSignificant) {
  ScratchDir dir;
  const auto a = write(dir.path / "a.json", google_benchmark_json(1.0));
  const auto b = write(dir.path / "b.json", google_benchmark_json(2.0));
  for (const auto& row : compare_files(a, b, 0.05, 0.03).rows)
    if (row.name == "BM_Copy") {
      EXPECT_EQ(row.n_a, 1u);
      EXPECT_DOUBLE_EQ(row.ratio, 2.0);
      EXPECT_EQ(row.verdict, "same");  // twice as slow, but one sample proves nothing
    }
}

TEST(Compare, CapbenchResultsPerCaseAndMetric) {
  ScratchDir dir;
  std::mt19937_64 rng(5);
  const auto a = write_synthetic_run(dir.path, SynthRun{"a", 1, fleet(1)}, rng);
  const auto b = write_synthetic_run(dir.path, SynthRun{"b", 2, fleet(1, 2, 700e12 * 0.9)}, rng);
  const auto r = compare_files(a, b, 0.05, 0.03);
  EXPECT_EQ(r.kind, "capbench");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].name, "gemm/bf16/8192x8192x8192 throughput");
  EXPECT_EQ(r.rows[0].n_a, 20u);  // both ranks' samples
  EXPECT_NEAR(r.rows[0].ratio, 0.9, 0.01);
  EXPECT_LT(r.rows[0].p, 1e-6);
  EXPECT_EQ(r.rows[0].verdict, "B slower");
}

TEST(Compare, JobWideMetricsAreTheJobSeries) {
  ScratchDir dir;
  std::mt19937_64 rng(7);
  SynthRun ra{"a", 1, fleet(1)}, rb{"b", 2, fleet(1)};
  ra.job_busbw = 150e9;
  rb.job_busbw = 150e9 * 0.8;
  const auto r = compare_files(write_synthetic_run(dir.path, ra, rng), write_synthetic_run(dir.path, rb, rng), 0.05,
                               0.03);
  const CompareRow* busbw = nullptr;
  for (const auto& row : r.rows)
    if (row.name == "collective/all_reduce/fp32/out_of_place job busbw {\"size_bytes\":1073741824.0}") busbw = &row;
  ASSERT_NE(busbw, nullptr) << render_compare_table(r, "a", "b");
  EXPECT_EQ(busbw->n_a, 10u);  // the job's samples, once (not once per rank)
  EXPECT_NEAR(busbw->ratio, 0.8, 0.02);
  EXPECT_EQ(busbw->verdict, "B slower");
  EXPECT_EQ(r.rows.size(), 4u);  // GEMM throughput + the job's time, algbw, busbw
}

TEST(Compare, RanksWithStatsOnlyAreNotPooled) {
  ScratchDir dir;
  std::mt19937_64 rng(8);
  SynthRun ra{"a", 1, fleet(2)}, rb{"b", 2, fleet(2, 2, 700e12 * 0.9)};
  rb.thin_samples = true;
  const auto r = compare_files(write_synthetic_run(dir.path, ra, rng), write_synthetic_run(dir.path, rb, rng), 0.05,
                               0.03);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].n_a, 0u);
  EXPECT_EQ(r.rows[0].n_b, 0u);
  EXPECT_NE(r.rows[0].verdict.find("stats only"), std::string::npos) << r.rows[0].verdict;
  EXPECT_NE(render_compare_table(r, "a", "b").find("stats only"), std::string::npos);
}

TEST(Compare, BadInputNamesTheFileAndKey) {
  ScratchDir dir;
  const auto gb = write(dir.path / "gb.json", google_benchmark_json(1.0));
  std::mt19937_64 rng(6);
  const auto cap = write_synthetic_run(dir.path, SynthRun{"a", 1, fleet(1)}, rng);
  EXPECT_THROW(compare_files(gb, cap, 0.05, 0.03), ConfigError);
  const auto broken = write(dir.path / "broken.json", R"({"context": {}, "benchmarks": [{"name": "BM_X"}]})");
  try {
    compare_files(broken, broken, 0.05, 0.03);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("benchmarks[0].real_time"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos) << e.what();
  }
  EXPECT_THROW(compare_files((dir.path / "missing.json").string(), gb, 0.05, 0.03), ConfigError);
  const auto not_json = write(dir.path / "x.json", "not json");
  EXPECT_THROW(compare_files(not_json, not_json, 0.05, 0.03), ConfigError);
}

}  // namespace
}  // namespace capbench
