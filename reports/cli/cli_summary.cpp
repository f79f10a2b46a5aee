// capreport summary RESULTS [--md FILE]: proves a results file stands on its own.
#include <fmt/format.h>

#include <memory>

#include "common/results.hpp"
#include "common/sha256.hpp"
#include "reports/input/results_input.hpp"
#include "reports/cli/cli.hpp"
#include "reports/render/summary.hpp"

namespace capbench {

void add_summary_command(CLI::App& app, std::vector<ReportCommand>& out) {
  struct Args {
    std::string results, md;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("summary", "Validate a results file, print a table, write Markdown");
  sub->add_option("results", args->results, "capbench results file")->required();
  sub->add_option("--md", args->md, "Write a Markdown summary here");
  out.push_back({sub, [args]() -> int {
                   const ReportResults* loaded = nullptr;
                   std::string sha;
                   try {
                     // The file's hash goes into the Markdown only; skip it for a plain table.
                     auto in = load_results_input(args->results, !args->md.empty());
                     loaded = &in.results;
                     sha = std::move(in.sha256);
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport: {}\n", e.what());
                     return kReportBadInput;
                   }
                   const ReportResults& r = *loaded;
                   const auto rows = summarize_cases(r);
                   fmt::print("{}", render_summary_text(r, rows));
                   if (!args->md.empty()) {
                     try {
                       write_text_atomic(args->md, render_summary_markdown(r, rows, sha));
                     } catch (const std::exception& e) {
                       fmt::print(stderr, "capreport: {}\n", e.what());
                       return kReportBadInput;
                     }
                     fmt::print("markdown summary: {}\n", args->md);
                   }
                   bool failed = r.run.status != "complete";
                   for (const auto& row : rows) failed = failed || row.status == "failed";
                   return failed ? kReportFailed : kReportOk;
                 }});
}

}  // namespace capbench
