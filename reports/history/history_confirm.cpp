// Confirmation of a night's alarms by re-measurement (see history_confirm.hpp).
#include "reports/history/history_confirm.hpp"

#include <fmt/format.h>

#include <tuple>

namespace capbench {

void record_confirmation(HistoryDb& db, const std::string& run_id, const std::string& night_run_id) {
  sqlite3* h = db.handle();
  {
    Statement s(h, "SELECT COUNT(*) FROM runs WHERE run_id = ? AND run_id NOT IN (SELECT run_id FROM confirmations)");
    s.bind(1, night_run_id);
    s.step();
    if (s.integer(0) == 0)
      throw HistoryError(fmt::format("{}: --confirms '{}': no such night in the history", db.path(), night_run_id));
  }
  {
    Statement s(h, "SELECT COUNT(*) FROM runs WHERE run_id = ? AND run_id NOT IN (SELECT run_id FROM confirmations)");
    s.bind(1, run_id);
    s.step();
    if (s.integer(0) > 0)
      throw HistoryError(fmt::format("{}: run '{}' is already stored as a night; a re-measurement needs its own run id",
                                     db.path(), run_id));
  }
  Statement s(h, "INSERT OR REPLACE INTO confirmations (run_id, of_run_id) VALUES (?, ?)");
  s.bind(1, run_id).bind(2, night_run_id);
  s.step();
}

std::optional<std::string> confirmation_of(HistoryDb& db, const std::string& night_run_id) {
  Statement s(db.handle(),
              "SELECT r.run_id FROM confirmations c JOIN runs r ON r.run_id = c.run_id WHERE c.of_run_id = ? "
              "ORDER BY r.started_at DESC, r.id DESC LIMIT 1");
  s.bind(1, night_run_id);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

namespace {

auto series_of(const CheckRow& r) { return std::tie(r.case_id, r.metric, r.labels, r.scope, r.host, r.rank, r.device); }

}  // namespace

void apply_confirmation(CheckReport& night, const CheckReport& again) {
  night.confirmation_run = again.run_id;
  for (auto& row : night.rows) {
    if (row.cmp.verdict != Verdict::kRegression) continue;
    for (const auto& a : again.rows) {
      if (series_of(a) != series_of(row) || a.cmp.verdict == Verdict::kFailed) continue;
      const Verdict v = a.cmp.verdict;
      if (v == Verdict::kShortBaseline || v == Verdict::kNoBaseline || v == Verdict::kNewSeries) break;
      row.remeasured = true;
      row.again = a.cmp;
      row.confirmed = v == Verdict::kRegression;
      if (!row.confirmed) row.cmp.verdict = Verdict::kTransient;
      break;
    }
  }
  for (const auto& a : again.rows) {
    if (a.cmp.verdict != Verdict::kFailed) continue;
    CheckRow failed = a;
    failed.note = fmt::format("in the re-measurement {}: {}", again.run_id, a.note);
    night.rows.push_back(std::move(failed));
  }
}

}  // namespace capbench
