// Confirmation of a night's alarms by re-measurement (reports/history/history_confirm.*): on synthetic
// fleets with known truth, a drop present in the night only is not an alarm, one present in
// the re-measurement too is an alarm, named once; the re-measurement is never a night.
#include "reports/history/history_confirm.hpp"

#include <gtest/gtest.h>

#include <random>

#include "reports/history/history_trend.hpp"
#include "tests/reports/history_synthetic.hpp"

namespace capbench {
namespace {

using testing::fleet;
using testing::SynthRun;
using testing::ScratchDir;
using testing::write_synthetic_run;

struct History {
  ScratchDir dir;
  std::mt19937_64 rng{16};
  std::unique_ptr<HistoryDb> db;
  History() {
    db = std::make_unique<HistoryDb>((dir.path / "h.sqlite").string());
    for (int day = 1; day <= 7; ++day) add(SynthRun{fmt::format("night-{}", day), day, fleet(2)});
  }
  void add(const SynthRun& run) { add_results_file(*db, write_synthetic_run(dir.path, run, rng)); }
  // Night 8, rank 3 `drop` slower; then (when given) its re-measurement, rank 3 `again` slower.
  void night_and_remeasurement(double drop, std::optional<double> again, std::string again_status = "ok") {
    auto gpus = fleet(2);
    gpus[3].throughput *= 1 - drop;
    add(SynthRun{"night-8", 8, gpus});
    if (!again) return;
    gpus = fleet(2);
    gpus[3].throughput *= 1 - *again;
    gpus[1].status = again_status;
    record_confirmation(*db, "night-8-confirm", "night-8");
    add(SynthRun{"night-8-confirm", 8, gpus});
  }
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const CheckRow& rank3(const CheckReport& r) {
  for (const auto& row : r.rows)
    if (row.scope == "gpu" && row.rank == 3) return row;
  throw std::runtime_error("no row for rank 3");
}

TEST(HistoryConfirm, ADropTheRemeasurementDoesNotShowIsTransientNotAnAlarm) {
  History h;
  h.night_and_remeasurement(0.25, 0.0);
  const auto report = check_history(*h.db, {});
  const std::string table = render_check_table(report, false);
  EXPECT_EQ(report.confirmation_run, "night-8-confirm");
  EXPECT_EQ(rank3(report).cmp.verdict, Verdict::kTransient) << table;
  EXPECT_TRUE(rank3(report).remeasured);
  EXPECT_NEAR(rank3(report).cmp.change, -0.25, 0.02);  // the night's measurement, kept as it was
  EXPECT_NEAR(rank3(report).again.change, 0.0, 0.02);  // and the re-measurement's, beside it
  EXPECT_EQ(report.regressions(), 0u) << table;
  EXPECT_EQ(report.transient(), 1u);
  EXPECT_EQ(check_exit_code(report), 0) << table;
  EXPECT_EQ(count(table, "REGRESSION:"), 0u) << table;
  EXPECT_EQ(count(table, "NOT CONFIRMED (transient): gemm/bf16/8192x8192x8192 throughput on host node-b rank 3 "),
            1u)
      << table;
  // The trend page's verdict is green and says what was not confirmed.
  const std::string html = render_trend_html(*h.db, TrendOptions{});
  EXPECT_NE(html.find("ok-verdict"), std::string::npos);
  EXPECT_NE(html.find("1 drop(s) of the first check were not confirmed by the re-measurement"), std::string::npos);
}

TEST(HistoryConfirm, ADropTheRemeasurementShowsTooIsAnAlarmNamedOnce) {
  History h;
  h.night_and_remeasurement(0.25, 0.25);
  const auto report = check_history(*h.db, {});
  const std::string table = render_check_table(report, false);
  EXPECT_EQ(rank3(report).cmp.verdict, Verdict::kRegression) << table;
  EXPECT_TRUE(rank3(report).confirmed);
  EXPECT_EQ(report.regressions(), 1u) << table;
  EXPECT_EQ(check_exit_code(report), 1);
  EXPECT_EQ(count(table, "REGRESSION:"), 1u) << table;
  EXPECT_EQ(count(table, "REGRESSION: gemm/bf16/8192x8192x8192 throughput on host node-b rank 3 "), 1u) << table;
  EXPECT_NE(table.find(", confirmed: re-measured -2"), std::string::npos) << table;
  EXPECT_EQ(count(table, "NOT CONFIRMED"), 0u) << table;
}

TEST(HistoryConfirm, WithoutARemeasurementTheNightsAlarmStands) {
  History h;
  h.night_and_remeasurement(0.25, std::nullopt);
  const auto report = check_history(*h.db, {});
  EXPECT_EQ(report.confirmation_run, "");
  EXPECT_EQ(report.regressions(), 1u);
  EXPECT_EQ(check_exit_code(report), 1);
}

TEST(HistoryConfirm, ARankThatFailsInTheRemeasurementIsAFailure) {
  History h;
  h.night_and_remeasurement(0.25, 0.0, "failed");
  const auto report = check_history(*h.db, {});
  EXPECT_EQ(report.failures(), 1u) << render_check_table(report, false);
  EXPECT_EQ(check_exit_code(report), 1);
}

TEST(HistoryConfirm, TheRemeasurementIsNeverANightNorInABaseline) {
  History h;
  h.night_and_remeasurement(0.25, 0.25);
  // "latest" is the night, not its re-measurement.
  EXPECT_EQ(check_history(*h.db, {}).run_id, "night-8");
  h.add(SynthRun{"night-9", 9, fleet(2)});
  const auto next = check_history(*h.db, {});
  EXPECT_EQ(next.run_id, "night-9");
  EXPECT_EQ(std::count(next.baseline_runs.begin(), next.baseline_runs.end(), "night-8-confirm"), 0);
  EXPECT_EQ(std::count(next.baseline_runs.begin(), next.baseline_runs.end(), "night-8"), 1);
  for (const auto& r : list_runs(*h.db)) EXPECT_NE(r.run_id, "night-8-confirm");
}

TEST(HistoryConfirm, RecordingNeedsAStoredNightAndAFreshRunId) {
  History h;
  EXPECT_THROW(record_confirmation(*h.db, "x-confirm", "no-such-night"), HistoryError);
  EXPECT_THROW(record_confirmation(*h.db, "night-3", "night-7"), HistoryError);
}

}  // namespace
}  // namespace capbench
