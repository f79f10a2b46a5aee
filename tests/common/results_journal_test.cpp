// The results file's journal (common/results_journal.cpp): read back as written; a journal
// that is not one is refused naming the file and key.
#include "common/results_journal.hpp"

#include <gtest/gtest.h>

#include "tests/tools/config_error_of.hpp"
#include "tests/tools/scratch_dir.hpp"

namespace capbench {
namespace {

std::string error_of(const std::string& path) {
  return testing::config_error_of([&] { read_results_journal(path); });
}

TEST(ResultsJournal, ReadsBackWhatWasWritten) {
  const testing::ScratchDir dir;
  const std::string path = (dir.path / "r.json.journal").string();
  write_results_journal(path, {4096, 3, 900, json{{"id", "run-1"}, {"status", "running"}}});
  const ResultsJournal j = read_results_journal(path);
  EXPECT_EQ(j.cases_end, 4096u);
  EXPECT_EQ(j.cases, 3);
  EXPECT_EQ(j.head_end, 900u);
  EXPECT_EQ(j.run.at("id"), "run-1");
  EXPECT_EQ(journal_path("/a/r.json"), "/a/r.json.journal");
}

TEST(ResultsJournal, RefusesWhatIsNotAJournalNamingTheKey) {
  const testing::ScratchDir dir;
  const auto bad = [&](const std::string& text) { return error_of(dir.write("j", text)); };
  const std::string good_rest = R"("head_end": 10, "cases_end": 20, "cases": 1, "run": {})";
  EXPECT_NE(bad(R"({"schema": "capbench.results/2", )" + good_rest + "}").find("schema"), std::string::npos);
  const std::string before_head = bad(R"({"schema": "capbench.results-journal/1", "head_end": 30, "cases_end": 20, "cases": 1, "run": {}})");
  EXPECT_NE(before_head.find("cases_end"), std::string::npos) << before_head;
  EXPECT_NE(before_head.find("at least head_end (30)"), std::string::npos) << before_head;
  EXPECT_NE(bad(R"({"schema": "capbench.results-journal/1", "head_end": 10, "cases_end": 20, "cases": -1, "run": {}})")
                .find("cases"),
            std::string::npos);
  EXPECT_NE(bad(R"({"schema": "capbench.results-journal/1", "head_end": 10, "cases_end": 20, "cases": 1, "run": []})")
                .find("run"),
            std::string::npos);
  EXPECT_NE(bad(R"({"schema": "capbench.results-journal/1", "head_end": 10, "cases_end": 20, "cases": 1})").find("run"),
            std::string::npos);
  EXPECT_NE(bad(R"({"schema": "capbench.results-journal/1", )" + good_rest + R"(, "extra": 1})").find("extra"),
            std::string::npos);
  EXPECT_NE(bad(R"({"schema": "capbench.results-journal/1", "head_end": 1)").find(dir.path.string()), std::string::npos);
  EXPECT_NE(error_of((dir.path / "missing").string()).find("missing"), std::string::npos);
}

TEST(ResultsJournal, TrailerIsPaddedToCoverALongerOne) {
  const json run{{"id", "r"}};
  const std::string t = results_trailer_text(run);
  EXPECT_EQ(t.substr(0, 13), "\n ],\n \"run\": ");
  EXPECT_EQ(t.back(), '\n');
  const std::string padded = results_trailer_text(run, t.size() + 7);
  EXPECT_EQ(padded.size(), t.size() + 7);
  EXPECT_EQ(padded.substr(0, t.size() - 1), t.substr(0, t.size() - 1));
  EXPECT_EQ(padded.find_last_not_of(" \n"), t.size() - 2) << "only spaces and a newline after the document's }";
}

}  // namespace
}  // namespace capbench
