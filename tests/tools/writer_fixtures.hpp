#pragma once
// Shared by the tests of rank 0's results writer and of what reads its files back (salvage):
// a synthetic run of the acceptance suite, the head a writer starts from, a file's bytes.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/results.hpp"
#include "common/suite.hpp"
#include "tests/tools/synth_results.hpp"

namespace capbench::testing {

inline const Suite& synth_acceptance_suite() {
  static const Suite s = load_suite_file(std::string(CAPBENCH_SOURCE_DIR) + "/tests/data/synth_acceptance_suite.json");
  return s;
}

inline ResultsFile synthetic_run(int ranks) {
  SynthOptions o;
  o.ranks = ranks;
  return synthesize_results(synth_acceptance_suite(), o);
}

// What the runner hands the writer at the start: the run under way, no case yet.
inline ResultsFile running_head_of(const ResultsFile& r) {
  ResultsFile h = r;
  h.cases.clear();
  h.run.status = "running";
  h.run.status_reason.clear();
  h.run.finished_at.clear();
  return h;
}

inline std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace capbench::testing
