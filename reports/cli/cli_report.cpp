// capreport report RESULTS [--system FILE] [--criteria FILE] [--gpus FILE] -o DIR
// Writes report.html, report.md, summary.json, per_gpu.csv and statement.txt into DIR.
// Exit: 0 every criterion passed (or, without criteria, a complete run with no failed
// result); 1 a criterion failed or was not evaluated, or the run had failures; 2 bad input.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common/results.hpp"
#include "common/sha256.hpp"
#include "reports/input/results_input.hpp"
#include "reports/capacity/capacity.hpp"
#include "common/clock.hpp"
#include "reports/cli/cli.hpp"
#include "reports/criteria/criteria.hpp"
#include "reports/input/external_import.hpp"
#include "reports/render/report.hpp"

namespace capbench {

void add_report_command(CLI::App& app, std::vector<ReportCommand>& out) {
  struct Args {
    std::string results, system, criteria, gpus, out_dir, imported;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("report", "Capacity report and acceptance verdict from a results file");
  sub->add_option("results", args->results, "capbench results file")->required();
  sub->add_option("--system", args->system, "System description (configs/systems/*.json): target and inventory");
  sub->add_option("--criteria", args->criteria, "Acceptance criteria (configs/criteria/*.json)");
  sub->add_option("--gpus", args->gpus, "GPU model database (default: configs/gpus.json built into capreport)");
  sub->add_option("-o,--out", args->out_dir, "Directory to write the report into")->required();
  sub->add_option("--imported", args->imported, "External results beside the run (capbench.imported/1, capreport import)");
  out.push_back({sub, [args]() -> int {
                   const ReportResults* loaded = nullptr;
                   std::string sha;
                   std::optional<GpuDatabase> db;
                   std::optional<SystemConfig> system;
                   std::optional<CriteriaConfig> criteria;
                   std::optional<ImportedSet> imported;
                   try {
                     auto input = load_results_input(args->results, true);
                     loaded = &input.results;
                     sha = std::move(input.sha256);
                     db = args->gpus.empty() ? GpuDatabase::built_in() : GpuDatabase::load(args->gpus);
                     if (!args->system.empty()) system = load_system_config(args->system, *db);
                     if (!args->criteria.empty()) criteria = load_criteria(args->criteria);
                     if (!args->imported.empty()) imported = read_imported_file(args->imported);
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport report: {}\n", e.what());
                     return kReportBadInput;
                   }
                   const ReportResults& rf = *loaded;
                   const Analysis a = analyze(rf, args->results, sha, *db, system ? &*system : nullptr);
                   std::optional<Verdict> verdict;
                   if (criteria) verdict = evaluate_criteria(*criteria, a);
                   ReportInputs in{&a, criteria ? &*criteria : nullptr, verdict ? &*verdict : nullptr, utc_now_iso8601_seconds(),
                                   imported ? &*imported : nullptr};
                   try {
                     std::filesystem::create_directories(args->out_dir);
                     const std::filesystem::path dir(args->out_dir);
                     write_text_atomic((dir / "report.html").string(), render_html(in));
                     write_text_atomic((dir / "report.md").string(), render_markdown(in));
                     write_json_atomic((dir / "summary.json").string(), render_summary_json(in));
                     write_text_atomic((dir / "per_gpu.csv").string(),
                                       [&](const auto& piece) { render_per_gpu_csv(in, piece); });
                     write_text_atomic((dir / "statement.txt").string(), render_statement(in) + "\n");
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport report: cannot write the report: {}\n", e.what());
                     return kReportBadInput;
                   }
                   fmt::print("capreport report: {} -> {} ({})\n", args->results, args->out_dir, overall_status(in));
                   if (verdict) {
                     for (const auto& r : verdict->results) {
                       if (r.status == "PASS") continue;
                       fmt::print("  {} {}: {}{}\n", r.status, r.id, r.description,
                                  r.note.empty() ? "" : " (" + r.note + ")");
                       std::size_t shown = 0;
                       for (const auto& f : r.failures) {
                         if (++shown > 20) {
                           fmt::print("    ... {} more in summary.json\n", r.failures.size() - 20);
                           break;
                         }
                         if (f.rank >= 0)
                           fmt::print("    host {} rank {} bus {} serial {}: {}\n", f.host, f.rank,
                                      f.bus_id.empty() ? "?" : f.bus_id, f.serial.empty() ? "?" : f.serial, f.what);
                         else
                           fmt::print("    {}{}\n", f.host.empty() ? "" : f.host + ": ", f.what);
                       }
                     }
                     return verdict->accepted() ? kReportOk : kReportFailed;
                   }
                   const bool clean = rf.run.status == "complete" && a.problems.empty();
                   if (!clean)
                     fmt::print("  run {} with {} failed or unverified rank results (see report)\n", rf.run.status,
                                a.problems.size());
                   return clean ? kReportOk : kReportFailed;
                 }});
}

}  // namespace capbench
