#pragma once
// Confirmation of a night's alarms by re-measurement. When tonight's check finds regressions,
// scripts/nightly.sh runs just the flagged cases again (same launcher, ranks and suite) and
// stores that run as a *confirmation* of the night: recorded in the history, but never a night
// of its own (not "latest", never in a baseline) and never in place of the night's result.
// `capreport history check` of the night then checks the re-measurement against the night's
// own baseline with the same rule, and an alarm stands only where the re-measurement regressed
// too; one it did not confirm becomes "transient" (not an alarm), shown with both measurements.
// A single disturbed measurement (a preempted case, a neighbour's burst) is then no alarm,
// while a lasting slowdown is found twice.
#include <optional>
#include <string>

#include "reports/history/history_check.hpp"
#include "reports/history/history_db.hpp"

namespace capbench {

// Marks `run_id` as a re-measurement of the night `night_run_id`. Call it before the run is
// added, so the run is never, even for a moment, a night of its own. Throws HistoryError when
// the night is not in the history, or `run_id` is already stored as a night.
void record_confirmation(HistoryDb& db, const std::string& run_id, const std::string& night_run_id);

// The newest stored re-measurement of `night_run_id`, if any.
std::optional<std::string> confirmation_of(HistoryDb& db, const std::string& night_run_id);

// Applies the re-measurement's check (`again`, against the night's baseline) to the night's:
// each regression is confirmed (stays kRegression) where the same series regressed again, and
// becomes kTransient where it was re-measured and did not. A series the re-measurement has no
// comparison for keeps its alarm (nothing cleared it). Ranks that failed in the re-measurement
// are added as failures: a wrong answer is never transient.
void apply_confirmation(CheckReport& night, const CheckReport& again);

// "NOT CONFIRMED (transient): <case> <metric> ... : -23.8% (p adj ..), re-measured -0.4% (p adj ..)"
std::string transient_line(const CheckRow& row);

}  // namespace capbench
