#include "common/results.hpp"
#include "tests/tools/config_error_of.hpp"
#include "tests/tools/scratch_dir.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

using namespace capbench;

namespace {

ResultsFile sample_results() {
  ResultsFile r;
  r.run.id = "run-1";
  r.run.started_at = "2026-11-26T00:00:00.000Z";
  r.run.finished_at = "2026-11-26T00:01:00.000Z";
  r.run.status = "complete";
  r.run.tool_name = "capbench";
  r.run.tool_version = "0.1.0";
  r.run.git_commit = "abc";
  r.run.backend = "cpu";
  r.run.nranks = 2;
  r.run.nnodes = 1;
  r.suite.name = "smoke";
  r.suite.sha256 = "00";
  for (int i = 0; i < 2; ++i) {
    RankIdentity id;
    id.rank = i;
    id.local_rank = i;
    id.host = "node1";
    id.device.kind = "cpu";
    id.device.name = "Xeon";
    r.ranks.push_back(id);
  }
  CaseResult c;
  c.id = "gemm/fp64/8x8x8";
  c.benchmark = "gemm";
  c.params = {{"precision", "fp64"}};
  c.iterations = 3;
  c.timeout_s = 10;
  c.started_at = "2026-11-26T00:00:01.000Z";
  for (int i = 0; i < 2; ++i) {
    RankResult rr;
    rr.rank = i;
    rr.verification.status = "passed";
    rr.verification.method = "freivalds-fp64";
    Metric m;
    m.name = "throughput";
    m.unit = "FLOP/s";
    m.samples = {1e9, 1.1e9, 0.9e9};
    m.stats = summarize(m.samples);
    rr.metrics.push_back(m);
    c.ranks.push_back(rr);
  }
  c.status = derive_case_status(c.ranks);
  r.cases.push_back(c);
  return r;
}

std::string error_of(const json& j) {
  return capbench::testing::config_error_of([&] { results_from_json(j, "r.json"); });
}

}  // namespace

TEST(Results, RoundTripKeepsEveryField) {
  const ResultsFile r = sample_results();
  const ResultsFile back = results_from_json(json::parse(results_to_json(r).dump()), "r.json");
  EXPECT_EQ(back.run.id, "run-1");
  EXPECT_EQ(back.run.backend, "cpu");
  ASSERT_EQ(back.ranks.size(), 2u);
  EXPECT_EQ(back.ranks[1].host, "node1");
  ASSERT_EQ(back.cases.size(), 1u);
  EXPECT_EQ(back.cases[0].status, "passed");
  ASSERT_EQ(back.cases[0].ranks.size(), 2u);
  const auto& m = back.cases[0].ranks[1].metrics.at(0);
  EXPECT_EQ(m.samples, (std::vector<double>{1e9, 1.1e9, 0.9e9}));
  EXPECT_DOUBLE_EQ(m.stats.median, 1e9);
  EXPECT_EQ(back.cases[0].ranks[0].verification.method, "freivalds-fp64");
  EXPECT_EQ(results_to_json(back), results_to_json(r));
}

TEST(Results, CaseStatusRule) {
  auto r = sample_results().cases[0].ranks;
  EXPECT_EQ(derive_case_status(r), "passed");
  r[1].verification.status = "failed";
  EXPECT_EQ(derive_case_status(r), "failed");
  r[1].verification.status = "passed";
  r[0].status = "timeout";
  EXPECT_EQ(derive_case_status(r), "failed");
  r[0].status = "skipped";  // a mixed fleet: one GPU cannot run this precision
  EXPECT_EQ(derive_case_status(r), "passed");
  r[1].status = "missing";
  EXPECT_EQ(derive_case_status(r), "failed");
  for (auto& x : r) x.status = "skipped";
  EXPECT_EQ(derive_case_status(r), "skipped");
  EXPECT_EQ(derive_case_status({}), "failed");
}

TEST(Results, RejectsUnknownSchema) {
  json j = results_to_json(sample_results());
  j["schema"] = "capbench.results/9";
  EXPECT_NE(error_of(j).find("schema"), std::string::npos);
}

TEST(Results, RejectsNegativeAndNonFiniteMetrics) {
  json j = results_to_json(sample_results());
  j["cases"][0]["ranks"][1]["metrics"][0]["samples"][1] = -5.0;
  const auto msg = error_of(j);
  EXPECT_NE(msg.find("samples[1]"), std::string::npos) << msg;
  json k = results_to_json(sample_results());
  k["cases"][0]["ranks"][0]["metrics"][0]["stats"]["median"] = nullptr;  // how JSON writes a NaN
  EXPECT_NE(error_of(k).find("stats.median"), std::string::npos) << error_of(k);
}

TEST(Results, RejectsDuplicatedRanks) {
  json j = results_to_json(sample_results());
  j["ranks"][1]["rank"] = 0;
  EXPECT_NE(error_of(j).find("duplicated rank"), std::string::npos) << error_of(j);
  json k = results_to_json(sample_results());
  k["cases"][0]["ranks"][1]["rank"] = 0;
  EXPECT_NE(error_of(k).find("duplicated rank"), std::string::npos) << error_of(k);
}

TEST(Results, RejectsRankCountMismatch) {
  json j = results_to_json(sample_results());
  j["run"]["nranks"] = 3;
  EXPECT_NE(error_of(j).find("ranks"), std::string::npos);
}

TEST(Results, TruncatedFileIsReportedWithItsPath) {
  const capbench::testing::ScratchDir dir;
  const std::string text = results_to_json(sample_results()).dump();
  const std::string path = dir.write("truncated.json", text.substr(0, text.size() / 2));
  try {
    read_results_file(path);
    FAIL() << "accepted a truncated file";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos);
  }
}

TEST(Results, AtomicWriteReplacesWholeFileAndLeavesNoTemporary) {
  const capbench::testing::ScratchDir scratch;
  const auto& dir = scratch.path;
  const auto path = (dir / "r.json").string();
  write_json_atomic(path, results_to_json(sample_results()));
  write_json_atomic(path, results_to_json(sample_results()));
  EXPECT_EQ(read_results_file(path).run.id, "run-1");
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(Results, Version2KeepsJobWideMetricsAndTypedTelemetry) {
  ResultsFile r = sample_results();
  CaseResult& c = r.cases[0];
  Metric busbw;
  busbw.name = "busbw";
  busbw.unit = "B/s";
  busbw.labels = {{"size_bytes", 1048576}};
  busbw.samples = {2e10, 2.1e10};
  busbw.stats = summarize(busbw.samples);
  c.metrics.push_back(busbw);
  c.info["metrics_basis"] = "the slowest rank per iteration";
  CaseTelemetry t;
  t.available = true;
  t.source = "nvml";
  t.samples = 4;
  t.interval_s = 0.1;
  t.power_w = TelemetryRange{300, 650.5, 700};
  t.throttled_fraction = 0.25;
  t.throttle_reasons = std::vector<std::string>{"sw_power_cap"};
  c.ranks[1].telemetry = t;
  const json j = results_to_json(r);
  EXPECT_EQ(j.at("schema"), "capbench.results/2");
  const ResultsFile back = results_from_json(json::parse(j.dump()), "r.json");
  ASSERT_EQ(back.cases[0].metrics.size(), 1u);
  EXPECT_EQ(back.cases[0].metrics[0].samples, busbw.samples);
  EXPECT_EQ(back.cases[0].info.at("metrics_basis"), "the slowest rank per iteration");
  ASSERT_TRUE(back.cases[0].ranks[1].telemetry.has_value());
  EXPECT_FALSE(back.cases[0].ranks[0].telemetry.has_value());
  EXPECT_DOUBLE_EQ(back.cases[0].ranks[1].telemetry->power_w->median, 650.5);
  EXPECT_DOUBLE_EQ(*back.cases[0].ranks[1].telemetry->throttled_fraction, 0.25);
  EXPECT_FALSE(back.cases[0].ranks[1].telemetry->sm_clock_mhz.has_value());
  EXPECT_EQ(results_to_json(back), j);
  // The layered text the runner writes reads back to the same document.
  EXPECT_EQ(json::parse(results_file_text(r)), j);
}

TEST(Results, Version1TelemetryInsideInfoIsReadIntoTheTypedField) {
  json j = results_to_json(sample_results());
  j["schema"] = "capbench.results/1";
  j["cases"][0]["ranks"][0]["info"]["telemetry"] = {
      {"available", true}, {"source", "nvml"}, {"samples", 3}, {"interval_s", 0.1},
      {"sm_clock_mhz", {{"min", 1400}, {"median", 1410}, {"max", 1410}}}, {"memory_clock_mhz", nullptr},
      {"power_w", nullptr}, {"temperature_c", nullptr}, {"throttled_fraction", 0.5},
      {"throttle_reasons", {"hw_slowdown"}}, {"ecc_new", {{"corrected", 1}, {"uncorrected", 0}}}};
  const ResultsFile back = results_from_json(j, "v1.json");
  const auto& rr = back.cases[0].ranks[0];
  ASSERT_TRUE(rr.telemetry.has_value());
  EXPECT_FALSE(rr.info.contains("telemetry"));
  EXPECT_DOUBLE_EQ(rr.telemetry->sm_clock_mhz->min, 1400);
  EXPECT_EQ(rr.telemetry->ecc_new->corrected, 1);
  EXPECT_EQ(*rr.telemetry->throttle_reasons, std::vector<std::string>{"hw_slowdown"});
}

TEST(Results, RejectsMalformedTelemetryNamingTheKey) {
  json j = results_to_json(sample_results());
  j["cases"][0]["ranks"][1]["telemetry"] = {{"available", true},
                                            {"power_w", {{"min", 700}, {"median", 650}, {"max", 710}}}};
  EXPECT_NE(error_of(j).find("cases[0].ranks[1].telemetry.power_w.median"), std::string::npos) << error_of(j);
  j["cases"][0]["ranks"][1]["telemetry"] = {{"available", true}, {"throttled_fraction", 1.5}};
  EXPECT_NE(error_of(j).find("throttled_fraction"), std::string::npos) << error_of(j);
  j["cases"][0]["ranks"][1]["telemetry"] = {{"available", true}, {"fan_speed", 3}};
  EXPECT_NE(error_of(j).find("fan_speed"), std::string::npos) << error_of(j);
}
