#pragma once
// The two results readers behind read_results_file (results.hpp), for the reader itself, its
// tests, fuzzer and benchmarks.
//
// read_results_file is the fast one: a structural scanner cuts each rank result out of the
// text, worker threads read them with simdjson, and nlohmann reads only the small rest (the
// skeleton: run, suite, identities, case headers). It accepts a file only when everything in
// it was fully checked; on anything else it hands the whole file to the reference reader,
// so every file is rejected with the reference reader's own ConfigError.
#include <cstddef>
#include <string>
#include <vector>

#include "common/results.hpp"

namespace capbench {

// A results file above kMaxResultsBytes is a ConfigError naming the limit (input_limits.hpp).
void check_results_file_size(const std::string& path);

// One thread, every byte through nlohmann's SAX parser: the reader before the fast one.
ResultsFile read_results_file_reference(const std::string& path);

// The strict reader over a skeleton document whose cases' "ranks" arrays are empty, with each
// case's rank results already read into `preread` (by position of the case in "cases").
ResultsFile results_from_skeleton(const json& skeleton, const std::string& file,
                                  std::vector<std::vector<RankResult>>& preread);

struct FastReadStats {
  std::size_t records = 0;           // rank results cut out of the text
  std::size_t records_reread = 0;    // read again by the reference path (fast path declined them)
  bool whole_file_fallback = false;  // the reference reader read the whole file
};

// read_results_file with what happened; `threads` 0 = hardware concurrency; `batch_bytes` 0 =
// the default (4 MiB of rank-result text handed to a worker at a time; tests use less).
ResultsFile read_results_file_fast(const std::string& path, FastReadStats* stats = nullptr, unsigned threads = 0,
                                   std::size_t batch_bytes = 0);

}  // namespace capbench
