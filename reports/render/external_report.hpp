#pragma once
// The report's section on FP64 figures for a TOP500 reader and on imported external results:
// an imported HPL Rmax beside the target and capbench's own figures (DGEMM, the LU benchmark),
// never summed with them, Rmax/Rpeak against the declared fleet's FP64 datasheet peak, each
// imported result with its source file's SHA-256. Rendered by the hooks below; each returns ""
// when there is nothing to say (no lu case and nothing imported).
#include <optional>
#include <string>
#include <vector>

#include "reports/input/external_import.hpp"
#include "reports/render/report.hpp"

namespace capbench {

// capbench's own LU figures in one lu case: per-rank medians of verified ranks only.
struct LuCaseFigures {
  std::string case_id;
  std::int64_t n = 0;
  int ranks = 0, verified = 0;
  double median = 0, min = 0, max = 0;  // FLOP/s, over the verified ranks' medians
  double memory_fraction = 0;           // of the first verified rank
  double worst_residual = 0;
};

struct Top500View {
  const ExternalResult* rmax_result = nullptr;  // the passed HPL result with the largest Rmax
  double rmax = 0;
  std::vector<const ExternalResult*> failed_hpl;
  std::optional<double> rpeak;  // FP64 datasheet peak of the declared CUDA inventory
  bool rpeak_complete = false;
  std::int64_t rpeak_gpus = 0;
  std::string rpeak_figure;     // the database figure used, e.g. "fp64_tensor"
  std::optional<double> rmax_over_rpeak;
  std::vector<LuCaseFigures> lu;
  std::optional<double> dgemm_sum;  // capbench's FP64 GEMM sum of per-GPU medians
  int dgemm_gpus = 0;
};

Top500View make_top500_view(const ReportInputs& in);
// A result's figures in a few words, e.g. "Rmax 13.2 PFLOP/s (N 240000, P×Q 4×8)".
std::string external_headline(const ExternalResult& r);

std::string render_external_markdown(const ReportInputs& in);
std::string render_external_html(const ReportInputs& in);
std::string render_external_statement(const ReportInputs& in);  // sentences, each starting with a space
json render_external_summary_json(const ReportInputs& in);       // null when there is nothing to say

}  // namespace capbench
