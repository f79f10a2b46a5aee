// Per-model precision coverage on the mixed-model golden job (T4, A100, H100 ranks): what a
// model's units lack is stated as such, never as a gap of the run, in the analysis and the report.
#include "reports/capacity/model_precisions.hpp"

#include <gtest/gtest.h>

#include "reports/render/report.hpp"
#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

using testing::Loaded;

const ModelPrecisions& model(const std::vector<ModelPrecisions>& v, const std::string& key) {
  for (const auto& m : v)
    if (m.model_key == key) return m;
  ADD_FAILURE() << "no model " << key;
  return v.front();
}

std::vector<std::string> families(const std::vector<PrecisionGap>& gaps) {
  std::vector<std::string> out;
  for (const auto& g : gaps) out.push_back(g.family);
  return out;
}

TEST(ModelPrecisions, EachModelIsMeasuredInWhatItCanRunAndLacksTheRest) {
  Loaded l("three-models.json", testing::kGwangju);
  const auto v = model_precisions(l.analysis);
  ASSERT_EQ(v.size(), 3u);
  const auto& t4 = model(v, "t4");
  EXPECT_EQ(t4.measured, (std::vector<std::string>{"fp64", "fp32", "fp16", "int8"}));
  EXPECT_EQ(families(t4.cannot),
            (std::vector<std::string>{"tf32", "bf16", "fp8_e4m3", "fp8_e4m3_fast_accum"}));
  EXPECT_TRUE(t4.not_measured.empty());
  const auto& a100 = model(v, "a100-sxm4-80gb");
  EXPECT_EQ(families(a100.cannot), (std::vector<std::string>{"fp8_e4m3", "fp8_e4m3_fast_accum"}));
  EXPECT_TRUE(model(v, "h100-sxm5-80gb").cannot.empty());
  EXPECT_EQ(model(v, "h100-sxm5-80gb").measured.size(), 8u);
  EXPECT_NE(describe(t4).find("compute capability 7.5"), std::string::npos) << describe(t4);
}

TEST(ModelPrecisions, OnlyTheCapabilityReasonMeansTheModelLacksIt) {
  EXPECT_TRUE(skip_means_model_lacks_it(
      "bf16 needs compute capability 8.0 or newer (Ampere tensor cores); this GPU is 7.5"));
  EXPECT_FALSE(skip_means_model_lacks_it("the CPU backend measures fp64 and fp32 only, not bf16"));
  EXPECT_FALSE(skip_means_model_lacks_it("fp8_e4m3 in cuBLASLt needs m, n and k multiples of 16; got 8x16x16"));
}

TEST(ModelPrecisions, TheReportSaysCannotRunNeverNotMeasuredForWhatAModelLacks) {
  Loaded l("three-models.json", testing::kGwangju);
  ReportInputs in;
  in.analysis = &l.analysis;
  in.generated_at = "2026-12-01T00:00:00Z";
  for (const std::string& text : {render_markdown(in), render_html(in)}) {
    EXPECT_NE(text.find("384 NVIDIA T4: cannot run TF32, BF16"), std::string::npos);
    EXPECT_NE(text.find("2 x NVIDIA A100 SXM4 80GB: measured in"), std::string::npos);
    EXPECT_EQ(text.find("no verified figure in TF32"), std::string::npos);
    EXPECT_EQ(text.find("no verified figure in FP8"), std::string::npos);
  }
}

// Two ranks on one H200 (the real run kept in docs/validation): the line counts the one GPU with
// its ranks beside it, and says why it has no figure, not that the model lacks the precision.
TEST(ModelPrecisions, RanksSharingOneGpuCountAsOneGpuAndSayWhyTheyHaveNoFigure) {
  GpuDatabase db = GpuDatabase::built_in();
  const auto rf = read_results_file(
      testing::source_path("docs/validation/h200-2026-11-27/run-5-supplement/two-ranks-one-gpu.json"));
  const Analysis a = analyze(rf, "two-ranks-one-gpu.json", "0", db, nullptr);
  const auto v = model_precisions(a);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].gpus, 1);
  EXPECT_EQ(v[0].ranks, 2);
  EXPECT_TRUE(v[0].measured.empty());
  EXPECT_TRUE(v[0].cannot.empty());
  ASSERT_FALSE(v[0].not_measured.empty());
  const auto line = describe(v[0]);
  EXPECT_EQ(line.rfind("1 x NVIDIA H200 SXM 141GB (2 ranks): not measured in ", 0), 0u) << line;
  EXPECT_NE(line.find("kept out, its ranks shared a GPU"), std::string::npos) << line;
  EXPECT_EQ(line.find("no verified figure"), std::string::npos) << line;
  // One reason for every precision: said once, naming them all.
  EXPECT_NE(line.find("not measured in FP64, FP32, "), std::string::npos) << line;
  EXPECT_EQ(line.find("kept out"), line.rfind("kept out")) << line;
}

}  // namespace
}  // namespace capbench
