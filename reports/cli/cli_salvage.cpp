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
                   // The journal first: it tells a cut file from a whole one by the file's tail,
                   // so a whole file of any size is not read through.
                   std::string why_not;
                   try {
                     const SalvageOutcome s = salvage_results(args->results, args->out);
                     if (s.whole) {
                       fmt::print("{} is whole as its journal describes it (run still running when the journal was "
                                  "last written): nothing to salvage\n",
                                  args->results);
                       return kReportOk;
                     }
                     fmt::print("salvaged {} finished case{} of {} into {} (run.status incomplete); left out: the "
                                "{} bytes after them ({})\n",
                                s.cases, s.cases == 1 ? "" : "s", args->results, args->out, s.cut_bytes,
                                s.cut_in_trailer ? "the end of the file, being written when the run was killed"
                                                 : "the case being written when the run was killed");
                     return kReportOk;
                   } catch (const std::exception& e) {
                     why_not = e.what();
                   }
                   // No salvage: a whole file (no journal: the run ended) reads; else say both why.
                   try {
                     const ResultsFile whole = read_results_file(args->results);
                     fmt::print("{} reads whole (run.status {}): nothing to salvage\n", args->results, whole.run.status);
                     return kReportOk;
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport: {}\ncapreport: cannot salvage it: {}\n", e.what(), why_not);
                     return kReportBadInput;
                   }
                 }});
}

}  // namespace capbench
