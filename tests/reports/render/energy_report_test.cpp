// GFLOPS/W per model and precision in the report, from a results file carrying board energy,
// labelled and apart from throughput; no efficiency figure where energy was not measured.
#include "reports/render/energy_report.hpp"
#include "reports/render/report_section.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/reports/report_test_util.hpp"
#include "reports/render/report.hpp"
#include "tests/tools/scratch_dir.hpp"

namespace capbench {
namespace {

using testing::results_path;

// One H100 run with planted board energy: fp64 GEMM 2e12 FLOP/J, bf16 GEMM 5e12 FLOP/J over
// 3 s windows, STREAM 0.8 s at 4e9 B/J. Written and read back, so the schema is under test.
ResultsFile with_energy() {
  ResultsFile rf = read_results_file(results_path("one-h100.json"));
  for (auto& c : rf.cases) {
    CaseTelemetry t;
    t.available = true;
    t.source = "nvml";
    CaseEnergy e;
    e.windows = 1;
    const std::string p = c.params.value("precision", "");
    e.work_unit = c.benchmark == "stream" ? "B" : "FLOP";
    e.window_s = c.benchmark == "stream" ? 0.8 : 3.0;
    e.work_per_joule = c.benchmark == "stream" ? 4e9 : p == "fp64" ? 2e12 : 5e12;
    e.joules = 2100;
    e.work = *e.work_per_joule * e.joules;
    t.energy = e;
    for (auto& rr : c.ranks) rr.telemetry = t;
  }
  const testing::ScratchDir dir;
  const auto path = (dir.path / "health-energy-report-test.json").string();
  write_results_file_atomic(path, rf);
  return read_results_file(path);
}

TEST(EnergyReport, GflopsPerWattPerPrecisionAndModelFromTheEnergyReadings) {
  const auto rows = energy_efficiency(with_energy());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].model, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(rows[0].precision, "bf16");
  EXPECT_EQ(rows[0].unit, "GFLOPS/W");
  EXPECT_DOUBLE_EQ(rows[0].median, 5000);
  EXPECT_EQ(rows[1].precision, "fp64");
  EXPECT_DOUBLE_EQ(rows[1].median, 2000);
  EXPECT_EQ(rows[2].benchmark, "stream");
  EXPECT_EQ(rows[2].unit, "GB/s per W");
  EXPECT_DOUBLE_EQ(rows[2].median, 4);
}

TEST(EnergyReport, MarkdownAndHtmlCarryTheLabelTheCaveatAndTheFigures) {
  const ResultsFile rf = with_energy();
  const std::string md = energy_section_markdown(rf), html = energy_section_html(rf);
  // The label is the section's heading, in both formats (the registry renders it).
  EXPECT_EQ(energy_efficiency_section().title,
            "Energy efficiency (GPU board only: excludes CPUs, memory, network, cooling)");
  for (const std::string& text : {md, html}) {
    EXPECT_NE(text.find("GFLOPS/W"), std::string::npos);
    EXPECT_NE(text.find("tens of milliseconds"), std::string::npos);
    EXPECT_NE(text.find("5e+03"), std::string::npos);  // bf16
    EXPECT_NE(text.find("2e+03"), std::string::npos);  // fp64
    EXPECT_NE(text.find("0.80 s (short)"), std::string::npos);
  }
}

TEST(EnergyReport, NoEfficiencyFigureWhereEnergyWasNotMeasured) {
  const ResultsFile rf = read_results_file(results_path("one-h100.json"));
  EXPECT_TRUE(energy_efficiency(rf).empty());
  for (const std::string& text : {energy_section_markdown(rf), energy_section_html(rf)}) {
    EXPECT_NE(text.find("Not measured"), std::string::npos);
    EXPECT_EQ(text.find("GFLOPS/W"), std::string::npos);
  }
}

TEST(EnergyReport, AFailedVerificationGivesNoEfficiency) {
  ResultsFile rf = with_energy();
  for (auto& c : rf.cases)
    if (c.params.value("precision", "") == "bf16")
      for (auto& rr : c.ranks) rr.verification.status = "failed";
  for (const auto& r : energy_efficiency(rf)) EXPECT_NE(r.precision, "bf16");
}

TEST(EnergyReport, TheWholeReportShowsTheSectionApartFromThroughput) {
  testing::Loaded l("one-h100.json", "");
  l.results = with_energy();
  l.analysis.owned_results = std::make_shared<const ReportResults>(l.results);
  l.analysis.results = l.analysis.owned_results.get();
  ReportInputs in;
  in.analysis = &l.analysis;
  in.generated_at = "2026-12-01T00:00:00Z";
  const std::string md = render_markdown(in), html = render_html(in);
  const auto energy_at = md.find("## Energy efficiency (GPU board only");
  ASSERT_NE(energy_at, std::string::npos);
  EXPECT_NE(html.find("id=\"energy-table\""), std::string::npos);
  // A registry section: one heading each, in the registry's wrapper.
  EXPECT_NE(html.find("<section id=\"section-energy_efficiency\" data-stage=\"energy_efficiency\"><h2>Energy "
                      "efficiency (GPU board only: excludes CPUs, memory, network, cooling)</h2>"),
            std::string::npos);
  EXPECT_EQ(md.find("## Energy efficiency", energy_at + 1), std::string::npos);
  EXPECT_NE(md.find("## Health\n\nNot recorded"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"section-health\" data-stage=\"health\"><h2>Health</h2><p>Not recorded"),
            std::string::npos);
  // The throughput sections come first and carry no per-watt figure.
  EXPECT_EQ(md.substr(0, energy_at).find("/W"), std::string::npos);
}

}  // namespace
}  // namespace capbench
