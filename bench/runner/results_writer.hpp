#pragma once
// Rank 0's results file, written once: each finished case is appended where the file's short
// trailer (the "run" block and the closing brackets) stood, and a new trailer follows it, so
// that after every case the file is a whole JSON document (run.status "running") and the
// bytes written over a run are the file plus one trailer (about 1 kB) per case.
//
// Layout (docs/results-schema.md: the keys' order is not part of the schema):
//   {  "health", "ranks", "schema", "suite"   written once, when the file is opened
//      "cases": [ case, case, ...             appended, one case at a time
//      ], "run": {...} }                      the trailer, rewritten after every case
//
// The file is created whole through a temporary file and a rename (a previous file at the
// path is replaced, never seen truncated), then written in place: each case is one series of
// writes at the trailer's offset followed by fdatasync; finish() writes the final trailer
// (complete or incomplete) and fsyncs. A reader that reads the file while a case is being
// appended can see an unfinished document; every case appended before is on disk. A trailer
// shorter than the one it replaces is padded with spaces, so the file never shrinks and no
// stale byte follows the document.
//
// A case appended in place can be cut by a SIGKILL (the launcher's second step, the OOM
// killer); after each case the journal beside the file (common/results_journal.hpp) records
// where the finished cases end and the run block, so `capreport salvage` recovers every case
// finished before the kill. The journal goes when the final trailer is on disk.
//
// Rank 0 keeps a digest per rank and case (case_digest.hpp), not the case. The one exception
// to writing once: when a case's health events changed the health record (in the head),
// finish() rewrites the file once with the folded record (temporary file, rename).
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "bench/runner/case_digest.hpp"
#include "common/clock.hpp"
#include "common/results.hpp"

namespace capbench {

class ResultsWriter {
 public:
  // Writes the head and an empty "cases" list (and any cases `initial` holds) at `path`.
  ResultsWriter(std::string path, ResultsFile initial);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  const std::string& path() const { return path_; }
  // The run, the suite, the identities and the health record; `cases` stays empty (each case
  // is in the file, and in digests()).
  ResultsFile& results() { return results_; }
  const std::vector<CaseDigest>& digests() const { return digests_; }
  void add_case(CaseResult c);
  // The health record in results() changed (a case's health events were folded into it):
  // finish() writes it.
  void note_health_changed();
  // Marks the run finished (complete or incomplete, with why) and writes it.
  void finish(const std::string& status, const std::string& reason);
  // From the watchdog thread: marks the run incomplete unless it already ended, optionally
  // recording the case that was under way. Returns false when the run had already ended.
  bool mark_incomplete_if_running(const std::string& reason, const CaseResult* in_progress = nullptr);
  // Rewrites the trailer (the run block) as results().run now says.
  void write();
  // Before the process ends from another thread: waits for a write under way to finish and
  // keeps any other from starting. Never returns the lock.
  void hold_for_exit();
  // Every byte this writer handed to the file system, and the file's length now.
  std::uint64_t bytes_written() const;
  std::uint64_t file_size() const;
  // Fault injection (kind=tear) only: the next case is cut halfway through its first piece of
  // text and the process SIGKILLs itself, leaving the file as a killed writer would.
  void plant_tear_in_next_case();
  // Tests only: the next trailer is cut halfway and the process SIGKILLs itself, after the
  // case before it was written whole.
  void plant_tear_in_next_trailer();

 private:
  void create_locked(const std::vector<CaseResult>& initial_cases);
  void append_locked(const CaseResult* c);
  void rewrite_with_new_head_locked();
  void write_at(std::uint64_t offset, std::string_view text);
  void sync();
  std::string trailer_text(std::uint64_t covering) const;
  void journal_locked();       // after a case (before its trailer) or a trailer: the journal says so
  void end_journal_locked();   // after the final trailer: the journal goes

  mutable std::mutex mu_;  // the main thread and the watchdog both write
  std::string path_;
  ResultsFile results_;
  std::vector<CaseDigest> digests_;
  int fd_ = -1;
  std::uint64_t cases_begin_ = 0;     // offset just after "cases": [
  std::uint64_t trailer_offset_ = 0;  // where the next case (or the trailer) goes
  std::uint64_t end_ = 0;             // the file's length
  std::uint64_t bytes_written_ = 0;
  std::size_t cases_written_ = 0;
  bool health_changed_ = false;
  bool journal_ok_ = true;  // false after a journal write failed (said once; the file is unaffected)
  bool tear_planted_ = false;
  bool trailer_tear_planted_ = false;
  bool in_place_ = false;  // the file is at path_ (after the first rename): the journal may speak of it
};

}  // namespace capbench
