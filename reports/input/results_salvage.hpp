#pragma once
// capreport salvage: a results file cut inside a case (rank 0 killed while appending it) made
// whole again from its journal (common/results_journal.hpp): every case finished before the
// kill, byte for byte as written, then a trailer from the journal's run block, marked
// incomplete with why. The cut file is never changed: it stays as the raw evidence.
#include <cstdint>
#include <string>

namespace capbench {

struct SalvageOutcome {
  std::int64_t cases = 0;       // finished cases kept
  std::uint64_t cut_bytes = 0;  // bytes of the cut file after them
  bool cut_in_trailer = false;  // they were the file's end being written, not a case
  bool whole = false;           // the file is whole as the journal describes it: nothing written
};

// Writes `out` (through a temporary file and a rename) and reads it back with the strict
// reader; writes nothing when the file is whole (its tail is the journal's own trailer).
// ConfigError naming the file and key when the journal is missing, malformed or does not
// belong to `results`; std::runtime_error when `out` cannot be written.
SalvageOutcome salvage_results(const std::string& results, const std::string& out);

}  // namespace capbench
