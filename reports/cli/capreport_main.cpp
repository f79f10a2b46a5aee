// capreport: reads capbench results files and reports on them. No MPI and no CUDA.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "capbench/version.hpp"
#include "common/cli_suggest.hpp"

#include "reports/cli/cli.hpp"

int main(int argc, char** argv) {
  using namespace capbench;
  CLI::App app{"capreport: summaries, reports, history and comparisons from capbench results files"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("capreport {} ({})", kVersion, kGitCommit));
  std::vector<ReportCommand> commands;
  add_summary_command(app, commands);
  add_report_command(app, commands);
  add_history_commands(app, commands);
  add_compare_command(app, commands);
  add_import_command(app, commands);
  add_salvage_command(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code != 0)
      for (const auto& s : suggest_corrections(app, argc, argv)) fmt::print(stderr, "capreport: {}\n", s);
    return code == 0 ? kReportOk : kReportBadInput;
  }
  for (const auto& c : commands)
    if (c.app->parsed()) return c.run();
  return kReportBadInput;
}
