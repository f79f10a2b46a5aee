#pragma once
// The outputs of `capreport report`: report.html, report.md, summary.json, per_gpu.csv and
// statement.txt, all rendered from one Analysis (and Verdict, when criteria were given).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/capacity/capacity.hpp"
#include "reports/criteria/criteria.hpp"

namespace capbench {

inline constexpr const char* kSummarySchema = "capbench.summary/1";

struct ImportedSet;  // reports/input/external_import.hpp

struct ReportInputs {
  const Analysis* analysis = nullptr;
  const CriteriaConfig* criteria = nullptr;  // nullptr: no criteria given
  const Verdict* verdict = nullptr;
  std::string generated_at;  // UTC, ISO 8601
  const ImportedSet* imported = nullptr;  // external results (capreport report --imported); may be null
};

// The capacity statement in two layers: a short paragraph a funding officer can quote (what
// was measured, its precision and basis, on how many of the declared devices, against which
// target, and the one caveat that matters; at most 80 words), then the traceability list
// (tool, commit, files and their hashes) that lets anyone check it.
struct TraceItem {
  std::string label, value, sha256;  // sha256 empty where the item has none
};
struct StatementParts {
  std::string quotable;
  std::vector<TraceItem> trace;
};
StatementParts statement_parts(const ReportInputs& in);
std::string trace_line(const TraceItem& t);  // "results file: x.json (SHA-256 ...)"
// Plain text: the paragraph, a blank line, "Traceability:" and one "- " line per item.
std::string render_statement(const ReportInputs& in);
std::string render_markdown(const ReportInputs& in);
std::string render_html(const ReportInputs& in);
json render_summary_json(const ReportInputs& in);
std::string render_per_gpu_csv(const ReportInputs& in);
// The same text in pieces of about a MiB (a row per GPU and family: 0.2 GB at 100,000 GPUs).
void render_per_gpu_csv(const ReportInputs& in, const std::function<void(std::string_view)>& piece);

// Helpers shared by the renderers.
std::string percent(double fraction);             // "93.4 %"
std::string format_bytes(double bytes);           // message sizes in binary units: "64 MiB", "1 GiB"
std::string family_title(const FamilyFigures& f);  // "GEMM bf16 (BF16 in, FP32 accumulate, BF16 out)"
std::string overall_status(const ReportInputs& in);  // "ACCEPTED", "NOT ACCEPTED", "NO CRITERIA", ...
// "Ranks 0, 1 on host h shared GPU X: ..." per shared GPU; empty where every rank had its own.
std::vector<std::string> shared_gpu_notices(const Analysis& a);

}  // namespace capbench
