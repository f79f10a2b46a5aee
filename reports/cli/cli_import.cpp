// capreport import [--tool TOOL] -o IMPORTED SOURCE...
// Imports external tools' output files (HPL, HPL-MxP, HPCG, nccl-tests JSON, IOR JSON, IO500)
// into a "capbench.imported/1" file, to be kept beside a results file and given to
// `capreport report --imported`. An existing file is extended; a source imported again (same
// SHA-256) replaces its earlier entries. Exit: 0 imported; 1 imported, but a result's own check
// failed (it is imported as failed, with no figure); 2 bad input, nothing written.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common/clock.hpp"
#include "common/results.hpp"
#include "reports/cli/cli.hpp"
#include "reports/input/external_import.hpp"

namespace capbench {

void add_import_command(CLI::App& app, std::vector<ReportCommand>& out) {
  struct Args {
    std::string tool = "auto", out_file;
    std::vector<std::string> sources;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("import", "Import external results (HPL, HPL-MxP, HPCG, nccl-tests, IOR, IO500)");
  sub->add_option("sources", args->sources, "Output files of the external tool")->required();
  sub->add_option("--tool", args->tool, "hpl, hpl-mxp, hpcg, nccl-tests, ior, io500, or auto (from the content)")
      ->capture_default_str();
  sub->add_option("-o,--out", args->out_file, "The capbench.imported/1 file to write or extend")->required();
  out.push_back({sub, [args]() -> int {
                   ImportedSet set;
                   std::vector<ExternalResult> added;
                   try {
                     if (args->tool != "auto" && std::find(external_tools().begin(), external_tools().end(),
                                                           args->tool) == external_tools().end())
                       throw ConfigError("--tool", "", "'" + args->tool +
                                                           "': expected hpl, hpl-mxp, hpcg, nccl-tests, ior, io500 or auto");
                     if (std::filesystem::exists(args->out_file)) set = read_imported_file(args->out_file);
                     const std::string now = utc_now_iso8601_seconds();
                     for (const auto& src : args->sources) {
                       auto results = import_external_file(src, args->tool, now);
                       const std::string sha = results.front().source_sha256;
                       std::erase_if(set.results, [&](const ExternalResult& r) { return r.source_sha256 == sha; });
                       for (auto& r : results) {
                         added.push_back(r);
                         set.results.push_back(std::move(r));
                       }
                     }
                     write_json_atomic(args->out_file, imported_to_json(set));
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport import: {}\n", e.what());
                     return kReportBadInput;
                   }
                   bool any_failed = false;
                   for (const auto& r : added) {
                     any_failed = any_failed || r.status == "failed";
                     fmt::print("capreport import: {} #{} {} {}: {} ({}) SHA-256 {}\n", r.source_path, r.index_in_source,
                                r.tool_name, r.tool_version, r.status == "failed" ? "FAILED" : r.status, r.detail,
                                r.source_sha256);
                   }
                   fmt::print("capreport import: {} result(s) -> {}\n", added.size(), args->out_file);
                   return any_failed ? kReportFailed : kReportOk;
                 }});
}

}  // namespace capbench
