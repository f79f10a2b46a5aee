#pragma once
// The outputs of `capreport report`: report.html, report.md, summary.json, per_gpu.csv and
// statement.txt, all rendered from one Analysis (and Verdict, when criteria were given).
#include <string>

#include "reports/capacity.hpp"
#include "reports/criteria.hpp"

namespace capbench {

inline constexpr const char* kSummarySchema = "capbench.summary/1";

struct ImportedSet;  // reports/external_import.hpp

struct ReportInputs {
  const Analysis* analysis = nullptr;
  const CriteriaConfig* criteria = nullptr;  // nullptr: no criteria given
  const Verdict* verdict = nullptr;
  std::string generated_at;  // UTC, ISO 8601
  const ImportedSet* imported = nullptr;  // external results (capreport report --imported); may be null
};

// The capacity statement: one paragraph for a funding application (plain text).
std::string render_statement(const ReportInputs& in);
std::string render_markdown(const ReportInputs& in);
std::string render_html(const ReportInputs& in);
json render_summary_json(const ReportInputs& in);
std::string render_per_gpu_csv(const ReportInputs& in);

// Helpers shared by the renderers.
std::string percent(double fraction);             // "93.4 %"
std::string format_bytes(double bytes);           // message sizes in binary units: "64 MiB", "1 GiB"
std::string family_title(const FamilyFigures& f);  // "GEMM bf16 (BF16 in, FP32 accumulate, BF16 out)"
std::string overall_status(const ReportInputs& in);  // "ACCEPTED", "NOT ACCEPTED", "NO CRITERIA", ...

}  // namespace capbench
