// capreport compare A B: side by side, with ratios and Mann-Whitney p-values.
#include <fmt/format.h>

#include <memory>

#include "reports/cli/cli.hpp"
#include "reports/history/compare.hpp"

namespace capbench {

void add_compare_command(CLI::App& app, std::vector<ReportCommand>& out) {
  struct Args {
    std::string a, b;
    double alpha = 0.05, min_effect = 0.03;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "compare", "Compare two results files (capbench or Google Benchmark JSON) per case and metric");
  sub->add_option("A", args->a, "First results file (the reference)")->required();
  sub->add_option("B", args->b, "Second results file")->required();
  sub->add_option("--alpha", args->alpha, "Significance level (two-sided Mann-Whitney U)")->capture_default_str();
  sub->add_option("--min-effect", args->min_effect, "Smallest relative change called faster or slower")
      ->capture_default_str();
  out.push_back({sub, [args]() -> int {
                   try {
                     const auto report = compare_files(args->a, args->b, args->alpha, args->min_effect);
                     fmt::print("{}", render_compare_table(report, args->a, args->b));
                     return kReportOk;
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport compare: {}\n", e.what());
                     return kReportBadInput;
                   }
                 }});
}

}  // namespace capbench
