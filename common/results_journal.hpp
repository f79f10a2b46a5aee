#pragma once
// The results file's journal: a small file beside it (`<results>.journal`) that rank 0 rewrites
// after every case it appends, saying where the finished cases end and what the run block was.
// Appending a case overwrites the file's trailer in place; a writer killed in the middle (SIGKILL
// from the launcher, the OOM killer) leaves a document cut inside a case that no reader accepts.
// The journal is what makes every case finished before the kill recoverable
// (`capreport salvage`). The writer removes it once the file's final trailer is on disk.
#include <cstdint>
#include <string>

#include "common/config_node.hpp"

namespace capbench {

inline constexpr const char* kJournalSchema = "capbench.results-journal/1";

struct ResultsJournal {
  std::uint64_t cases_end = 0;  // offset of the trailer that followed the last finished case
  std::int64_t cases = 0;       // finished cases before that offset
  std::uint64_t head_end = 0;   // offset where "cases" opens: the part of the file written once
  json run;                     // the run block of that trailer, as results_to_json writes it
};

std::string journal_path(const std::string& results_path);

// Through a temporary file and a rename: a reader sees this journal or the one before.
void write_results_journal(const std::string& path, const ResultsJournal& j);

// Strict: ConfigError naming the journal, the key and what was expected.
ResultsJournal read_results_journal(const std::string& path);

// The end of a results file after its cases, as the writer lays it out: the close of "cases",
// the run block, the close of the document and a newline, padded with spaces to at least
// `covering` bytes (an overwritten longer trailer leaves no byte behind).
std::string results_trailer_text(const json& run, std::uint64_t covering = 0);

}  // namespace capbench
