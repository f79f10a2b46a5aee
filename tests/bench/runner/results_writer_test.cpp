#include "bench/runner/results_writer.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/results.hpp"
#include "common/results_journal.hpp"
#include "common/suite.hpp"
#include "tests/tools/scratch_dir.hpp"
#include "tests/tools/synth_results.hpp"
#include "tests/tools/writer_fixtures.hpp"

namespace capbench {
namespace {

namespace fs = std::filesystem;

using testing::ScratchDir;
using testing::file_bytes;
using testing::running_head_of;
using testing::synthetic_run;

TEST(ResultsWriter, FileIsAWholeRunningDocumentAfterEveryCase) {
  ScratchDir dir;
  const ResultsFile full = synthetic_run(16);
  const std::string path = (dir.path / "r.json").string();
  ResultsWriter w(path, running_head_of(full));
  EXPECT_EQ(read_results_file(path).run.status, "running");
  EXPECT_TRUE(read_results_file(path).cases.empty());
  for (std::size_t i = 0; i < full.cases.size(); ++i) {
    w.add_case(full.cases[i]);
    const ResultsFile back = read_results_file(path);  // the strict reader: a whole, valid document
    EXPECT_EQ(back.run.status, "running");
    ASSERT_EQ(back.cases.size(), i + 1);
    EXPECT_EQ(back.cases[i].id, full.cases[i].id);
    EXPECT_EQ(back.cases[i].ranks.size(), 16u);
    EXPECT_EQ(fs::file_size(path), w.file_size());
  }
  EXPECT_TRUE(w.results().cases.empty()) << "rank 0 keeps digests, not cases";
  ASSERT_EQ(w.digests().size(), full.cases.size());
  EXPECT_EQ(w.digests()[0].ranks.size(), 16u);
}

// After each case the journal says where the finished cases end: the file up to there, then
// a trailer made from the journal's run block, is the whole file as it stands.
TEST(ResultsWriter, JournalMarksTheEndOfTheFinishedCasesAndGoesWithTheFinalTrailer) {
  ScratchDir dir;
  const ResultsFile full = synthetic_run(8);
  const std::string path = (dir.path / "r.json").string();
  ResultsWriter w(path, running_head_of(full));
  for (std::size_t i = 0; i <= full.cases.size(); ++i) {
    const ResultsJournal j = read_results_journal(journal_path(path));
    EXPECT_EQ(j.cases, static_cast<std::int64_t>(i));
    const std::string text = file_bytes(path);
    ASSERT_LE(j.cases_end, text.size());
    EXPECT_EQ(text.substr(0, j.cases_end) + results_trailer_text(j.run, text.size() - j.cases_end), text);
    EXPECT_EQ(j.run.at("status"), "running");
    if (i < full.cases.size()) w.add_case(full.cases[i]);
  }
  w.finish("complete", "");
  EXPECT_FALSE(fs::exists(journal_path(path))) << "the journal outlived the final trailer";
  EXPECT_EQ(read_results_file(path).run.status, "complete");
}

TEST(ResultsWriter, MarkingTheRunIncompleteRemovesTheJournal) {
  ScratchDir dir;
  const ResultsFile full = synthetic_run(4);
  const std::string path = (dir.path / "r.json").string();
  ResultsWriter w(path, running_head_of(full));
  w.add_case(full.cases[0]);
  ASSERT_TRUE(fs::exists(journal_path(path)));
  EXPECT_TRUE(w.mark_incomplete_if_running("stopped by signal 15", &full.cases[1]));
  EXPECT_FALSE(fs::exists(journal_path(path)));
  EXPECT_EQ(read_results_file(path).cases.size(), 2u);
}

TEST(ResultsWriter, FinalFileHoldsWhatTheWholeFileWriterWrote) {
  ScratchDir dir;
  ResultsFile full = synthetic_run(24);
  full.cases[1].ranks[3].status = "failed";  // a digest that is not ok
  full.cases[1].ranks[3].error = "planted";
  const std::string path = (dir.path / "new.json").string();
  ResultsWriter w(path, running_head_of(full));
  for (const auto& c : full.cases) w.add_case(c);
  w.finish("complete", "one or more cases failed");
  // The writer of every earlier version: the whole file at once.
  ResultsFile expected = full;
  expected.run = w.results().run;
  for (auto& c : expected.cases) c.status = derive_case_status(c.ranks);
  const std::string old_path = (dir.path / "old.json").string();
  write_results_file_atomic(old_path, expected);
  const std::string new_text = file_bytes(path), old_text = file_bytes(old_path);
  EXPECT_EQ(json::parse(new_text), json::parse(old_text)) << "same document, whatever the keys' order";
  EXPECT_EQ(new_text.size(), old_text.size() + 0) << "the same layout, one rank result per line";
  EXPECT_EQ(results_to_json(read_results_file(path)), results_to_json(read_results_file(old_path)));
  EXPECT_EQ(read_results_file(path).run.status, "complete");
  EXPECT_EQ(w.digests()[1].ranks[3].status, RankStatus::failed);
  EXPECT_EQ(w.digests()[1].error(3), "planted");
  EXPECT_EQ(w.digests()[1].error(4), "");
  EXPECT_FALSE(w.mark_incomplete_if_running("too late")) << "a finished run stays finished";
  EXPECT_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
}

TEST(ResultsWriter, WritesTheFileOnceAndATrailerPerCase) {
  ScratchDir dir;
  const ResultsFile full = synthetic_run(64);
  const std::string path = (dir.path / "r.json").string();
  ResultsWriter w(path, running_head_of(full));
  for (const auto& c : full.cases) w.add_case(c);
  w.finish("complete", "");
  const double size = static_cast<double>(fs::file_size(path));
  EXPECT_LE(static_cast<double>(w.bytes_written()), 1.1 * size) << w.bytes_written() << " bytes for a file of " << size;
  EXPECT_GE(static_cast<double>(w.bytes_written()), size);
}

TEST(ResultsWriter, AStopMidRunLeavesTheFileIncompleteWithTheCaseUnderWay) {
  ScratchDir dir;
  const ResultsFile full = synthetic_run(8);
  const std::string path = (dir.path / "r.json").string();
  ResultsWriter w(path, running_head_of(full));
  w.add_case(full.cases[0]);
  w.add_case(full.cases[1]);
  CaseResult under_way = full.cases[2];
  for (auto& r : under_way.ranks) {
    r.status = r.rank == 0 ? "timeout" : "missing";
    r.error = "stuck";
    r.metrics.clear();
  }
  EXPECT_TRUE(w.mark_incomplete_if_running("stopped by signal 15", &under_way));
  EXPECT_FALSE(w.mark_incomplete_if_running("stopped by signal 15 again"));
  const ResultsFile back = read_results_file(path);
  EXPECT_EQ(back.run.status, "incomplete");
  EXPECT_EQ(back.run.status_reason, "stopped by signal 15");
  ASSERT_EQ(back.cases.size(), 3u);
  EXPECT_EQ(back.cases[2].status, "failed");
  EXPECT_EQ(back.cases[2].ranks[1].status, "missing");
}

TEST(ResultsWriter, AShorterTrailerLeavesNoStaleBytes) {
  ScratchDir dir;
  const ResultsFile full = synthetic_run(4);
  const std::string path = (dir.path / "r.json").string();
  ResultsWriter w(path, running_head_of(full));
  w.add_case(full.cases[0]);
  w.results().run.status_reason = std::string(5000, 'x');
  w.write();
  w.results().run.status_reason = "short";
  w.write();
  const ResultsFile back = read_results_file(path);
  EXPECT_EQ(back.run.status_reason, "short");
  ASSERT_EQ(back.cases.size(), 1u);
  w.add_case(full.cases[1]);  // over the padded trailer
  EXPECT_EQ(read_results_file(path).cases.size(), 2u);
  EXPECT_EQ(json::parse(file_bytes(path)).at("run").at("status_reason"), "short");
}

TEST(ResultsWriter, AHealthRecordChangedDuringTheRunIsWrittenAtTheEnd) {
  ScratchDir dir;
  ResultsFile full = synthetic_run(8);
  full.health = HealthRecord{};
  full.health->gate = "record";
  full.health->collected_at = "2026-12-01T00:00:00Z";
  const std::string path = (dir.path / "r.json").string();
  ResultsWriter w(path, running_head_of(full));
  w.add_case(full.cases[0]);
  w.add_case(full.cases[1]);
  HealthCheck xid;
  xid.check = "xid_events";
  xid.host = "node0001";
  xid.status = "fail";
  xid.value = "XID 79 during case x";
  xid.expected = "none during the run";
  w.results().health->checks.push_back(xid);
  w.note_health_changed();
  w.finish("complete", "");
  const ResultsFile back = read_results_file(path);
  ASSERT_TRUE(back.health);
  ASSERT_EQ(back.health->checks.size(), 1u);
  EXPECT_EQ(back.health->checks[0].value, "XID 79 during case x");
  EXPECT_EQ(back.cases.size(), 2u);
  EXPECT_EQ(back.run.status, "complete");
}

TEST(ResultsWriter, ReplacesAnEarlierFileAndNamesAPathItCannotWrite) {
  ScratchDir dir;
  const std::string path = (dir.path / "r.json").string();
  { std::ofstream(path) << "an earlier file"; }
  const ResultsFile full = synthetic_run(2);
  ResultsWriter w(path, running_head_of(full));
  EXPECT_EQ(read_results_file(path).run.status, "running");
  EXPECT_THROW(ResultsWriter((dir.path / "no" / "such" / "dir.json").string(), running_head_of(full)), std::runtime_error);
}

}  // namespace
}  // namespace capbench
