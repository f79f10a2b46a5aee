// capreport salvage RESULTS -o OUT: the finished cases of a results file cut by a kill.
#include <fmt/format.h>

#include <memory>

#include "common/results.hpp"
#include "reports/cli/cli.hpp"
#include "reports/input/results_salvage.hpp"

namespace capbench {

void add_salvage_command(CLI::App& app, std::vector<ReportCommand>& out) {
  struct Args {
    std::string results, out;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "salvage", "Recover the finished cases of a results file cut by a kill, from its journal, into a new file");
  sub->add_option("results", args->results, "the cut capbench results file (its journal beside it)")->required();
  sub->add_option("-o,--output", args->out, "the new results file")->required();
  out.push_back({sub, [args]() -> int {
                   std::string unread;  // why the file does not read: said only if salvage fails too
                   try {
                     const ResultsFile whole = read_results_file(args->results);
                     fmt::print("{} reads whole (run.status {}): nothing to salvage\n", args->results, whole.run.status);
                     return kReportOk;
                   } catch (const std::exception& e) {
                     unread = e.what();
                   }
                   try {
                     const SalvageOutcome s = salvage_results(args->results, args->out);
                     fmt::print("salvaged {} finished case{} of {} into {} (run.status incomplete); left out: the "
                                "{} bytes after them (the case being written when the run was killed)\n",
                                s.cases, s.cases == 1 ? "" : "s", args->results, args->out, s.cut_bytes);
                     return kReportOk;
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport: {}\ncapreport: cannot salvage it: {}\n", unread, e.what());
                     return kReportBadInput;
                   }
                 }});
}

}  // namespace capbench
