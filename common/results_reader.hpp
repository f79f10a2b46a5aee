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
#include <functional>
#include <memory>
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

// The per-case reader: each case, with its rank results, handed to `on_case` in file order as
// soon as the case has been read and checked, so that a caller keeping only what it needs of
// each case never holds the whole file (the report's digests, reports/input/report_results.hpp).
// Returns the rest of the file (schema, run, suite, identities, health) with `cases` empty.
// It checks everything the whole-file reader checks; what needs the run header (a rank below
// run.nranks) is checked at the end, since the writer puts "cases" first. On any error the
// reference reader reads the file for its own ConfigError, which is thrown, possibly after
// some cases were handed over; when the fast path declines a valid file the reference reader
// reads it and the cases not yet handed over are handed over from it: each case once, in order.
// `keep_rank_info`, when given, says by a case's benchmark whether its ranks' `info` objects are
// kept (checked either way): building them is a third of the reading's allocations.
using CaseSink = std::function<void(CaseResult&&)>;
using RankInfoFilter = std::function<bool(const std::string& benchmark)>;
ResultsFile read_results_file(const std::string& path, const CaseSink& on_case,
                              const RankInfoFilter& keep_rank_info = {});
// The per-case reader for a caller that keeps a digest of each rank result instead of the
// rank result itself (capreport, reports/input/report_results.hpp): each rank result is read
// and checked as above, then handed to the digester on the worker thread that read it and
// freed there, so that no case's rank results are ever held whole. A ranks' digests come in
// parts (one per batch of consecutive rank results of one case); `on_digested_case` has the
// case's header (its `ranks` empty) and the parts in file order, each case once, in order.
class RankDigester {
 public:
  struct Part {
    virtual ~Part() = default;
  };
  virtual ~RankDigester() = default;
  // On worker threads, concurrently for different parts; `records`: how many will come;
  // `benchmark`: the case's, as the scanner saw it before its ranks ("" where it did not; a
  // case whose header then says otherwise is read again by the reference reader).
  virtual std::unique_ptr<Part> start_part(const std::string& benchmark, std::size_t records) = 0;
  // In file order within a part; `r` may be moved from.
  virtual void digest(Part& part, RankResult&& r) = 0;
  virtual void finish_part(Part& part) = 0;
};
using Parts = std::vector<std::unique_ptr<RankDigester::Part>>;
using DigestedCaseSink = std::function<void(CaseResult&& header, Parts&& parts)>;
ResultsFile read_results_file_digested(const std::string& path, RankDigester& digester,
                                       const DigestedCaseSink& on_digested_case,
                                       const RankInfoFilter& keep_rank_info = {}, FastReadStats* stats = nullptr,
                                       unsigned threads = 0, std::size_t batch_bytes = 0);

// The same with what happened (tests).
ResultsFile read_results_file_by_case(const std::string& path, const CaseSink& on_case, FastReadStats* stats,
                                      unsigned threads = 0, std::size_t batch_bytes = 0,
                                      const RankInfoFilter& keep_rank_info = {});

// A case's fields other than its rank results, from the text of cases[i] (results.cpp).
CaseResult case_header_from_json(const json& c, const std::string& file, const std::string& path);

}  // namespace capbench
