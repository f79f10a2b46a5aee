// Energy: the power, clocks and throttling each device's telemetry sampled during each case.
// Absent when no rank carried telemetry (the CPU backend has none).
#include <fmt/format.h>

#include "reports/html_charts.hpp"
#include "reports/report_section.hpp"
#include "reports/text_escape.hpp"
#include "reports/wording.hpp"

namespace capbench {

namespace {

using std::string;

struct EnergyRow {
  string case_id, device, power, sm_clock, temperature, throttled, ecc;
};

string range(const std::optional<TelemetryRange>& r, const char* unit) {
  if (!r) return "not read";
  return fmt::format("{:.0f} {} ({:.0f} – {:.0f})", r->median, unit, r->min, r->max);
}

std::vector<EnergyRow> energy_rows(const Analysis& a) {
  std::vector<EnergyRow> rows;
  for (const auto& c : a.results->cases)
    for (const auto& r : c.ranks) {
      if (!r.telemetry || !r.telemetry->available) continue;
      const auto& t = *r.telemetry;
      const auto i = static_cast<std::size_t>(r.rank);
      string throttled = "not read";
      if (t.throttled_fraction) {
        throttled = percent(*t.throttled_fraction) + " of samples";
        if (t.throttle_reasons && !t.throttle_reasons->empty()) {
          string reasons;
          for (const auto& x : *t.throttle_reasons) reasons += (reasons.empty() ? "" : ", ") + x;
          throttled += " (" + reasons + ")";
        }
      }
      rows.push_back({c.id, i < a.gpus.size() ? fmt::format("{} rank {}", a.gpus[i].host, r.rank) : fmt::format("rank {}", r.rank),
                      range(t.power_w, "W"), range(t.sm_clock_mhz, "MHz"), range(t.temperature_c, "°C"), throttled,
                      t.ecc_new ? fmt::format("{} corrected, {} uncorrected", t.ecc_new->corrected, t.ecc_new->uncorrected)
                                : "not read"});
    }
  return rows;
}

const char* kNote = "Sampled by the device's own telemetry while each case ran: median (lowest – highest) of the "
                    "samples. Power is the board's draw; a throttle reason names what held the clock down.";

string energy_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  string o = string("<p class=\"note\">") + kNote + "</p><div class=scroll><table id=\"energy\"><tr><th>case</th><th>" +
             device_noun(a) + "</th><th class=num>power</th><th class=num>SM clock</th><th class=num>temperature</th>"
             "<th>throttled</th><th>new ECC errors</th></tr>";
  for (const auto& r : energy_rows(a))
    o += fmt::format("<tr><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td>{}</td>"
                     "<td>{}</td></tr>",
                     html::esc(r.case_id), html::esc(r.device), r.power, r.sm_clock, r.temperature, html::esc(r.throttled),
                     r.ecc);
  return o + "</table></div>";
}

string energy_markdown(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  string o = string(kNote) + "\n\n| case | " + device_noun(a) +
             " | power | SM clock | temperature | throttled | new ECC errors |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : energy_rows(a))
    o += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", md_escape(r.case_id), md_escape(r.device), r.power,
                     r.sm_clock, r.temperature, md_escape(r.throttled), r.ecc);
  return o + "\n";
}

}  // namespace

ReportSection energy_section() {
  return {"energy", "Energy: power, clocks and throttling",
          [](const ReportInputs& in) { return !energy_rows(*in.analysis).empty(); }, energy_html, energy_markdown};
}

}  // namespace capbench
