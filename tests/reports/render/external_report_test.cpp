// The report's FP64 section: an imported HPL Rmax beside the target and capbench's figures,
// Rmax/Rpeak against the declared fleet's FP64 datasheet peak, the source's SHA-256 shown; a
// failed HPL reported as failed and never a figure; capbench's own sums untouched by imports.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "reports/render/external_report.hpp"
#include "reports/render/summary.hpp"
#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

using testing::Loaded;

std::string sample_path(const std::string& name) {
  return std::string(CAPBENCH_SOURCE_DIR) + "/tests/reports/data/external/" + name;
}

ImportedSet imported_hpl() {
  ImportedSet s;
  s.file = "imported.json";
  for (const char* f : {"hpl-netlib-passed.txt", "hpl-failed.txt", "hpcg-valid.txt"})
    for (auto& r : import_external_file(sample_path(f), "auto", "t")) s.results.push_back(r);
  return s;
}

// The declared fleet's FP64 peak, from the database's own figures: 880 H100 SXM at their FP64
// tensor-core peak and 796 A100 SXM at theirs; the T4 has no FP64 figure and is left out.
double declared_fp64_peak(const GpuDatabase& db) {
  return 880 * *db.find("h100-sxm5-80gb")->peak_tflops.at("fp64_tensor").value * 1e12 +
         796 * *db.find("a100-sxm4-80gb")->peak_tflops.at("fp64_tensor").value * 1e12;
}

TEST(ExternalReport, RmaxBesideTargetWithRpeakRatioAndHash) {
  Loaded l("one-h100.json", testing::kGwangju);
  const ImportedSet imp = imported_hpl();
  ReportInputs in{&l.analysis, nullptr, nullptr, "2026-12-01T00:00:00Z", &imp};
  const Top500View v = make_top500_view(in);
  ASSERT_NE(v.rmax_result, nullptr);
  EXPECT_DOUBLE_EQ(v.rmax, 1.3161e+07 * 1e9);  // the larger of the two passed tests
  ASSERT_TRUE(v.rpeak);
  EXPECT_NEAR(*v.rpeak, declared_fp64_peak(l.db), 1.0);
  EXPECT_FALSE(v.rpeak_complete);  // the T4s' FP64 peak is unknown
  ASSERT_TRUE(v.rmax_over_rpeak);
  EXPECT_NEAR(*v.rmax_over_rpeak, v.rmax / declared_fp64_peak(l.db), 1e-12);
  ASSERT_EQ(v.failed_hpl.size(), 1u);

  const std::string sha = imp.results[0].source_sha256;
  const std::string md = render_external_markdown(in);
  EXPECT_NE(md.find("| target (fp64, peak) | 88.5 PFLOP/s"), std::string::npos) << md;
  EXPECT_NE(md.find("| Rmax (HPL, residual PASSED"), std::string::npos);
  EXPECT_NE(md.find(format_si(v.rmax, "FLOP/s")), std::string::npos);
  EXPECT_NE(md.find(format_si(*v.rpeak, "FLOP/s")), std::string::npos);
  EXPECT_NE(md.find("| Rmax / Rpeak | " + percent(*v.rmax_over_rpeak)), std::string::npos);
  EXPECT_NE(md.find(sha), std::string::npos);
  EXPECT_NE(md.find("HPL FAILED its residual check"), std::string::npos);
  EXPECT_NE(md.find(imp.results[2].source_sha256), std::string::npos);  // the failed file's hash

  const std::string html = render_external_html(in);
  EXPECT_NE(html.find("id=\"top500\""), std::string::npos);
  EXPECT_NE(html.find(sha), std::string::npos);
  EXPECT_NE(html.find("id=\"hpl-failed\""), std::string::npos);

  const std::string statement = render_statement(in);
  EXPECT_NE(statement.find("Rmax " + format_si(v.rmax, "FLOP/s")), std::string::npos) << statement;
  EXPECT_NE(statement.find(sha), std::string::npos);
  EXPECT_NE(statement.find("FAILED its residual check and gives no figure"), std::string::npos);
  EXPECT_NE(statement.find("added to none of capbench's figures"), std::string::npos);
}

TEST(ExternalReport, ImportsChangeNoneOfCapbenchsFigures) {
  Loaded l("one-h100.json", testing::kGwangju);
  const ImportedSet imp = imported_hpl();
  ReportInputs plain{&l.analysis, nullptr, nullptr, "2026-12-01T00:00:00Z"};
  ReportInputs with{&l.analysis, nullptr, nullptr, "2026-12-01T00:00:00Z", &imp};
  json a = render_summary_json(plain), b = render_summary_json(with);
  EXPECT_FALSE(a.contains("external"));
  ASSERT_TRUE(b.contains("external"));
  EXPECT_DOUBLE_EQ(b["external"]["rmax"]["value"].get<double>(), 1.3161e+07 * 1e9);
  EXPECT_EQ(b["external"]["hpl_failed"].size(), 1u);
  EXPECT_EQ(a["gemm"], b["gemm"]);
  EXPECT_EQ(a["target"], b["target"]);
}

TEST(ExternalReport, OnlyAFailedHplGivesNoRmax) {
  Loaded l("one-h100.json", testing::kGwangju);
  ImportedSet imp;
  imp.file = "imported.json";
  imp.results = import_external_file(sample_path("hpl-failed.txt"), "hpl", "t");
  ReportInputs in{&l.analysis, nullptr, nullptr, "2026-12-01T00:00:00Z", &imp};
  const Top500View v = make_top500_view(in);
  EXPECT_EQ(v.rmax_result, nullptr);
  EXPECT_FALSE(v.rmax_over_rpeak);
  const std::string md = render_external_markdown(in);
  EXPECT_NE(md.find("| Rmax (HPL) | not available"), std::string::npos);
  EXPECT_NE(md.find("**FAILED**"), std::string::npos);
  EXPECT_EQ(md.find("1.42e+07"), std::string::npos);
  EXPECT_EQ(md.find("14.2 PFLOP/s"), std::string::npos);  // the failed run's Gflops is never shown
}

TEST(ExternalReport, NothingToSayWithoutImportsOrLu) {
  Loaded l("one-h100.json", "");
  ReportInputs in{&l.analysis, nullptr, nullptr, "2026-12-01T00:00:00Z"};
  EXPECT_EQ(render_external_markdown(in), "");
  EXPECT_EQ(render_external_html(in), "");
  EXPECT_TRUE(render_external_summary_json(in).is_null());
}

}  // namespace
}  // namespace capbench
