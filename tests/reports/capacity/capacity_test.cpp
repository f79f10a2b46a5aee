// Capacity figures from the golden results files, checked against sums written out by hand
// from the figures chosen in tests/data/results/generate.py.
#include "reports/capacity/capacity.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "reports/criteria/criteria.hpp"
#include "reports/render/report.hpp"
#include "reports/render/summary.hpp"
#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

using testing::Loaded;
using testing::P;
using testing::T;
using testing::make_job_wide;

const FamilyFigures& gemm(const Analysis& a, const std::string& p) {
  const auto* f = find_family(a.gemm, p);
  EXPECT_NE(f, nullptr) << p;
  return *f;
}

const ModelRow& model(const FamilyFigures& f, const std::string& key) {
  for (const auto& m : f.models)
    if (m.model_key == key) return m;
  ADD_FAILURE() << "no model " << key;
  return f.models.front();
}

TEST(Capacity, MixedFleetFp64TakesEachGpusBestVerifiedShape) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  const auto& f = gemm(l.analysis, "fp64");
  // Best of the 8192^3 and 4096^3 medians per GPU.
  const double h100[] = {55.0, 54.5, 40.0, 56.0};  // ranks 0-3
  const double a100[] = {18.0, 18.5, 17.8, 18.4};  // ranks 4-7
  EXPECT_EQ(f.measured, 8);
  EXPECT_NEAR(f.measured_sum, (55.0 + 54.5 + 40.0 + 56.0 + 18.0 + 18.5 + 17.8 + 18.4) * T, 1e-3 * T);
  EXPECT_EQ(f.slowest_rank, 6);
  EXPECT_NEAR(f.n_times_slowest, 8 * 17.8 * T, 1e-3 * T);
  // FP64 GEMM is held to the FP64 tensor-core peak: 66.9 (H100 SXM5), 19.5 (A100).
  EXPECT_NEAR(f.peak_sum_known, (4 * 66.9 + 4 * 19.5) * T, 1e-3 * T);
  ASSERT_TRUE(f.efficiency);
  EXPECT_NEAR(*f.efficiency, (55.0 + 54.5 + 40.0 + 56.0 + 18.0 + 18.5 + 17.8 + 18.4) / (4 * 66.9 + 4 * 19.5), 1e-9);
  // Model medians of four values: the mean of the middle two.
  EXPECT_NEAR(model(f, "h100-sxm5-80gb").median, (54.5 + 55.0) / 2 * T, 1e-3 * T);
  EXPECT_NEAR(model(f, "a100-sxm4-80gb").median, (18.0 + 18.4) / 2 * T, 1e-3 * T);
  (void)h100;
  (void)a100;
  // Projection: median per model x declared count (880 H100, 796 A100; the T4s are not in the run).
  ASSERT_TRUE(f.projection_made);
  EXPECT_NEAR(f.projected, (880 * (54.5 + 55.0) / 2 + 796 * (18.0 + 18.4) / 2) * T, 1e-2 * T);
  ASSERT_EQ(f.projection_notes.size(), 1u);
  EXPECT_NE(f.projection_notes[0].find("384 x NVIDIA T4"), std::string::npos);
  // Datasheet peak of the declared fleet: the T4 FP64 peak is unconfirmed, so it is left out and said so.
  ASSERT_TRUE(f.fleet_peak);
  EXPECT_NEAR(*f.fleet_peak, (880 * 66.9 + 796 * 19.5) * T, 1e-2 * T);
  EXPECT_FALSE(f.fleet_peak_complete);
}

// T4, A100 and H100 in one job: each precision counts the GPUs that can run it, skipped ranks
// are not "missing", and FP8 with fast accumulation is a family of its own, never pooled
// with accurate FP8.
TEST(Capacity, ThreeModelsEachMeasuredInWhatTheyCanDo) {
  Loaded l("three-models.json", testing::kGwangju);
  EXPECT_EQ(gemm(l.analysis, "fp64").measured, 6);
  EXPECT_EQ(gemm(l.analysis, "int8").measured, 6);
  EXPECT_EQ(gemm(l.analysis, "bf16").measured, 4);
  EXPECT_EQ(gemm(l.analysis, "bf16").gpus.size(), 4u) << "T4 ranks skipped bf16: they did not take part";
  const auto& fp8 = gemm(l.analysis, "fp8_e4m3");
  const auto& fast = gemm(l.analysis, "fp8_e4m3_fast_accum");
  EXPECT_EQ(fp8.measured, 2);
  EXPECT_EQ(fast.measured, 2);
  EXPECT_NEAR(fp8.measured_sum, (1250.0 + 1262.5) * T, 1e-3 * T);
  EXPECT_NEAR(fast.measured_sum, 1.3 * (1250.0 + 1262.5) * T, 1e-3 * T);
  ASSERT_EQ(fp8.cases.size(), 1u);
  ASSERT_EQ(fast.cases.size(), 1u);
  EXPECT_EQ(fast.cases[0], "gemm/fp8_e4m3_fast_accum/8192x8192x8192");
  // Both held to the FP8 datasheet peak (1979 TF dense on H100 SXM5).
  ASSERT_TRUE(fast.efficiency);
  EXPECT_NEAR(*fast.efficiency, 1.3 * (1250.0 + 1262.5) / (2 * 1979.0), 1e-6);
}

TEST(Capacity, FailedVerificationContributesNothing) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  const auto& f = gemm(l.analysis, "bf16");
  EXPECT_EQ(f.gpus.size(), 8u);
  EXPECT_EQ(f.measured, 7);  // rank 5 failed its verification (its 300 TFLOP/s must not count)
  EXPECT_NEAR(f.measured_sum, (780.0 + 790.0 + 770.0 + 785.0 + 262.0 + 268.0 + 270.0) * T, 1e-2 * T);
  EXPECT_NEAR(f.n_times_slowest, 7 * 262.0 * T, 1e-2 * T);
  EXPECT_EQ(f.slowest_rank, 4);
  EXPECT_FALSE(f.gpus[5].value);
  EXPECT_NE(f.gpus[5].problem.find("verification failed"), std::string::npos);
  EXPECT_NEAR(model(f, "a100-sxm4-80gb").median, 268.0 * T, 1e-3 * T);  // of 262, 268, 270
}

TEST(Capacity, AWrongAnswerInAnyShapeRemovesTheGpuFromThatPrecision) {
  Loaded l("mixed-fleet.json", "");
  // Rank 0 fails verification in the 4096^3 FP64 case only; its 8192^3 result (55.0) must not count.
  for (auto& c : l.results.cases)
    if (c.id == "gemm/fp64/4096x4096x4096") c.ranks[0].verification.status = "failed";
  const Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  const auto& f = gemm(a, "fp64");
  EXPECT_EQ(f.measured, 7);
  EXPECT_NEAR(f.measured_sum, (54.5 + 40.0 + 56.0 + 18.0 + 18.5 + 17.8 + 18.4) * T, 1e-3 * T);
  EXPECT_FALSE(f.gpus[0].value);
  // bf16 is another precision: rank 0 still counts there.
  EXPECT_TRUE(gemm(a, "bf16").gpus[0].value);
}

TEST(Capacity, SlowGpuIsAnOutlierWithinItsModel) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  ASSERT_EQ(l.analysis.outliers.size(), 1u);
  const auto& o = l.analysis.outliers[0];
  EXPECT_EQ(o.rank, 2);
  EXPECT_EQ(l.analysis.gpus[2].bus_id, "00000000:3B:00.0");
  // median 54.75; |deviations| 0.25 0.25 14.75 1.25 -> MAD 0.75.
  EXPECT_NEAR(o.z, 0.6745 * (40.0 - 54.75) / 0.75, 1e-6);
}

TEST(Capacity, PeakTargetIsComparedWithDatasheetPeakOnly) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  const auto& t = l.analysis.target;
  ASSERT_TRUE(t.evaluated) << t.reason;
  EXPECT_EQ(t.basis, "peak");
  EXPECT_FALSE(t.measured_fraction);  // a sustained figure is never divided by a peak target
  EXPECT_FALSE(t.projected_fraction);
  ASSERT_TRUE(t.fleet_peak_fraction);
  EXPECT_NEAR(*t.fleet_peak_fraction, (880 * 66.9 + 796 * 19.5) * T / (88.5 * P), 1e-9);
  EXPECT_EQ(t.gpus_in_fleet_peak, 880 + 796);  // the 384 T4s have no confirmed FP64 peak
  EXPECT_EQ(t.gpus_declared_cuda, 880 + 796 + 384);
  ASSERT_TRUE(t.measured_of_peak);
  EXPECT_NEAR(*t.measured_of_peak, (55.0 + 54.5 + 40.0 + 56.0 + 18.0 + 18.5 + 17.8 + 18.4) / (4 * 66.9 + 4 * 19.5), 1e-9);
  // The IPUs and T4s are declared, not measured.
  ASSERT_EQ(l.analysis.declared.size(), 2u);
  EXPECT_EQ(l.analysis.declared[0].count, 384);
  EXPECT_EQ(l.analysis.declared[1].count, 128);
  EXPECT_FALSE(l.analysis.declared[1].measurable);
}

TEST(Capacity, SustainedTargetComparesMeasuredAndProjected) {
  Loaded l("one-h100.json", "tests/reports/data/sustained-system.json");
  const auto& t = l.analysis.target;
  ASSERT_TRUE(t.evaluated) << t.reason;
  ASSERT_TRUE(t.measured_fraction && t.projected_fraction);
  EXPECT_NEAR(*t.measured_fraction, 60.0 * T / (1.5 * P), 1e-12);
  // Only H100s measured: 16 x 60 TFLOP/s projected; the 40 A100s are not projected.
  EXPECT_NEAR(*t.projected, 16 * 60.0 * T, 1e-3 * T);
  EXPECT_NEAR(*t.projected_fraction, 16 * 60.0 * T / (1.5 * P), 1e-12);
  EXPECT_FALSE(t.fleet_peak_fraction);
  const auto& f = gemm(l.analysis, "fp64");
  ASSERT_EQ(f.projection_notes.size(), 1u);
  EXPECT_NE(f.projection_notes[0].find("40 x NVIDIA A100 SXM4 80GB"), std::string::npos);
  // The NPU's owner figure is listed apart, never added.
  bool npu = false;
  for (const auto& d : l.analysis.declared)
    if (d.model == "Example NPU") {
      npu = true;
      ASSERT_EQ(d.figures.size(), 1u);
      EXPECT_DOUBLE_EQ(d.figures[0].value_base, 400 * T);
    }
  EXPECT_TRUE(npu);
}

TEST(Capacity, RunWithoutTheTargetsPrecisionIsNotCompared) {
  Loaded l("no-target-precision.json", testing::kGwangju);
  const auto& t = l.analysis.target;
  EXPECT_FALSE(t.evaluated);
  EXPECT_NE(t.reason.find("fp64"), std::string::npos);
  EXPECT_FALSE(t.measured || t.projected || t.fleet_peak_fraction);
  EXPECT_EQ(find_family(l.analysis.gemm, "fp64"), nullptr);
  // bf16 still reported; precisions never summed: bf16 sum is bf16 only.
  const auto& bf16 = gemm(l.analysis, "bf16");
  EXPECT_NEAR(bf16.measured_sum, (795.0 + 785.0 + 1500.0) * T, 1e-2 * T);
  // The unknown GPU is measured, with peak unknown; efficiency covers the two known H100s only.
  EXPECT_EQ(l.analysis.gpus[2].model, nullptr);
  EXPECT_NE(l.analysis.gpus[2].model_label.find("peak unknown"), std::string::npos);
  EXPECT_EQ(bf16.gpus_peak_known, 2);
  ASSERT_TRUE(bf16.efficiency);
  EXPECT_NEAR(*bf16.efficiency, (795.0 + 785.0) / (2 * 989.4), 1e-9);
  // The H100s have no device id in this file: matched by name.
  ASSERT_NE(l.analysis.gpus[0].model, nullptr);
  EXPECT_EQ(l.analysis.gpus[0].model->key, "h100-sxm5-80gb");
}

TEST(Capacity, NoSystemMeansNoTargetAndNoProjection) {
  Loaded l("one-h100.json", "");
  EXPECT_FALSE(l.analysis.target.evaluated);
  EXPECT_FALSE(gemm(l.analysis, "fp64").projection_made);
  EXPECT_NEAR(gemm(l.analysis, "fp64").measured_sum, 60.0 * T, 1e-6 * T);
}

TEST(Capacity, CpuBackendClaimsNoGpuCapacity) {
  Loaded l("one-h100.json", testing::kGwangju);
  // The same figures, as if measured on the CPU backend.
  l.results.run.backend = "cpu";
  l.results.ranks[0].device.kind = "cpu";
  l.results.ranks[0].device.name = "Some CPU";
  const Analysis a = analyze(l.results, "x.json", "0", l.db, &*l.system);
  EXPECT_TRUE(a.cpu_backend);
  EXPECT_FALSE(a.target.evaluated);
  EXPECT_NE(a.target.reason.find("CPU backend"), std::string::npos);
  EXPECT_FALSE(gemm(a, "fp64").projection_made);
  EXPECT_EQ(a.gpus[0].model, nullptr);
}

CaseResult& collective_case(ResultsFile& r) {
  for (auto& c : r.cases)
    if (c.benchmark == "collective") return c;
  ADD_FAILURE() << "no collective case";
  return r.cases.front();
}

constexpr double kGiB = 1024.0 * 1024 * 1024, kMiB = 1024.0 * 1024;

TEST(Capacity, ResultsV1CollectiveIsTheSlowestRanksMedian) {
  Loaded l("mixed-fleet.json", "");
  ASSERT_EQ(l.analysis.collectives.size(), 1u);
  const auto& s = l.analysis.collectives[0];
  EXPECT_FALSE(s.job_wide);
  ASSERT_EQ(s.points.size(), 3u);
  // 1 GiB: rank r at 190 - r GB/s; rank 7 is the slowest.
  EXPECT_NEAR(s.points[2].busbw_min, 183e9, 1e3);
  EXPECT_EQ(s.points[2].slowest_rank, 7);
  EXPECT_EQ(s.points[2].ranks, 8);
}

TEST(Capacity, ResultsV2CollectiveIsTheJobWideMedian) {
  Loaded l("mixed-fleet.json", "");
  auto& c = collective_case(l.results);
  const double factor = 2.0 * 7 / 8;
  // The slowest rank's time per iteration; the median of 5 is the third smallest, 0.0110 s.
  const std::vector<double> t1g = {0.0120, 0.0105, 0.0110, 0.0131, 0.0108};
  const std::vector<double> t256 = {0.0030, 0.0031, 0.0029, 0.0033, 0.0032};
  make_job_wide(c, {{kGiB, t1g}, {256 * kMiB, t256}}, factor);
  const Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  ASSERT_EQ(a.collectives.size(), 1u);
  const auto& s = a.collectives[0];
  EXPECT_TRUE(s.job_wide);
  EXPECT_NE(s.basis_note.find("maximum over ranks"), std::string::npos);
  EXPECT_EQ(s.ranks_ok, 8);
  ASSERT_EQ(s.points.size(), 2u);  // the sizes of the case's metrics, not the v1 ranks' three
  EXPECT_DOUBLE_EQ(s.points[0].size_bytes, 256 * kMiB);
  EXPECT_DOUBLE_EQ(s.points[1].size_bytes, kGiB);
  EXPECT_NEAR(s.points[1].busbw_min, kGiB / 0.0110 * factor, 1.0);
  EXPECT_NEAR(s.points[0].busbw_min, 256 * kMiB / 0.0031 * factor, 1.0);
  EXPECT_DOUBLE_EQ(s.points[1].busbw_median, s.points[1].busbw_min);
  EXPECT_EQ(s.points[1].slowest_rank, -1);  // no one rank is the slowest of every iteration
  EXPECT_EQ(s.points[1].ranks, 8);
}

TEST(Capacity, ResultsV2CollectiveWithAFailedRankHasNoFigure) {
  Loaded l("mixed-fleet.json", "");
  auto& c = collective_case(l.results);
  make_job_wide(c, {{kGiB, {0.01, 0.011, 0.012}}}, 1.75);
  c.ranks[5].status = "timeout";
  const Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  ASSERT_EQ(a.collectives.size(), 1u);
  EXPECT_TRUE(a.collectives[0].job_wide);
  EXPECT_EQ(a.collectives[0].ranks_ok, 7);
  EXPECT_TRUE(a.collectives[0].points.empty());
}

}  // namespace
}  // namespace capbench

namespace capbench {
namespace {

// Issue 15: a rank absent from one case of a precision (a damaged or hand-edited file) has no
// figure for that precision, and the report's problems name it, with or without a system.
TEST(Capacity, RankAbsentFromOneCaseHasNoFigureAndIsAProblem) {
  for (const char* system : {"", testing::kGwangju}) {
    Loaded l("mixed-fleet.json", system);
    for (auto& c : l.results.cases)
      if (c.id == "gemm/fp64/4096x4096x4096")
        std::erase_if(c.ranks, [](const RankResult& r) { return r.rank == 2; });
    const Analysis a = analyze(l.results, "x", "0", l.db, l.system ? &*l.system : nullptr);
    const auto* f = find_family(a.gemm, "fp64");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->measured, 7) << system;
    ASSERT_GT(f->gpus.size(), 2u);
    EXPECT_FALSE(f->gpus[2].value) << system;
    EXPECT_NE(f->gpus[2].problem.find("not measured"), std::string::npos) << f->gpus[2].problem;
    bool named = false;
    for (const auto& p : a.problems)
      named = named || (p.rank == 2 && p.case_id == "gemm/fp64/4096x4096x4096" && p.status == "missing");
    EXPECT_TRUE(named) << system;
    // Another precision, where rank 2 is in every case, still counts it.
    EXPECT_TRUE(find_family(a.gemm, "bf16")->gpus[2].value);
  }
}

// Ranks 0 and 1 of the mixed fleet planted on one H100 (one UUID): each measured a share of
// it, so both are kept out of every sum, model median and projection, the statement counts the
// six GPUs measured and says why two ranks are missing, and the per-GPU criteria fail them by
// name; the other six GPUs count as before.
TEST(Capacity, RanksSharingAGpuAreKeptOutOfEverySum) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  l.results.ranks[1].device.uuid = l.results.ranks[0].device.uuid;
  const Analysis a = analyze(l.results, "x", "0", l.db, &*l.system);
  EXPECT_EQ(a.gpus[0].shares_gpu_with, (std::vector<int>{1}));
  EXPECT_EQ(a.gpus[1].shares_gpu_with, (std::vector<int>{0}));
  EXPECT_TRUE(a.gpus[2].shares_gpu_with.empty());

  const auto& f = gemm(a, "fp64");
  EXPECT_EQ(f.measured, 6);
  EXPECT_EQ(f.on_shared_gpus, 2);
  EXPECT_NEAR(f.measured_sum, (40.0 + 56.0 + 18.0 + 18.5 + 17.8 + 18.4) * T, 1e-3 * T);
  for (const int r : {0, 1}) {
    const auto& g = f.gpus[static_cast<std::size_t>(r)];
    EXPECT_FALSE(g.value) << r;
    EXPECT_TRUE(g.on_shared_gpu) << r;
    EXPECT_NE(g.problem.find("shared its GPU (GPU-00000000-0000-0000-0000-000000000000) with rank " +
                             std::to_string(1 - r)),
              std::string::npos)
        << g.problem;
    EXPECT_NE(g.problem.find("its verified figure (gemm/fp64/"), std::string::npos) << g.problem;  // what was kept out
  }
  EXPECT_EQ(f.gpus.size(), 8u);
  EXPECT_EQ(f.devices, 7) << "ranks 0 and 1 ran on one GPU";
  EXPECT_EQ(model(f, "h100-sxm5-80gb").gpus, 4);
  EXPECT_EQ(model(f, "h100-sxm5-80gb").devices, 3);
  EXPECT_EQ(model(f, "a100-sxm4-80gb").devices, model(f, "a100-sxm4-80gb").gpus);
  EXPECT_NEAR(model(f, "h100-sxm5-80gb").median, (40.0 + 56.0) / 2 * T, 1e-3 * T);
  EXPECT_NEAR(f.projected, (880 * (40.0 + 56.0) / 2 + 796 * (18.0 + 18.4) / 2) * T, 1e-2 * T);
  const auto* stream = find_family(a.stream, "fp64");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->on_shared_gpus, 2);
  EXPECT_EQ(stream->measured, 6);
  EXPECT_EQ(gemm(a, "bf16").on_shared_gpus, 2);

  const ReportInputs in{&a, nullptr, nullptr, "t"};
  const auto q = statement_parts(in).quotable;
  EXPECT_NE(q.find("on 6 GPUs of 2 models"), std::string::npos) << q;
  EXPECT_NE(q.find("Caveat: 2 ranks shared a GPU with another rank"), std::string::npos) << q;
  EXPECT_NE(q.find(format_si(f.measured_sum, "FLOP/s")), std::string::npos) << q;

  const auto v = evaluate_criteria(load_criteria(testing::source_path("configs/criteria/acceptance-example.json")), a);
  const CriterionResult* h100_min = nullptr;
  for (const auto& r : v.results)
    if (r.id == "h100-fp64/min") h100_min = &r;
  ASSERT_NE(h100_min, nullptr);
  EXPECT_EQ(h100_min->status, "FAIL");
  int kept_out = 0;
  for (const auto& fl : h100_min->failures)
    if ((fl.rank == 0 || fl.rank == 1) && fl.what.rfind("kept out: rank", 0) == 0) ++kept_out;
  EXPECT_EQ(kept_out, 2);
  for (const auto& r : v.results) {
    if (r.id != "node-fp64") continue;
    ASSERT_FALSE(r.failures.empty());
    EXPECT_EQ(r.failures[0].host, "gpu-node-01");
    EXPECT_NE(r.failures[0].what.find("kept out, sharing a GPU with another rank: ranks 0, 1"), std::string::npos)
        << r.failures[0].what;
  }
}

// Two ranks alone on one GPU (the real H200 run): no capacity is stated at all.
TEST(Capacity, OnlyRanksSharingOneGpuStateNoCapacity) {
  GpuDatabase db = GpuDatabase::built_in();
  const auto rf = read_results_file(
      testing::source_path("docs/validation/h200-2026-11-27/run-5-supplement/two-ranks-one-gpu.json"));
  const Analysis a = analyze(rf, "two-ranks-one-gpu.json", "0", db, nullptr);
  ASSERT_FALSE(a.gemm.empty());
  for (const auto* fams : {&a.gemm, &a.stream})
    for (const auto& f : *fams) {
      EXPECT_EQ(f.measured, 0) << f.precision;
      EXPECT_EQ(f.on_shared_gpus, 2) << f.precision;
      EXPECT_EQ(f.measured_sum, 0) << f.precision;
    }
  const ReportInputs in{&a, nullptr, nullptr, "t"};
  const auto q = statement_parts(in).quotable;
  EXPECT_NE(q.find("on 2 ranks sharing 1 GPU (NVIDIA H200 SXM 141GB)"), std::string::npos) << q;
  EXPECT_NE(q.find("so no capacity is stated; launch one rank per GPU"), std::string::npos) << q;
  EXPECT_EQ(q.find("TFLOP/s"), std::string::npos) << q;
  EXPECT_EQ(q.find("TB/s"), std::string::npos) << q;
  const auto html = render_html(in);
  EXPECT_NE(html.find("kept out (rank 0 shared its GPU"), std::string::npos);
  EXPECT_EQ(html.find("8.39 TB/s"), std::string::npos);
  EXPECT_EQ(html.find("8.4 TB/s"), std::string::npos);
  const auto csv = render_per_gpu_csv(in);
  EXPECT_NE(csv.find(",kept_out_shared_gpu,"), std::string::npos);
  EXPECT_EQ(csv.find(",measured,"), std::string::npos);
  // The tables count the one GPU, not its two ranks, and say there were two.
  EXPECT_NE(html.find("<td class=num>0 / 1 (2 ranks)</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=num>0/1 (2 ranks)</td>"), std::string::npos);  // per model
  EXPECT_EQ(html.find("<td class=num>0 / 2</td>"), std::string::npos);
  EXPECT_NE(html.find("(1 GPU (2 ranks))</text>"), std::string::npos);          // the chart's model label
  const auto j = render_summary_json(in);
  EXPECT_EQ(j["gemm"][0]["gpus_in_cases"], 1);
  EXPECT_EQ(j["gemm"][0]["ranks_in_cases"], 2);
  EXPECT_EQ(j["gemm"][0]["models"][0]["gpus"], 1);
  EXPECT_EQ(j["gemm"][0]["models"][0]["ranks"], 2);
  EXPECT_EQ(j["gemm"][0]["gpus_kept_out_shared_gpu"], 2);
  EXPECT_EQ(j["shared_gpus"][0]["ranks"], json({0, 1}));
  EXPECT_EQ(j["shared_gpus"][0]["device"], "GPU-86422532-93c9-922e-b340-691a046a01ad");
  const std::string notice = "Ranks 0, 1 on host vm shared GPU GPU-86422532-93c9-922e-b340-691a046a01ad";
  EXPECT_NE(html.find("<b>Ranks shared a GPU.</b> " + notice), std::string::npos);
  const auto md = render_markdown(in);
  EXPECT_NE(md.find(" | 0 / 1 (2 ranks) | "), std::string::npos);
  EXPECT_NE(md.find("> **Ranks shared a GPU.** " + notice), std::string::npos) << md.substr(0, 800);
  EXPECT_LT(md.find("Ranks shared a GPU"), md.find("## Capacity statement")) << "said before any figure";
  for (const auto& text : {html, md}) {
    EXPECT_EQ(text.find(">0 FLOP/s<"), std::string::npos);  // no sum of nothing
    EXPECT_EQ(text.find("| 0 FLOP/s |"), std::string::npos);
  }
}

}  // namespace
}  // namespace capbench
