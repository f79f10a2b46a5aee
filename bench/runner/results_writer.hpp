#pragma once
// Rank 0's results file: rewritten whole after every case (temporary file, then rename), so a
// crash, a kill or a time limit later loses nothing already measured.
#include <mutex>
#include <string>

#include "common/clock.hpp"
#include "common/results.hpp"

namespace capbench {

class ResultsWriter {
 public:
  ResultsWriter(std::string path, ResultsFile initial);
  const std::string& path() const { return path_; }
  ResultsFile& results() { return results_; }
  void add_case(CaseResult c);
  // Marks the run finished (complete or incomplete, with why) and writes it.
  void finish(const std::string& status, const std::string& reason);
  // From the watchdog thread: marks the run incomplete unless it already ended, optionally
  // recording the case that was under way. Returns false when the run had already ended.
  bool mark_incomplete_if_running(const std::string& reason, const CaseResult* in_progress = nullptr);
  void write();
  // Before the process ends from another thread: waits for a write under way to finish and
  // keeps any other from starting. Never returns the lock.
  void hold_for_exit();

 private:
  void write_locked();
  std::mutex mu_;  // the main thread and the watchdog both write
  std::string path_;
  ResultsFile results_;
};


}  // namespace capbench
