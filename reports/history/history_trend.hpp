#pragma once
// `capreport history trend`: one self-contained HTML page (inline SVG, no scripts, nothing
// fetched) with a chart per metric of each device's median over the nights, regressions marked.
#include <string>

#include "reports/history/history_check.hpp"

namespace capbench {

struct TrendOptions {
  std::string suite;    // "" = the suite of the newest run
  std::string backend;  // "" = the backend of the newest run
  int last_runs = 60;   // how many of the newest runs to chart
  CheckOptions check;   // how each charted run is judged against its own baseline
};

// Returns the HTML; throws HistoryError on an empty history.
std::string render_trend_html(HistoryDb& db, const TrendOptions& options);

}  // namespace capbench
