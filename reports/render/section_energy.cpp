// Energy: the power, clocks and throttling each device's telemetry sampled during each case.
// Absent when no rank carried telemetry (the CPU backend has none).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/stats.hpp"
#include "reports/render/report.hpp"

#include "reports/render/html_charts.hpp"
#include "reports/render/report_section.hpp"
#include "reports/render/text_escape.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {

using std::string;

struct EnergyRow {
  string case_id, devices, power, sm_clock, temperature, throttled, ecc;
};

// "696 W (128 – 718)" for one device; over several, the median of their medians and the
// lowest and highest median, so a fleet's row stays one line.
string range_over(const MedianSpread& s, const char* unit) {
  if (s.count == 0) return "not read";
  if (s.count == 1) return fmt::format("{:.0f} {} ({:.0f} – {:.0f})", s.first->median, unit, s.first->min, s.first->max);
  return fmt::format("{:.0f} {} (device medians {:.0f} – {:.0f})", s.median, unit, s.lowest, s.highest);
}

// One row per case, over every device that sampled telemetry in it (folded as the case was
// read, report_results.hpp).
std::vector<EnergyRow> energy_rows(const Analysis& a) {
  std::vector<EnergyRow> rows;
  for (const auto& c : a.results->cases) {
    const TelemetryFold& t = c.telemetry;
    if (t.sampled == 0) continue;
    string throttle = "not read";
    if (t.worst_throttled_fraction) {
      throttle = percent(*t.worst_throttled_fraction) + " of samples" + (t.sampled > 1 ? " (worst device)" : "");
      std::set<string> reasons;
      for (const auto& x : t.throttle_reasons) reasons.insert(throttle_label(x));
      string list;
      for (const auto& x : reasons) list += (list.empty() ? "" : ", ") + x;
      if (!list.empty()) throttle += ": " + list;
    }
    rows.push_back({case_label(c), count_of(t.sampled, device_noun(a)), range_over(t.power_w, "W"),
                    range_over(t.sm_clock_mhz, "MHz"), range_over(t.temperature_c, "°C"), throttle,
                    t.ecc_read ? fmt::format("{} corrected, {} uncorrected", t.ecc_corrected, t.ecc_uncorrected)
                               : "not read"});
  }
  return rows;
}

const char* kNote = "Sampled by each device's own telemetry while each case ran: median (lowest – highest) of the "
                    "samples, or over several devices the median of their medians. Power is the board's draw; a throttle reason names what held the clock down.";

string energy_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  string o = string("<p class=\"note\">") + kNote + "</p><div class=scroll><table id=\"energy\"><tr><th>case</th><th>sampled</th><th class=num>power</th><th class=num>SM clock</th><th class=num>temperature</th>"
             "<th>throttled</th><th>new ECC errors</th></tr>";
  for (const auto& r : energy_rows(a))
    o += fmt::format("<tr><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td>{}</td>"
                     "<td>{}</td></tr>",
                     html::esc(r.case_id), html::esc(r.devices), r.power, r.sm_clock, r.temperature, html::esc(r.throttled),
                     r.ecc);
  return o + "</table></div>";
}

string energy_markdown(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  string o = string(kNote) + "\n\n| case | sampled | power | SM clock | temperature | throttled | new ECC errors |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : energy_rows(a))
    o += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", md_escape(r.case_id), md_escape(r.devices), r.power,
                     r.sm_clock, r.temperature, md_escape(r.throttled), r.ecc);
  return o + "\n";
}

}  // namespace

ReportSection energy_section() {
  return {"energy", "Energy: power, clocks and throttling",
          [](const ReportInputs& in) { return !energy_rows(*in.analysis).empty(); }, energy_html, energy_markdown};
}

}  // namespace capbench
