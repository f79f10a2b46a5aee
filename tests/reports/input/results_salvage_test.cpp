// capreport salvage (reports/input/results_salvage.cpp) on files rank 0's own writer wrote and
// then cut the way a kill in the middle of a case cuts them.
#include "reports/input/results_salvage.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/runner/results_writer.hpp"
#include "common/results.hpp"
#include "common/results_journal.hpp"
#include "common/suite.hpp"
#include "tests/tools/scratch_dir.hpp"
#include "tests/tools/synth_results.hpp"
#include "tests/tools/writer_fixtures.hpp"

namespace capbench {
namespace {

namespace fs = std::filesystem;

using testing::file_bytes;
using testing::running_head_of;
using testing::synthetic_run;

// What the writer leaves when killed halfway through case `finished + 1`: the first half of
// that case's text written where the trailer stood (ResultsWriter's own order of writes).
void cut_inside_next_case(const std::string& path, const CaseResult& next, bool first) {
  std::string text = first ? "\n" : ",\n";
  emit_case_text(next, [&](std::string_view piece) { text += piece; });
  text.resize(text.size() / 2);
  const ResultsJournal j = read_results_journal(journal_path(path));
  const int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, text.data(), text.size(), static_cast<off_t>(j.cases_end)), static_cast<ssize_t>(text.size()));
  ::close(fd);
}

// A file with `finished` cases on disk and the next one cut; returns the cases as read before the cut.
ResultsFile write_then_cut(const std::string& path, const ResultsFile& full, std::size_t finished) {
  ResultsWriter w(path, running_head_of(full));
  for (std::size_t i = 0; i < finished; ++i) w.add_case(full.cases[i]);
  ResultsFile before = read_results_file(path);
  cut_inside_next_case(path, full.cases[finished], finished == 0);
  return before;
}

TEST(ResultsSalvage, KeepsEveryFinishedCaseAsWrittenAndMarksTheRunIncomplete) {
  const testing::ScratchDir dir;
  const ResultsFile full = synthetic_run(12);
  ASSERT_GE(full.cases.size(), 4u);
  const std::string path = (dir.path / "r.json").string(), out = (dir.path / "salvaged.json").string();
  const ResultsFile before = write_then_cut(path, full, 3);
  try {
    read_results_file(path);
    FAIL() << "the cut file was read";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("capreport salvage " + path), std::string::npos) << e.what();
  }
  const std::string cut = file_bytes(path);
  const SalvageOutcome s = salvage_results(path, out);
  EXPECT_EQ(s.cases, 3);
  EXPECT_GT(s.cut_bytes, 0u);
  EXPECT_EQ(file_bytes(path), cut) << "salvage changed the cut file";
  const ResultsFile back = read_results_file(out);
  ASSERT_EQ(back.cases.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(case_to_json(back.cases[i]), case_to_json(before.cases[i])) << i;
  EXPECT_EQ(back.run.id, before.run.id);
  EXPECT_EQ(back.ranks.size(), before.ranks.size());
  EXPECT_EQ(back.run.status, "incomplete");
  EXPECT_NE(back.run.status_reason.find("while appending case 4"), std::string::npos) << back.run.status_reason;
  EXPECT_NE(back.run.status_reason.find("the 3 cases finished before it are kept as written"), std::string::npos)
      << back.run.status_reason;
  EXPECT_FALSE(back.run.finished_at.empty()) << "the cut file's last write stands for the end";
}

TEST(ResultsSalvage, ACutFirstCaseLeavesTheHeadAndNoCase) {
  const testing::ScratchDir dir;
  const ResultsFile full = synthetic_run(4);
  const std::string path = (dir.path / "r.json").string(), out = (dir.path / "s.json").string();
  write_then_cut(path, full, 0);
  EXPECT_EQ(salvage_results(path, out).cases, 0);
  const ResultsFile back = read_results_file(out);
  EXPECT_TRUE(back.cases.empty());
  EXPECT_EQ(back.ranks.size(), 4u);
  EXPECT_NE(back.run.status_reason.find("case 1 (killed or crashed); no case had finished before it"), std::string::npos)
      << back.run.status_reason;
}

TEST(ResultsSalvage, RefusesAJournalOfAnotherFileNoJournalAndWritingOverTheCutFile) {
  const testing::ScratchDir dir;
  const ResultsFile full = synthetic_run(6);
  const std::string a = (dir.path / "a.json").string(), b = (dir.path / "b.json").string();
  write_then_cut(a, full, 3);
  write_then_cut(b, synthetic_run(2), 1);
  const auto error_of = [](const std::string& results, const std::string& out) {
    try {
      salvage_results(results, out);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  fs::copy_file(journal_path(a), journal_path(b), fs::copy_options::overwrite_existing);
  const std::string other = error_of(b, (dir.path / "o.json").string());
  EXPECT_NE(other.find(journal_path(b)), std::string::npos) << other;
  EXPECT_NE(other.find("not this file's"), std::string::npos) << other;
  EXPECT_FALSE(fs::exists(dir.path / "o.json"));

  EXPECT_NE(error_of(a, a).find("leaves the cut one as it is"), std::string::npos);
  fs::remove(journal_path(a));
  EXPECT_NE(error_of(a, (dir.path / "o.json").string()).find("no journal"), std::string::npos);
}

// A writer SIGKILLed halfway through the trailer after its third case (a real process, forked):
// the third case was written whole, so salvage keeps all three.
TEST(ResultsSalvage, AKillInTheTrailerKeepsTheCaseWrittenBeforeIt) {
  const testing::ScratchDir dir;
  const ResultsFile full = synthetic_run(4);
  ASSERT_GE(full.cases.size(), 3u);
  const std::string path = (dir.path / "r.json").string(), out = (dir.path / "s.json").string();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      ResultsWriter w(path, running_head_of(full));
      w.add_case(full.cases[0]);
      w.add_case(full.cases[1]);
      w.plant_tear_in_next_trailer();
      w.add_case(full.cases[2]);
    } catch (...) {
    }
    ::_exit(3);  // not reached when the planted kill fires
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the writer was not killed: status " << status;
  EXPECT_THROW(read_results_file(path), ConfigError) << "a cut trailer was read as a whole file";
  const SalvageOutcome s = salvage_results(path, out);
  EXPECT_EQ(s.cases, 3);
  EXPECT_TRUE(s.cut_in_trailer);
  EXPECT_FALSE(s.whole);
  const ResultsFile back = read_results_file(out);
  ASSERT_EQ(back.cases.size(), 3u);
  EXPECT_EQ(back.cases[2].id, full.cases[2].id);
  EXPECT_EQ(back.run.status, "incomplete");
  EXPECT_NE(back.run.status_reason.find("while writing the end of the file after case 3"), std::string::npos)
      << back.run.status_reason;
  EXPECT_NE(back.run.status_reason.find("the 3 cases finished before it are kept"), std::string::npos)
      << back.run.status_reason;
}

// A run killed between two cases leaves a whole file and its journal: salvage tells it from
// the tail alone and writes nothing; a cut one is told apart by the same journal.
TEST(ResultsSalvage, AWholeFileWithItsJournalIsToldWholeAndNothingIsWritten) {
  const testing::ScratchDir dir;
  const ResultsFile full = synthetic_run(4);
  const std::string path = (dir.path / "r.json").string(), out = (dir.path / "s.json").string();
  ResultsWriter w(path, running_head_of(full));
  w.add_case(full.cases[0]);
  w.add_case(full.cases[1]);
  ASSERT_TRUE(fs::exists(journal_path(path)));
  const SalvageOutcome s = salvage_results(path, out);
  EXPECT_TRUE(s.whole);
  EXPECT_EQ(s.cases, 2);
  EXPECT_FALSE(fs::exists(out));
  cut_inside_next_case(path, full.cases[2], false);
  const SalvageOutcome cut = salvage_results(path, out);
  EXPECT_FALSE(cut.whole);
  EXPECT_FALSE(cut.cut_in_trailer);
  EXPECT_EQ(read_results_file(out).cases.size(), 2u);
}

}  // namespace
}  // namespace capbench
