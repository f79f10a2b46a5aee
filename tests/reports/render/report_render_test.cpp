// Rendering: escaping of file-supplied strings, the statement's content, the summary schema,
// and the GPU database and system description loaders.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "reports/system/quantity.hpp"
#include "reports/render/report.hpp"
#include "reports/render/text_escape.hpp"
#include "tests/reports/report_test_util.hpp"
#include "tests/tools/synth_results.hpp"

#include <fmt/format.h>

namespace capbench {
namespace {

using testing::Loaded;

using testing::write_scratch_file;

TEST(Escape, EveryFormat) {
  EXPECT_EQ(html_escape("<script>alert('x')</script>&\""), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
  EXPECT_EQ(md_escape("a|b*c_<x>\nd"), "a\\|b\\*c\\_&lt;x&gt; d");
  EXPECT_EQ(csv_text("plain"), "plain");
  EXPECT_EQ(csv_text("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
}

TEST(Render, HostileHostnameIsTextEverywhere) {
  Loaded l("hostile-hostname.json", testing::kGwangju);
  ReportInputs in{&l.analysis, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  const auto html = render_html(in);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>serial</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  const auto md = render_markdown(in);
  EXPECT_EQ(md.find("<script"), std::string::npos);
  const auto csv = render_per_gpu_csv(in);
  EXPECT_NE(csv.find("<script>alert(1)</script>"), std::string::npos);  // CSV is data: kept verbatim, quoted if needed
}

TEST(Render, LargeFleetChartsDrawEachModelsSpreadAndTheGpusThatStandOut) {
  const Suite suite = load_suite_file(testing::source_path("tests/data/synth_acceptance_suite.json"));
  SynthOptions o;
  o.ranks = 600;  // above the 512 GPUs one bar each can show
  o.samples_per_metric = 3;
  o.seed = 7;
  const ResultsFile rf = synthesize_results(suite, o);
  const GpuDatabase db = GpuDatabase::built_in();
  const Analysis a = analyze(rf, "synthetic.json", "0", db, nullptr);
  ReportInputs in{&a, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  const auto html = render_html(in);
  // Families every GPU ran (fp64 on the whole fleet) are spreads; the fp8 family, which only
  // the H100s ran (under 512 of them), keeps its bars.
  std::size_t spreads = 0, fp64_spreads = 0;
  for (std::size_t at = html.find("gpu-spread\""); at != std::string::npos; at = html.find("gpu-spread\"", at + 1)) {
    ++spreads;
    const auto tag = html.substr(at, html.find('>', at) - at);
    if (tag.find("data-precision=\"fp64\"") != std::string::npos) ++fp64_spreads;
  }
  EXPECT_GT(spreads, 0u);
  EXPECT_GT(fp64_spreads, 0u);
  std::size_t bars = 0;
  for (std::size_t at = html.find("class=\"gpu-bar\""); at != std::string::npos; at = html.find("class=\"gpu-bar\"", at + 1))
    ++bars;
  EXPECT_LT(bars, 512u * 4);
  EXPECT_NE(html.find("class=\"model-spread\""), std::string::npos);
  EXPECT_NE(html.find("every GPU: per_gpu.csv"), std::string::npos);
  // Every outlier of the analysis is drawn on its own, named by rank.
  std::size_t outliers = 0;
  for (const auto* fams : {&a.gemm, &a.stream})
    for (const auto& f : *fams)
      for (const auto& g : f.gpus)
        if (g.outlier) {
          ++outliers;
          EXPECT_NE(html.find(fmt::format("data-rank=\"{}\"", g.rank)), std::string::npos) << g.rank;
        }
  EXPECT_GT(outliers, 0u);  // the generator makes about one GPU in 500 clearly slow
  EXPECT_NE(html.find("class=\"gpu-point\""), std::string::npos);
  EXPECT_LT(html.size(), 2u << 20);
  // Small fleets keep one bar per GPU.
  o.ranks = 16;
  const ResultsFile small = synthesize_results(suite, o);
  const Analysis b = analyze(small, "small.json", "0", db, nullptr);
  ReportInputs in_small{&b, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  EXPECT_NE(render_html(in_small).find("class=\"gpu-bar\""), std::string::npos);
}

TEST(Render, StatementNamesPrecisionBasisCountsAndHash) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  ReportInputs in{&l.analysis, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  l.analysis.results_sha256 = "abc123";
  const auto s = render_statement(in);
  for (const char* must : {"FP64", "datasheet peak", "880 NVIDIA H100 SXM5 80GB", "796 NVIDIA A100 SXM4 80GB",
                           "128 Graphcore IPU", "384 NVIDIA T4", "2026-11-20", "capbench 0.1.0", "abc123",
                           "8 GPUs"})
    EXPECT_NE(s.find(must), std::string::npos) << must << "\n" << s;
}

TEST(Render, StatementWithoutTheTargetsPrecisionMakesNoComparison) {
  Loaded l("no-target-precision.json", testing::kGwangju);
  ReportInputs in{&l.analysis, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  const auto s = render_statement(in);
  EXPECT_NE(s.find("No comparison with a target is made"), std::string::npos) << s;
  EXPECT_EQ(s.find("of the target"), std::string::npos) << s;
}

TEST(Render, CpuBackendStatementClaimsNoGpuCapacity) {
  Loaded l("one-h100.json", testing::kGwangju);
  l.results.run.backend = "cpu";
  l.results.ranks[0].device.kind = "cpu";
  const Analysis a = analyze(l.results, "x.json", "0", l.db, &*l.system);
  ReportInputs in{&a, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  const auto s = render_statement(in);
  EXPECT_NE(s.find("CPU backend"), std::string::npos);
  EXPECT_NE(s.find("state no GPU capacity"), std::string::npos);
  const auto j = render_summary_json(in);
  EXPECT_EQ(j["gpu_capacity_claimed"], false);
  EXPECT_EQ(j["target"]["evaluated"], false);
}

TEST(Render, SummaryJsonCarriesSchemaAndFigures) {
  Loaded l("mixed-fleet.json", testing::kGwangju);
  const auto c = load_criteria(testing::source_path("configs/criteria/acceptance-example.json"));
  const auto v = evaluate_criteria(c, l.analysis);
  ReportInputs in{&l.analysis, &c, &v, "2026-11-26T00:00:00Z"};
  const auto j = render_summary_json(in);
  EXPECT_EQ(j["schema"], "capbench.summary/1");
  EXPECT_EQ(j["criteria"]["accepted"], false);
  EXPECT_EQ(j["gemm"][0]["precision"], "fp64");
  EXPECT_EQ(j["gemm"][0]["gpus_measured"], 8);
  EXPECT_EQ(j["outliers"][0]["bus_id"], "00000000:3B:00.0");
  EXPECT_EQ(j["target"]["precision"], "fp64");
  // The CSV has one row per GPU and family: 8 x (fp64, bf16, stream) + header.
  const auto csv = render_per_gpu_csv(in);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 8 * 3);
}

TEST(Render, CollectiveBasisIsSaidAndAJobWideFigureNamesNoRank) {
  Loaded l("mixed-fleet.json", "");
  {
    // results/1: per-rank figures; the slowest rank is named.
    ReportInputs in{&l.analysis, nullptr, nullptr, "2026-11-26T00:00:00Z"};
    const auto html = render_html(in);
    EXPECT_NE(html.find("data-busbw=\"1.83e+11\" data-slowest-rank=\"7\" data-basis=\"rank\""), std::string::npos);
    EXPECT_NE(html.find("per rank (results/1)"), std::string::npos);
    EXPECT_NE(render_markdown(in).find("(rank 7)"), std::string::npos);
    EXPECT_EQ(render_summary_json(in)["collectives"][0]["points"][2]["slowest_rank"], 7);
  }
  for (auto& c : l.results.cases)
    if (c.benchmark == "collective") testing::make_job_wide(c, {{1024.0 * 1024 * 1024, {0.01, 0.02, 0.03}}}, 1.75);
  const Analysis a = analyze(l.results, "x", "0", l.db, nullptr);
  ReportInputs in{&a, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  const auto html = render_html(in);
  EXPECT_NE(html.find("data-busbw=\"9.39524e+10\" data-basis=\"job\">"), std::string::npos);
  EXPECT_EQ(html.find("data-slowest-rank"), std::string::npos);
  EXPECT_EQ(html.find("slowest rank -1"), std::string::npos);
  EXPECT_NE(html.find("Figures job-wide"), std::string::npos);
  EXPECT_EQ(html.find("per rank (results/1)"), std::string::npos);
  const auto md = render_markdown(in);
  EXPECT_NE(md.find("job-wide"), std::string::npos);
  EXPECT_EQ(md.find("(rank -1)"), std::string::npos);
  EXPECT_NE(md.find("1 GiB → 94 GB/s"), std::string::npos) << md;
  const auto j = render_summary_json(in);
  EXPECT_TRUE(j["collectives"][0]["points"][0]["slowest_rank"].is_null());
  EXPECT_EQ(j["collectives"][0]["basis"], "job");
}

TEST(GpuDatabase, MatchesByDeviceIdThenName) {
  const auto db = GpuDatabase::built_in();
  DeviceIdentity d;
  d.kind = "cuda";
  for (const char* id : {"0x2330", "10de:2330", "0x233010DE", "2330"}) {
    d.pci_device_id = id;
    ASSERT_NE(db.match(d), nullptr) << id;
    EXPECT_EQ(db.match(d)->key, "h100-sxm5-80gb") << id;
  }
  d.pci_device_id = "";
  d.name = "nvidia a100-sxm4-80gb";
  ASSERT_NE(db.match(d), nullptr);
  EXPECT_EQ(db.match(d)->key, "a100-sxm4-80gb");
  d.name = "Tesla T4";
  d.pci_device_id = "0x20b2";  // the device id wins over the name
  EXPECT_EQ(db.match(d)->key, "a100-sxm4-80gb");
  d.pci_device_id = "0xffff";
  d.name = "NVIDIA Future GPU";
  EXPECT_EQ(db.match(d), nullptr);
}

TEST(GpuDatabase, GemmPeaksAndUnconfirmedFigures) {
  const auto db = GpuDatabase::built_in();
  const auto* h100 = db.find("h100-sxm5-80gb");
  ASSERT_NE(h100, nullptr);
  const auto fp64 = GpuDatabase::gemm_peak(*h100, "fp64");
  EXPECT_EQ(fp64.figure, "fp64_tensor");
  EXPECT_DOUBLE_EQ(*fp64.per_gpu, 66.9e12);
  EXPECT_FALSE(fp64.source.empty());
  EXPECT_DOUBLE_EQ(*GpuDatabase::gemm_peak(*h100, "fp8_e4m3").per_gpu, 1979e12);
  const auto* t4 = db.find("t4");
  ASSERT_NE(t4, nullptr);
  EXPECT_FALSE(GpuDatabase::gemm_peak(*t4, "fp64").per_gpu);  // unconfirmed: null, never guessed
  EXPECT_FALSE(GpuDatabase::gemm_peak(*t4, "fp64").note.empty());
  EXPECT_DOUBLE_EQ(*GpuDatabase::gemm_peak(*t4, "fp16").per_gpu, 65e12);
  // The shipped file and the built-in copy are the same database.
  const auto file = GpuDatabase::load(testing::source_path("configs/gpus.json"));
  EXPECT_EQ(file.sha256(), db.sha256());
}

TEST(GpuDatabase, FigureWithoutSourceIsRejected) {
  const auto text = R"({"schema": "capbench.gpus/1", "sources": {"s": "x"}, "models": {"m": {"label": "M",
      "pci_device_ids": [], "names": [], "sm_count": {"value": 1, "source": "s"}, "tdp_w": {"value": 1, "source": "s"},
      "memory_bandwidth_tb_s": {"value": 1},
      "peak_tflops": {}}}})";
  EXPECT_THROW(GpuDatabase::from_text(text, "t.json"), ConfigError);
}

TEST(SystemConfig, ShippedGwangjuDescription) {
  const auto db = GpuDatabase::built_in();
  const auto s = load_system_config(testing::source_path(testing::kGwangju), db);
  EXPECT_DOUBLE_EQ(s.target.value_base, 88.5e15);
  EXPECT_EQ(s.target.precision, "fp64");
  EXPECT_EQ(s.target.basis, "peak");
  ASSERT_EQ(s.inventory.size(), 4u);
  EXPECT_EQ(s.inventory[0].count, 880);
  EXPECT_EQ(s.inventory[1].count, 796);
  EXPECT_EQ(s.inventory[2].count, 384);
  EXPECT_EQ(s.inventory[3].count, 128);
  EXPECT_FALSE(s.inventory[3].measurable_by_capbench);
  EXPECT_NE(s.note.find("ASSUMPTIONS"), std::string::npos);
}

TEST(SystemConfig, ErrorsNameFileKeyAndExpectation) {
  const auto db = GpuDatabase::built_in();
  const auto bad_unit = write_scratch_file("s1.json", R"({"schema": "capbench.system/1", "name": "x",
      "target": {"value": 88.5, "unit": "PB/s", "precision": "fp64", "basis": "peak"},
      "inventory": [{"model": "t4", "count": 1, "measurable_by_capbench": true}]})");
  try {
    load_system_config(bad_unit, db);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "target.unit");
    EXPECT_NE(e.problem().find("FLOP/s"), std::string::npos);
  }
  const auto bad_model = write_scratch_file("s2.json", R"({"schema": "capbench.system/1", "name": "x",
      "target": {"value": 88.5, "unit": "PFLOP/s", "precision": "fp64", "basis": "peak"},
      "inventory": [{"model": "h100", "count": 1, "measurable_by_capbench": true}]})");
  EXPECT_THROW(load_system_config(bad_model, db), ConfigError);
  const auto bad_basis = write_scratch_file("s3.json", R"({"schema": "capbench.system/1", "name": "x",
      "target": {"value": 88.5, "unit": "PFLOP/s", "precision": "fp64", "basis": "theoretical"},
      "inventory": [{"model": "t4", "count": 1, "measurable_by_capbench": true}]})");
  EXPECT_THROW(load_system_config(bad_basis, db), ConfigError);
}

TEST(Quantity, Units) {
  EXPECT_DOUBLE_EQ(unit_factor("PFLOP/s", "FLOP/s"), 1e15);
  EXPECT_DOUBLE_EQ(unit_factor("GiB/s", "B/s"), 1073741824.0);
  EXPECT_EQ(unit_factor("GiFLOP/s", "FLOP/s"), 0);
  EXPECT_EQ(unit_factor("TB/s", "FLOP/s"), 0);
  EXPECT_EQ(unit_factor("TOPS", "OP/s"), 0);
}

}  // namespace
}  // namespace capbench
