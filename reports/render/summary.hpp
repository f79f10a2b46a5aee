#pragma once
// The summary of one results file: one row per case with its headline figure.
#include <string>
#include <vector>

#include "common/results.hpp"
#include "reports/input/report_results.hpp"

namespace capbench {

struct CaseSummaryRow {
  std::string id, benchmark, status;
  int ranks_ok = 0, ranks_total = 0;
  std::string metric;  // which metric the figures are of
  std::string unit;
  double total = 0;          // sum over ranks of each rank's median (a per-GPU quantity summed)
  double slowest = 0;        // the lowest rank median
  double median = 0;         // median of the rank medians
  bool has_figures = false;  // false when no rank produced a verified figure
  // Why a case has no figure by its nature (a collective on one rank moves nothing), or "".
  std::string no_figure_reason;
  // The figure is the case's job-wide metric (results/2 collectives): slowest and median
  // both hold it, total is not meaningful.
  bool job_wide = false;
  // Some of its ranks shared a GPU: each figure is a share of one GPU, so no sum is printed.
  bool ranks_share_a_gpu = false;
};

std::vector<CaseSummaryRow> summarize_cases(const ReportResults& r);

// "12.3 TFLOP/s", "45.6 GB/s", "1.20 ms": SI prefixes, three significant digits.
std::string format_si(double value, const std::string& unit);
// Sizes in binary units, as the suites write them: "64 MiB", "1 GiB" (never "67.1 MB").
std::string format_bytes(double bytes);

std::string render_summary_text(const ReportResults& r, const std::vector<CaseSummaryRow>& rows);
std::string render_summary_markdown(const ReportResults& r, const std::vector<CaseSummaryRow>& rows,
                                    const std::string& results_sha256);

}  // namespace capbench
