// capreport history add | check | trend: the nightly history in SQLite.
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "common/config_node.hpp"
#include "common/results.hpp"
#include "reports/cli/cli.hpp"
#include "reports/history/history_check.hpp"
#include "reports/history/history_confirm.hpp"
#include "reports/history/history_db.hpp"
#include "reports/history/history_trend.hpp"

namespace capbench {

namespace {

void add_check_options(CLI::App* sub, CheckOptions& o) {
  sub->add_option("--baseline", o.baseline, "Baseline runs: last:Nd (days), last:N (runs) or a run id")
      ->capture_default_str();
  sub->add_option("--alpha", o.alpha,
                  "False-discovery rate over the check's comparisons (Benjamini-Hochberg q); with no real change, "
                  "the chance of any alarm is at most this")
      ->capture_default_str();
  sub->add_option("--min-effect", o.min_effect, "Smallest relative drop of the median that counts (0.03 = 3 %)")
      ->capture_default_str();
  sub->add_option("--noise-multiple", o.noise_multiple,
                  "A drop must also exceed this many night-to-night spreads of the series' own baseline")
      ->capture_default_str();
  sub->add_option("--min-baseline-runs", o.min_baseline_runs,
                  "Fewer usable baseline runs for a series: 'short baseline', not judged (exit 3)")
      ->capture_default_str();
  sub->add_flag("--two-sided", o.two_sided, "Two-sided test instead of one-sided for a drop");
}

// `history add`: one results file into the database (or a re-measurement of a night).
void add_history_add(CLI::App* history, std::vector<ReportCommand>& out) {
  struct AddArgs {
    std::string results, db = "history.sqlite";
    bool replace = false;
    std::string confirms;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = history->add_subcommand("add", "Store a results file in the history database");
  add->add_option("results", add_args->results, "capbench results file")->required();
  add->add_option("--db", add_args->db, "History database (SQLite)")->capture_default_str();
  add->add_flag("--replace", add_args->replace, "Replace a run of the same id stored from a different file");
  add->add_option("--confirms", add_args->confirms,
                  "Store the file as a re-measurement of this night's flagged cases (scripts/nightly.sh does): kept, "
                  "but never a night of its own nor in a baseline; `history check` of that night applies it");
  out.push_back({add, [add_args]() -> int {
                   try {
                     HistoryDb db(add_args->db);
                     if (!add_args->confirms.empty())
                       record_confirmation(db, read_results_file(add_args->results).run.id, add_args->confirms);
                     const auto r = add_results_file(db, add_args->results, add_args->replace);
                     switch (r.kind) {
                       case AddOutcome::Kind::kAlreadyPresent:
                         fmt::print("run {} is already in {} (same file sha256): ignored, nothing added\n", r.run_id,
                                    add_args->db);
                         break;
                       case AddOutcome::Kind::kReplaced:
                         fmt::print("run {} replaced in {}: {} metrics, {} samples\n", r.run_id, add_args->db,
                                    r.metrics, r.samples);
                         break;
                       case AddOutcome::Kind::kAdded:
                         fmt::print("run {} added to {}: {} metrics, {} samples\n", r.run_id, add_args->db, r.metrics,
                                    r.samples);
                         break;
                     }
                     return kReportOk;
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport history add: {}\n", e.what());
                     return kReportBadInput;
                   }
                 }});
}

// `history check`: tonight against its baseline; the exit code is the nightly verdict.
void add_history_check(CLI::App* history, std::vector<ReportCommand>& out) {
  struct CheckArgs {
    std::string db = "history.sqlite";
    CheckOptions opt;
    bool all = false;
  };
  auto check_args = std::make_shared<CheckArgs>();
  auto* check = history->add_subcommand("check", "Compare a run with its baseline; exit 1 on a regression");
  check->footer(
      "Exit codes:\n"
      "  0  every series compared, nothing got worse\n"
      "  1  a regression (where the night's flagged cases were re-measured, one the re-measurement\n"
      "     confirmed), or a rank that failed, timed out or failed verification tonight or in the re-measurement\n"
      "  2  bad input: no such database or run, a bad option value, an unreadable history\n"
      "  3  no regression or failure, but some series have fewer than --min-baseline-runs baseline runs\n"
      "     (a new or renamed suite, a new case, node or board) and were not checked\n"
      "A re-measurement stored with `history add --confirms RUN` (scripts/nightly.sh does this) is applied:\n"
      "a regression it does not confirm is printed as NOT CONFIRMED (transient) and is not an alarm.");
  check->add_option("--db", check_args->db, "History database (SQLite)")->capture_default_str();
  check->add_option("--run", check_args->opt.run, "Run to check: latest or a run id")->capture_default_str();
  add_check_options(check, check_args->opt);
  check->add_flag("--all", check_args->all, "Print every comparison, not only those that are not ok");
  out.push_back({check, [check_args]() -> int {
                   try {
                     if (!std::filesystem::exists(check_args->db))
                       throw HistoryError(check_args->db + ": no such history database");
                     HistoryDb db(check_args->db);
                     const auto report = check_history(db, check_args->opt);
                     fmt::print("{}", render_check_table(report, check_args->all));
                     return check_exit_code(report);
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport history check: {}\n", e.what());
                     return kReportBadInput;
                   }
                 }});
}

// `history trend`: trend.html, each metric's median per run and device.
void add_history_trend(CLI::App* history, std::vector<ReportCommand>& out) {
  struct TrendArgs {
    std::string db = "history.sqlite", out_dir;
    TrendOptions opt;
  };
  auto trend_args = std::make_shared<TrendArgs>();
  auto* trend = history->add_subcommand("trend", "Write trend.html: each metric's median per run and device");
  trend->add_option("--db", trend_args->db, "History database (SQLite)")->capture_default_str();
  trend->add_option("-o,--out", trend_args->out_dir, "Output directory")->required();
  trend->add_option("--suite", trend_args->opt.suite, "Suite to chart (default: that of the newest run)");
  trend->add_option("--backend", trend_args->opt.backend, "Backend to chart (default: that of the newest run)");
  trend->add_option("--last", trend_args->opt.last_runs, "Chart the newest N runs")->capture_default_str();
  add_check_options(trend, trend_args->opt.check);
  out.push_back({trend, [trend_args]() -> int {
                   try {
                     if (!std::filesystem::exists(trend_args->db))
                       throw HistoryError(trend_args->db + ": no such history database");
                     HistoryDb db(trend_args->db);
                     const std::string html = render_trend_html(db, trend_args->opt);
                     std::filesystem::create_directories(trend_args->out_dir);
                     const auto path = (std::filesystem::path(trend_args->out_dir) / "trend.html").string();
                     write_text_atomic(path, html);
                     fmt::print("trend: {}\n", path);
                     return kReportOk;
                   } catch (const std::exception& e) {
                     fmt::print(stderr, "capreport history trend: {}\n", e.what());
                     return kReportBadInput;
                   }
                 }});
}

}  // namespace

void add_history_commands(CLI::App& app, std::vector<ReportCommand>& out) {
  auto* history = app.add_subcommand("history", "Nightly history: add runs, check for regressions, chart trends");
  history->require_subcommand(1);
  add_history_add(history, out);
  add_history_check(history, out);
  add_history_trend(history, out);
}

}  // namespace capbench
