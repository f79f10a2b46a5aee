// The fast results reader (read_results_file) against the reference reader: what one accepts
// the other accepts with an equal ResultsFile, and what one rejects the other rejects with the
// same ConfigError (file, key path, problem).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/results_reader.hpp"
#include "common/suite.hpp"
#include "tests/tools/scratch_dir.hpp"
#include "tests/tools/synth_results.hpp"

namespace capbench {
namespace {

namespace fs = std::filesystem;

const Suite& test_suite() {
  static const Suite s = load_suite_file(std::string(CAPBENCH_SOURCE_DIR) + "/tests/data/synth_acceptance_suite.json");
  return s;
}

using testing::write_scratch_file;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What a reader made of a file: the document of its ResultsFile, or its error.
struct Outcome {
  std::optional<json> results;
  std::string file, key_path, problem;
};

template <class Read>
Outcome outcome_of(Read read) {
  Outcome o;
  try {
    o.results = results_to_json(read());
  } catch (const ConfigError& e) {
    o.file = e.file();
    o.key_path = e.key_path();
    o.problem = e.problem();
  }
  return o;
}

// Both readers on one file, with small batches and one or two threads so that batch
// boundaries and the thread hand-off are exercised; returns the fast reader's outcome.
Outcome expect_same(const std::string& path, FastReadStats* stats = nullptr) {
  const Outcome ref = outcome_of([&] { return read_results_file_reference(path); });
  Outcome fast;
  for (const unsigned threads : {1u, 2u}) {
    for (const std::size_t batch : {std::size_t(700), std::size_t(0)}) {
      FastReadStats s;
      fast = outcome_of([&] { return read_results_file_fast(path, &s, threads, batch); });
      EXPECT_EQ(fast.results.has_value(), ref.results.has_value()) << path << ": " << ref.key_path << " " << ref.problem;
      if (fast.results && ref.results) EXPECT_TRUE(*fast.results == *ref.results) << path;
      EXPECT_EQ(fast.file, ref.file) << path;
      EXPECT_EQ(fast.key_path, ref.key_path) << path;
      EXPECT_EQ(fast.problem, ref.problem) << path;
      if (stats) *stats = s;
      // The per-case reader: the same cases, handed over in file order, and the same error.
      FastReadStats cs;
      const Outcome by_case = outcome_of([&] {
        std::vector<CaseResult> cases;
        ResultsFile rest = read_results_file_by_case(
            path, [&](CaseResult&& c) { cases.push_back(std::move(c)); }, &cs, threads, batch);
        EXPECT_TRUE(rest.cases.empty()) << path;
        rest.cases = std::move(cases);
        return rest;
      });
      EXPECT_EQ(by_case.results.has_value(), ref.results.has_value()) << path;
      if (by_case.results && ref.results) EXPECT_TRUE(*by_case.results == *ref.results) << path;
      EXPECT_EQ(by_case.key_path, ref.key_path) << path;
      EXPECT_EQ(by_case.problem, ref.problem) << path;
      EXPECT_EQ(cs.whole_file_fallback, s.whole_file_fallback) << path;
    }
  }
  return fast;
}

std::string synthetic_text(int ranks, int samples = 3) {
  SynthOptions o;
  o.ranks = ranks;
  o.samples_per_metric = samples;
  return results_file_text(synthesize_results(test_suite(), o));
}

TEST(ResultsReader, ReadsSyntheticFilesLikeTheReferenceWithoutFallingBack) {
  for (const int ranks : {1, 9, 24}) {
    const std::string path = write_scratch_file("synth.json", synthetic_text(ranks));
    FastReadStats stats;
    const Outcome o = expect_same(path, &stats);
    ASSERT_TRUE(o.results.has_value());
    EXPECT_FALSE(stats.whole_file_fallback);
    EXPECT_EQ(stats.records_reread, 0u);  // every rank result went through the fast path
    EXPECT_EQ(stats.records, static_cast<std::size_t>(ranks) * test_suite().plan.size());
    fs::remove(path);
  }
}

TEST(ResultsReader, ByCaseKeepsRankInfoOnlyWhereAskedAndHandsCasesOverInOrder) {
  const std::string path = write_scratch_file("synth-info.json", synthetic_text(9));
  const ResultsFile whole = read_results_file_reference(path);
  std::vector<CaseResult> cases;
  const RankInfoFilter keep_gemm_only = [](const std::string& b) { return b == "gemm"; };
  const ResultsFile rest = read_results_file_by_case(
      path, [&](CaseResult&& c) { cases.push_back(std::move(c)); }, nullptr, 2, 700, keep_gemm_only);
  fs::remove(path);
  ASSERT_EQ(cases.size(), whole.cases.size());
  bool dropped = false;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(cases[i].id, whole.cases[i].id);
    ASSERT_EQ(cases[i].ranks.size(), whole.cases[i].ranks.size());
    for (std::size_t r = 0; r < cases[i].ranks.size(); ++r) {
      const json& got = cases[i].ranks[r].info;
      const json& had = whole.cases[i].ranks[r].info;
      if (cases[i].benchmark == "gemm") EXPECT_EQ(got, had);
      else EXPECT_TRUE(got.empty());
      dropped = dropped || (!had.empty() && got.empty());
      CaseResult a = cases[i], b = whole.cases[i];
      a.ranks = {cases[i].ranks[r]};
      b.ranks = {whole.cases[i].ranks[r]};
      a.ranks[0].info = b.ranks[0].info = json::object();
      EXPECT_EQ(case_to_json(a), case_to_json(b));  // the rest of the rank result is untouched
    }
  }
  EXPECT_TRUE(dropped);
  EXPECT_EQ(rest.run.nranks, 9);
}

// The per-case reader decides what to keep of a case's rank results by the benchmark it saw
// before the ranks; where that is not the case's (here: its "benchmark" key after "ranks"),
// the file goes to the reference reader, and nothing kept is lost.
TEST(ResultsReader, ByCaseReadsACaseWhoseBenchmarkComesAfterItsRanksThroughTheReference) {
  std::string text = synthetic_text(3);
  const std::string key = "\"benchmark\": \"gemm\",";
  const auto at = text.find(key);
  ASSERT_NE(at, std::string::npos);
  text.erase(at, key.size());
  const auto warmup = text.find("\"warmup\":", at);
  ASSERT_NE(warmup, std::string::npos);
  text.insert(warmup, key + " ");
  const std::string path = write_scratch_file("synth-late-benchmark.json", text);
  const ResultsFile whole = read_results_file_reference(path);
  std::vector<CaseResult> cases;
  FastReadStats stats;
  read_results_file_by_case(
      path, [&](CaseResult&& c) { cases.push_back(std::move(c)); }, &stats, 2, 700,
      [](const std::string& b) { return b == "gemm"; });
  fs::remove(path);
  EXPECT_TRUE(stats.whole_file_fallback);
  ASSERT_EQ(cases.size(), whole.cases.size());
  ASSERT_EQ(cases[0].benchmark, "gemm");
  ASSERT_FALSE(whole.cases[0].ranks.empty());
  EXPECT_FALSE(whole.cases[0].ranks[0].info.empty());
  EXPECT_EQ(case_to_json(cases[0]), case_to_json(whole.cases[0]));  // its info kept
}

TEST(ResultsReader, AgreesWithTheReferenceOnEveryResultsFileUnderTests) {
  std::size_t files = 0;
  for (const char* dir : {"/tests/data", "/tests/fuzz/corpus/results"}) {
    for (const auto& e : fs::recursive_directory_iterator(std::string(CAPBENCH_SOURCE_DIR) + dir)) {
      if (!e.is_regular_file()) continue;
      expect_same(e.path().string());
      ++files;
    }
  }
  EXPECT_GT(files, 10u);
}

// A small synthetic file, one record of which (case 1, rank 2) is edited.
class MutatedRecord : public ::testing::Test {
 protected:
  void SetUp() override { text_ = synthetic_text(4); }

  // The text of cases[1].ranks[2]: the 7th line of rank results (4 per case).
  std::size_t record_begin() const {
    std::size_t pos = 0;
    for (int line = 0; line < 7; ++line) pos = text_.find("\n    {\"", pos) + 1;
    return pos + 4;
  }
  std::size_t record_end() const {  // before the comma that separates it from the next
    const std::size_t eol = text_.find('\n', record_begin());
    return text_[eol - 1] == ',' ? eol - 1 : eol;
  }
  std::string record() const { return text_.substr(record_begin(), record_end() - record_begin()); }

  // Replaces the first `from` in the record by `to` and checks both readers; returns the
  // fast reader's outcome.
  Outcome edit(const std::string& from, const std::string& to, FastReadStats* stats = nullptr) {
    std::string rec = record();
    const auto at = rec.find(from);
    EXPECT_NE(at, std::string::npos) << from << " not in " << rec;
    if (at == std::string::npos) return {};
    rec.replace(at, from.size(), to);
    return edit_record(rec, stats);
  }

  Outcome edit_record(const std::string& rec, FastReadStats* stats = nullptr) {
    std::string text = text_;
    text.replace(record_begin(), record_end() - record_begin(), rec);
    const std::string path = write_scratch_file("mutated.json", text);
    Outcome o = expect_same(path, stats);
    fs::remove(path);
    return o;
  }

  std::string text_;
};

TEST_F(MutatedRecord, TheUneditedFileIsAcceptedAndTheRecordIsCase1Rank2) {
  EXPECT_NE(record().find("\"rank\":2"), std::string::npos) << record();
  EXPECT_TRUE(edit("\"rank\":2", "\"rank\":2").results.has_value());
}

TEST_F(MutatedRecord, WrongTypeNamesTheKey) {
  const Outcome o = edit("\"rank\":2", "\"rank\":\"2\"");
  EXPECT_EQ(o.key_path, "cases[1].ranks[2].rank");
  EXPECT_NE(o.problem.find("an integer >= 0"), std::string::npos) << o.problem;
}

TEST_F(MutatedRecord, NegativeSampleNamesTheSample) {
  const std::string rec = record();
  const auto samples = rec.find("\"samples\":[");
  ASSERT_NE(samples, std::string::npos) << rec;
  const auto second = rec.find(',', samples) + 1;
  std::string edited = rec;
  edited.insert(second, "-");
  const Outcome o = edit_record(edited);
  EXPECT_EQ(o.key_path, "cases[1].ranks[2].metrics[0].samples[1]");
  EXPECT_NE(o.problem.find("a finite number >= 0"), std::string::npos) << o.problem;
}

TEST_F(MutatedRecord, UnknownKeyBadEnumAndMissingKeyAreRejected) {
  EXPECT_EQ(edit("\"rank\":2", "\"rank\":2,\"rnk\":1").key_path, "cases[1].ranks[2].rnk");
  EXPECT_EQ(edit("\"status\":\"ok\"", "\"status\":\"fine\"").key_path, "cases[1].ranks[2].status");
  EXPECT_EQ(edit("\"rank\":2,", "").key_path, "cases[1].ranks[2].rank");
  EXPECT_EQ(edit("\"unit\":\"", "\"unit\":\"k").key_path, "cases[1].ranks[2].metrics[0].unit");
}

TEST_F(MutatedRecord, DuplicatedRankIsRejected) {
  const Outcome o = edit("\"rank\":2", "\"rank\":1");
  EXPECT_EQ(o.key_path, "cases[1].ranks[2].rank");
  EXPECT_NE(o.problem.find("duplicated rank"), std::string::npos) << o.problem;
}

TEST_F(MutatedRecord, ARankThatIsNotAnObjectIsRejectedNamingItsPlaceInTheFile) {
  for (const std::string entry : {"17", "[]", "null"}) {
    const Outcome o = edit_record(entry);
    EXPECT_EQ(o.key_path, "cases[1].ranks[2]") << entry;  // not its place among the non-objects
    EXPECT_NE(o.problem.find("expected an object"), std::string::npos) << o.problem;
  }
}

TEST_F(MutatedRecord, ADuplicatedRankAfterANonObjectIsNamedAtItsPlaceInTheFile) {
  // cases[1]: ranks 0, 1, then 17 at place 2, then rank 1 again at place 3.
  std::string text = text_;
  text.replace(record_begin(), record_end() - record_begin(), "17");
  const std::size_t next = text.find("\n    {", record_begin()) + 5;
  const std::size_t rank = text.find("\"rank\":3", next);
  ASSERT_NE(rank, std::string::npos);
  text.replace(rank, std::string("\"rank\":3").size(), "\"rank\":1");
  const std::string path = write_scratch_file("dup-after-non-object.json", text);
  const Outcome o = expect_same(path);
  fs::remove(path);
  EXPECT_EQ(o.key_path, "cases[1].ranks[3].rank");
  EXPECT_NE(o.problem.find("duplicated rank"), std::string::npos) << o.problem;
}

TEST_F(MutatedRecord, InvalidUtf8AndBrokenSyntaxAreRejected) {
  EXPECT_FALSE(edit("\"status\":\"ok\"", "\"status\":\"ok\",\"error\":\"\xC3\x28\"").results.has_value());
  EXPECT_FALSE(edit("\"rank\":2", "\"rank\":2,,").results.has_value());
  EXPECT_FALSE(edit("\"rank\":2", "\"rank\":02").results.has_value());
  EXPECT_FALSE(edit("\"rank\":2", "\"rank\":2}").results.has_value());
  EXPECT_FALSE(edit("\"rank\":2", "\"rank\":2,\"error\":\"a\x01\"").results.has_value());
}

// What the fast path declines but the reference accepts: the result must still be the reference's.
TEST_F(MutatedRecord, RecordsTheFastPathDeclinesAreReadByTheReference) {
  FastReadStats stats;
  // Repeated key: nlohmann keeps the last.
  EXPECT_TRUE(edit("\"rank\":2", "\"rank\":3,\"rank\":2", &stats).results.has_value());
  EXPECT_EQ(stats.records_reread, 1u);
  EXPECT_FALSE(stats.whole_file_fallback);
  // "-0" is an integer to nlohmann.
  EXPECT_TRUE(edit("\"rank\":2", "\"rank\":2,\"wall_s\":-0", &stats).results.has_value());
  EXPECT_EQ(stats.records_reread, 1u);
  // Unicode escapes, lone surrogates among them.
  EXPECT_TRUE(edit("\"status\":\"ok\"", "\"status\":\"ok\",\"error\":\"\\u00e9\"", &stats).results.has_value());
  EXPECT_FALSE(edit("\"status\":\"ok\"", "\"status\":\"ok\",\"error\":\"\\udc00\"").results.has_value());
  // Version 1 telemetry inside info.
  EXPECT_TRUE(edit("\"info\":{", "\"info\":{\"telemetry\":{\"available\":false},", &stats).results.has_value());
  // An integer beyond 64 bits is a double to nlohmann.
  EXPECT_TRUE(edit("\"info\":{", "\"info\":{\"big\":123456789012345678901234567890,", &stats).results.has_value());
}

TEST_F(MutatedRecord, GenericValuesKeepNlohmannsNumberTypes) {
  const Outcome o = edit("\"info\":{", "\"info\":{\"u\":7,\"i\":-7,\"f\":7.0,\"z\":-0.0,\"d\":{\"k\":1,\"k\":2},");
  ASSERT_TRUE(o.results.has_value());
  const json& info = (*o.results)["cases"][1]["ranks"][2]["info"];
  EXPECT_TRUE(info["u"].is_number_unsigned());
  EXPECT_TRUE(info["i"].is_number_integer() && !info["i"].is_number_unsigned());
  EXPECT_TRUE(info["f"].is_number_float());
  EXPECT_EQ(info["d"]["k"], 2);
}

TEST_F(MutatedRecord, TruncatedFilesAreRejectedAtEveryCut) {
  for (const std::size_t cut : {record_begin() + 5, record_end() - 1, record_end(), text_.size() / 2,
                                text_.size() - 3}) {
    const std::string path = write_scratch_file("truncated.json", text_.substr(0, cut));
    const Outcome o = expect_same(path);
    EXPECT_FALSE(o.results.has_value()) << cut;
    fs::remove(path);
  }
}

TEST(ResultsReader, SkeletonOddities) {
  const std::string text = synthetic_text(2);
  auto check = [](const std::string& t, bool accepted) {
    const std::string path = write_scratch_file("odd.json", t);
    EXPECT_EQ(expect_same(path).results.has_value(), accepted);
    fs::remove(path);
  };
  check(text + "x", false);                       // trailing garbage
  check(text + "  \n", true);                     // trailing whitespace
  check("\xEF\xBB\xBF" + text, true);             // a byte-order mark, as nlohmann allows
  check("", false);                               // empty
  std::string spaced = text;                      // ranks arrays laid out differently
  for (std::size_t p = 0; (p = spaced.find("},\n    {", p)) != std::string::npos; p += 3) spaced.insert(p + 1, " \t");
  check(spaced, true);
  std::string repeated = text;  // a second "cases" key: left to the reference reader
  repeated.replace(repeated.find("\"cases\""), 7, "\"cases\": [], \"cases\"");
  check(repeated, true);
}

}  // namespace
}  // namespace capbench
