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
string range_over(const std::vector<TelemetryRange>& v, const char* unit) {
  if (v.empty()) return "not read";
  if (v.size() == 1) return fmt::format("{:.0f} {} ({:.0f} – {:.0f})", v[0].median, unit, v[0].min, v[0].max);
  std::vector<double> medians;
  for (const auto& r : v) medians.push_back(r.median);
  std::sort(medians.begin(), medians.end());
  return fmt::format("{:.0f} {} (device medians {:.0f} – {:.0f})", median(medians), unit, medians.front(), medians.back());
}

// One row per case, over every device that sampled telemetry in it.
std::vector<EnergyRow> energy_rows(const Analysis& a) {
  std::vector<EnergyRow> rows;
  for (const auto& c : a.results->cases) {
    std::vector<TelemetryRange> power, clock, temp;
    std::vector<double> throttled;
    std::set<string> reasons;
    std::int64_t corrected = 0, uncorrected = 0, sampled = 0;
    bool ecc_read = false;
    for (const auto& r : c.ranks) {
      if (!r.telemetry || !r.telemetry->available) continue;
      const auto& t = *r.telemetry;
      ++sampled;
      if (t.power_w) power.push_back(*t.power_w);
      if (t.sm_clock_mhz) clock.push_back(*t.sm_clock_mhz);
      if (t.temperature_c) temp.push_back(*t.temperature_c);
      if (t.throttled_fraction) throttled.push_back(*t.throttled_fraction);
      if (t.throttle_reasons)
        for (const auto& x : *t.throttle_reasons) reasons.insert(throttle_label(x));
      if (t.ecc_new) {
        ecc_read = true;
        corrected += t.ecc_new->corrected;
        uncorrected += t.ecc_new->uncorrected;
      }
    }
    if (sampled == 0) continue;
    string throttle = "not read";
    if (!throttled.empty()) {
      const double worst = *std::max_element(throttled.begin(), throttled.end());
      throttle = percent(worst) + " of samples" + (sampled > 1 ? " (worst device)" : "");
      string list;
      for (const auto& x : reasons) list += (list.empty() ? "" : ", ") + x;
      if (!list.empty()) throttle += ": " + list;
    }
    rows.push_back({case_label(c), count_of(sampled, device_noun(a)), range_over(power, "W"), range_over(clock, "MHz"),
                    range_over(temp, "°C"), throttle,
                    ecc_read ? fmt::format("{} corrected, {} uncorrected", corrected, uncorrected) : "not read"});
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
