#pragma once
// capreport's subcommands: each file adds its own to the CLI11 app and returns the function
// that runs it once parsed. Exit codes: 0 all good, 1 a check failed, 2 bad input.
#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace capbench {

inline constexpr int kReportOk = 0, kReportFailed = 1, kReportBadInput = 2;

struct ReportCommand {
  CLI::App* app;
  std::function<int()> run;
};

void add_summary_command(CLI::App& app, std::vector<ReportCommand>& out);
void add_report_command(CLI::App& app, std::vector<ReportCommand>& out);
void add_history_commands(CLI::App& app, std::vector<ReportCommand>& out);
void add_compare_command(CLI::App& app, std::vector<ReportCommand>& out);
void add_import_command(CLI::App& app, std::vector<ReportCommand>& out);
void add_salvage_command(CLI::App& app, std::vector<ReportCommand>& out);

}  // namespace capbench
