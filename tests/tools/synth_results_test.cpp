#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "common/results.hpp"
#include "common/suite.hpp"
#include "tests/tools/synth_results.hpp"
#include "tests/tools/scratch_dir.hpp"

namespace capbench {
namespace {

const Suite& test_suite() {
  static const Suite s = load_suite_file(std::string(CAPBENCH_SOURCE_DIR) + "/tests/data/synth_acceptance_suite.json");
  return s;
}

TEST(SynthResults, ReadsBackThroughTheStrictReaderWithEveryRankInEveryCase) {
  SynthOptions o;
  o.ranks = 20;  // two full nodes and a partial one
  const ResultsFile r = synthesize_results(test_suite(), o);
  const ResultsFile back = results_from_json(json::parse(results_to_json(r).dump()), "synthetic.json");
  ASSERT_EQ(back.ranks.size(), 20u);
  EXPECT_EQ(back.run.nnodes, 3);
  EXPECT_EQ(back.ranks[19].host, "node0003");
  EXPECT_EQ(back.ranks[19].local_rank, 3);
  ASSERT_EQ(back.cases.size(), test_suite().plan.size());
  for (const auto& c : back.cases) EXPECT_EQ(c.ranks.size(), 20u) << c.id;
}

TEST(SynthResults, MixesH100AndA100AndSkipsFp8OnA100Only) {
  SynthOptions o;
  o.ranks = 32;
  o.h100_node_fraction = 0.5;
  const ResultsFile r = synthesize_results(test_suite(), o);
  std::set<std::string> ids;
  for (const auto& k : r.ranks) ids.insert(k.device.pci_device_id);
  EXPECT_EQ(ids, (std::set<std::string>{"0x2330", "0x20B2"}));
  const auto fp8 = std::find_if(r.cases.begin(), r.cases.end(),
                                [](const CaseResult& c) { return c.id.find("fp8") != std::string::npos; });
  ASSERT_NE(fp8, r.cases.end());
  for (const auto& rr : fp8->ranks) {
    const bool h100 = r.ranks[std::size_t(rr.rank)].device.pci_device_id == "0x2330";
    EXPECT_EQ(rr.status, h100 ? "ok" : "skipped") << "rank " << rr.rank;
  }
}

TEST(SynthResults, SameSeedSameBytesOtherSeedOtherSamples) {
  SynthOptions o;
  o.ranks = 8;
  const std::string a = results_to_json(synthesize_results(test_suite(), o)).dump();
  EXPECT_EQ(a, results_to_json(synthesize_results(test_suite(), o)).dump());
  o.seed = 2;
  EXPECT_NE(a, results_to_json(synthesize_results(test_suite(), o)).dump());
}

TEST(SynthResults, SamplesVaryAndStatsDescribeThem) {
  SynthOptions o;
  o.ranks = 8;
  const ResultsFile r = synthesize_results(test_suite(), o);
  const Metric& m = r.cases.front().ranks.front().metrics.front();
  ASSERT_EQ(m.samples.size(), std::size_t(r.cases.front().iterations));
  EXPECT_LT(m.stats.min, m.stats.max);  // noisy, never constant
  EXPECT_EQ(m.stats.median, summarize(m.samples).median);
}

// The results file at scale: the streaming writer and the streaming reader (common/results.cpp)
// against the document path, on synthetic files.
std::string temp_path(const std::string& name) {
  static const testing::ScratchDir dir;
  return (dir.path / name).string();
}

TEST(ResultsAtScale, StreamingWriterWritesExactlyTheDocumentsText) {
  SynthOptions o;
  o.ranks = 12;
  const ResultsFile r = synthesize_results(test_suite(), o);
  EXPECT_EQ(results_file_text(r), dump_results_text(results_to_json(r)));
  ResultsFile none = r;
  none.cases.clear();
  EXPECT_EQ(results_file_text(none), dump_results_text(results_to_json(none)));
}

TEST(ResultsAtScale, TheCaseByCaseSynthesizerWritesTheSameBytes) {
  SynthOptions o;
  o.ranks = 11;
  const std::string path = temp_path("capbench-synth-by-case");
  write_synthetic_results(test_suite(), o, path);
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  EXPECT_EQ(written, results_file_text(synthesize_results(test_suite(), o)));
}

TEST(ResultsAtScale, StreamingReaderReadsWhatTheDocumentReaderReads) {
  SynthOptions o;
  o.ranks = 12;
  const ResultsFile r = synthesize_results(test_suite(), o);
  const std::string path = temp_path("capbench-scale-read");
  write_results_file_atomic(path, r);
  const ResultsFile streamed = read_results_file(path);
  std::filesystem::remove(path);
  const ResultsFile dom = results_from_json(json::parse(results_file_text(r)), path);
  EXPECT_EQ(results_to_json(streamed), results_to_json(dom));
  EXPECT_EQ(results_to_json(streamed), results_to_json(r));
}

TEST(ResultsAtScale, StreamingReaderNamesTheKeyPathOfABadRankResult) {
  SynthOptions o;
  o.ranks = 4;
  json j = results_to_json(synthesize_results(test_suite(), o));
  j["cases"][2]["ranks"][3]["metrics"][0]["samples"][1] = -5.0;
  const std::string path = temp_path("capbench-scale-bad");
  write_text_atomic(path, j.dump());
  try {
    read_results_file(path);
    ADD_FAILURE() << "a negative sample was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "cases[2].ranks[3].metrics[0].samples[1]");
  }
  j = results_to_json(synthesize_results(test_suite(), o));
  j["cases"][1]["ranks"][2]["rank"] = 1;  // rank 1 twice
  write_text_atomic(path, j.dump());
  try {
    read_results_file(path);
    ADD_FAILURE() << "a duplicated rank was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "cases[1].ranks[2].rank");
  }
  const std::string text = j.dump();
  write_text_atomic(path, text.substr(0, text.size() / 2));  // truncated
  EXPECT_THROW(read_results_file(path), ConfigError);
  std::filesystem::remove(path);
}

TEST(SynthResults, RejectsZeroRanks) {
  SynthOptions o;
  o.ranks = 0;
  EXPECT_THROW(synthesize_results(test_suite(), o), std::invalid_argument);
}

}  // namespace
}  // namespace capbench
