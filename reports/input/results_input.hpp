#pragma once
// The results file a capreport command reports on: read case by case into the report's
// digests (report_results.hpp) while its SHA-256 is computed on another thread, and kept
// until the process ends. Freeing half a
// million rank results one at a time costs more than half a second at 16,384 GPUs; the
// operating system takes the memory back at exit for nothing.
#include <string>

#include "reports/input/report_results.hpp"

namespace capbench {

struct ResultsInput {
  const ReportResults& results;
  std::string sha256;  // empty unless asked for
};

// Throws what read_report_results and sha256_file_hex throw.
ResultsInput load_results_input(const std::string& path, bool with_sha256);

}  // namespace capbench
