#pragma once
// Rank 0's results file: rewritten whole after every case (temporary file, then rename), so a
// crash, a kill or a time limit later loses nothing already measured.
#include <string>

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
  void write();

 private:
  std::string path_;
  ResultsFile results_;
};

std::string utc_now_iso8601();

}  // namespace capbench
