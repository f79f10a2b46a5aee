// report.html: one self-contained file (inline CSS, inline SVG drawn here, no script, no
// network). Every string that came from a file goes through html_escape. Chart elements
// carry data-* attributes with their exact values, so tests and readers can check them.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "common/stats.hpp"

#include "reports/capacity/fleet_coverage.hpp"
#include "reports/render/html_charts.hpp"
#include "reports/render/external_report.hpp"
#include "reports/render/storage_report.hpp"
#include "reports/render/fabric_report.hpp"
#include "reports/render/report.hpp"
#include "reports/render/report_section.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {

using std::string;
using namespace html;

const char* kCss = R"css(
:root{--ink:#1d2433;--mute:#5b6475;--line:#d9dee7;--bg:#f6f7fb;--card:#fff;--ok:#1a7f4b;--bad:#c62828;--warn:#b26a00;--acc:#2457c5}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans KR",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 24px 60px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}h3{font-size:16px;margin:20px 0 8px}
.meta{color:var(--mute);font-size:13.5px}.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.statement{font-size:15.5px;border-left:5px solid var(--acc)}.cpu{border-left:5px solid var(--warn);background:#fff8ec}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-weight:700;font-size:13px;letter-spacing:.02em;color:#fff}
.PASS,.ACCEPTED{background:var(--ok)}[class*="CPU_REHEARSAL"]{background:var(--warn)}.FAIL,.NOT.ACCEPTED,.NOT_ACCEPTED{background:var(--bad)}.NOT_EVALUATED,.NO_CRITERIA_GIVEN{background:var(--warn)}
table{border-collapse:collapse;width:100%;font-size:13.5px;background:var(--card)}.scroll{overflow-x:auto}th,td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#eef1f7;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr:nth-child(even) td{background:#fafbfd}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.kpi .v{font-size:22px;font-weight:700}.kpi .l{color:var(--mute);font-size:12.5px}.note{color:var(--mute);font-size:13px}
ul.fail li{margin:2px 0}code{font-size:12.5px;background:#eef1f7;padding:1px 4px;border-radius:4px;word-break:break-all}
svg{background:var(--card);border:1px solid var(--line);border-radius:10px;max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
.statement p{margin:0}.swatch{border:none;border-radius:0;background:none;vertical-align:middle;margin-right:5px}.kpi-none .v{font-size:15px;color:var(--warn)}
ul.trace{font-size:13px;color:var(--mute);padding-left:18px}ul.trace li{margin:3px 0}ul.trace b{color:var(--ink)}h4{font-size:14.5px;margin:16px 0 6px}
.legend span{display:inline-block;margin-right:14px;font-size:12.5px}.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
)css";

string coverage_html(const Analysis& a) {
  const auto c = fleet_coverage(a);
  if (!c.has_inventory) return "";
  string o = "<h2>Which devices this speaks for</h2><div class=\"card\" id=\"coverage\"><ul>";
  if (!c.measured_not_declared.empty()) {
    o += "<li id=\"measured-not-declared\"><b>Measured, not in the declared inventory</b> (so not projected): ";
    for (std::size_t i = 0; i < c.measured_not_declared.size(); ++i) o += (i ? ", " : "") + esc(c.measured_not_declared[i]);
    o += ".</li>";
  }
  for (const auto& g : c.declared_not_measured) {
    o += "<li class=\"declared-not-measured\"><b>Declared, not measured</b> (" + esc(g.why) + "): ";
    for (std::size_t i = 0; i < g.models.size(); ++i) o += (i ? ", " : "") + esc(g.models[i]);
    o += ".</li>";
  }
  for (const auto& m : c.measured_in_part) o += "<li class=\"measured-in-part\">" + esc(m) + ".</li>";
  if (c.measured_not_declared.empty() && c.declared_not_measured.empty() && c.measured_in_part.empty())
    o += "<li>Every declared model was measured, and every measured model is declared.</li>";
  o += "</ul>";
  if (!c.precisions_by_model.empty()) {
    o += "<p><b>Precisions per model</b> (what each model cannot run is its hardware, not a gap in the run):</p>"
         "<ul id=\"precisions-by-model\">";
    for (const auto& m : c.precisions_by_model) o += "<li>" + esc(m) + ".</li>";
    o += "</ul>";
  }
  o += "<p class=\"note\">Declared devices that were not measured add to no measured or projected figure.</p>";
  // The owner's own per-device figures, where the inventory gives any: shown, never added in.
  string declared_rows;
  for (const auto& d : a.declared)
    for (const auto& f : d.figures)
      declared_rows += fmt::format("<tr><td>{}</td><td class=num>{}</td><td>{} {:g} {} ({}; {})</td></tr>", esc(d.model),
                                   grouped(d.count), esc(precision_label(f.precision)), f.value, esc(f.unit),
                                   esc(f.basis), esc(f.source));
  if (!declared_rows.empty())
    o += "<table id=\"declared\"><tr><th>model</th><th class=num>count</th><th>declared per device (owner's figure, "
         "not measured)</th></tr>" + declared_rows + "</table>";
  return o + "</div>";
}

string target_html(const Analysis& a) {
  const auto& t = a.target;
  string o = "<h2>Against the target</h2>";
  if (a.system)
    o += fmt::format("<p>Target <b>{:g} {} {}</b>, basis <b>{}</b>{}.</p>", a.system->target.value,
                     esc(a.system->target.unit), esc(precision_label(t.precision)),
                     t.basis == "peak" ? "datasheet peak" : esc(t.basis),
                     a.system->target.source.empty() ? "" : " — " + esc(a.system->target.source));
  if (!t.evaluated) return o + "<div class=\"card\" id=\"target-not-compared\"><b>Not compared.</b> " + esc(t.reason) + ".</div>";
  const FamilyFigures* f = find_family(a.gemm, t.precision);
  const string why_not = f ? not_projected_reason(a, *f) : "not projected";
  o += "<div class=\"kpis\">";
  auto kpi = [&](const string& label, const string& value, const string& cls = "") {
    o += "<div class=\"kpi" + cls + "\"><div class=\"v\">" + value + "</div><div class=\"l\">" + label + "</div></div>";
  };
  const string gpus = count_of(t.gpus_measured, "GPU");
  kpi("target, " + esc(precision_label(t.precision)) + " " + (t.basis == "peak" ? "datasheet peak" : esc(t.basis)),
      format_si(t.target, t.unit));
  if (t.basis == "sustained") {
    kpi("measured sum, " + gpus + " · " + pc(t.measured_fraction) + " of target", si(t.measured, t.unit));
  } else {
    kpi("datasheet peak of " + grouped(t.gpus_in_fleet_peak) + " of " + count_of(t.gpus_declared_cuda, "declared GPU") +
            " (peak known) · " + pc(t.fleet_peak_fraction) + " of target",
        si(t.fleet_peak, t.unit));
    kpi("measured sustained, " + gpus + " · " + pc(t.measured_of_peak) + " of " +
            (t.gpus_measured == 1 ? "its" : "their") + " peak",
        si(t.measured, t.unit));
  }
  if (t.projected)
    kpi("projected sustained, declared fleet · " +
            (t.basis == "sustained" ? pc(t.projected_fraction) + " of target" : pc(t.projected_of_fleet_peak) + " of fleet peak"),
        format_si(*t.projected, t.unit));
  else
    kpi("projected sustained, declared fleet", "<span class=\"not-projected\">" + esc(why_not) + "</span>", " kpi-none");
  o += "</div>" + target_chart(a);
  for (const auto& n : t.notes) o += "<p class=\"note\">" + esc(n) + "</p>";
  return o;
}

string criteria_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  string o = fmt::format("<h2>Acceptance criteria {}</h2><p class=\"note\">{} (SHA-256 <code>{}</code>): {} passed, {} "
                         "failed, {} not evaluated. A criterion that could not be evaluated is not met.{}</p>",
                         badge(shown_status(a, overall_status(in))), esc(in.criteria->file), esc(in.criteria->sha256),
                         in.verdict->passed, in.verdict->failed, in.verdict->not_evaluated,
                         a.cpu_backend ? " On the CPU backend the criteria check the chain, not a GPU system." : "");
  o += "<table id=\"criteria\"><tr><th>criterion</th><th>result</th><th class=num>worst measured</th><th "
       "class=num>threshold</th><th class=num>margin</th><th class=num>checked</th></tr>";
  for (const auto& r : in.verdict->results)
    o += fmt::format("<tr data-criterion=\"{}\" data-status=\"{}\"><td><b>{}</b><br>{}{}</td><td>{}</td><td "
                     "class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td></tr>",
                     esc(r.id), r.status, esc(r.id), esc(device_words(a, r.description)),
                     r.note.empty() ? "" : "<br><span class=note>" + esc(device_words(a, r.note)) + "</span>", badge(r.status),
                     criterion_value(r, r.measured, true), criterion_value(r, r.threshold, false),
                     margin_words(r.margin, r.kind == "telemetry"), r.checked);
  o += "</table>";
  for (const auto& r : in.verdict->results) {
    if (r.failures.empty()) continue;
    o += fmt::format("<h3>{} — {} failure(s)</h3><ul class=\"fail\">", esc(r.id), r.failures.size());
    std::size_t shown = 0;
    for (const auto& f : r.failures) {
      if (++shown > 200) {
        o += fmt::format("<li>… and {} more (all in summary.json)</li>", r.failures.size() - 200);
        break;
      }
      o += "<li class=\"failure\">" +
           (f.rank >= 0 ? gpu_ref(a.gpus[static_cast<std::size_t>(f.rank)]) + ": "
                        : (f.host.empty() ? "" : "<b>" + esc(f.host) + "</b>: ")) +
           esc(device_words(a, f.what)) + "</li>";
    }
    o += "</ul>";
  }
  return o;
}

string statement_html(const ReportInputs& in) {
  const auto p = statement_parts(in);
  string o = "<h2>Capacity statement</h2><div class=\"card statement\" id=\"statement\"><p id=\"quotable\">" +
             esc(p.quotable) + "</p></div><h3>Traceability</h3><ul class=\"trace\" id=\"traceability\">";
  for (const auto& t : p.trace) {
    if (t.label == "note in the system description") continue;  // shown in full in its own card below
    o += "<li><b>" + esc(t.label) + ":</b> " + esc(t.value) +
         (t.sha256.empty() ? "" : " <span class=note>SHA-256</span> <code>" + esc(t.sha256) + "</code>") + "</li>";
  }
  return o + "<li><b>methods:</b> docs/methodology.md in the capbench source</li></ul>";
}

}  // namespace

string render_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const auto& rf = *a.results;
  const string title = report_title(a);
  const string status = shown_status(a, overall_status(in));
  string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">";
  o += "<title>" + esc(title) + "</title><style>" + kCss + "</style></head><body><main>";
  o += fmt::format("<h1>{}</h1><div class=\"meta\">{} · run <code>{}</code> · {} backend · {} on {} node{} · run "
                   "{} · measured {} · report {}</div>",
                   esc(title), badge(status), esc(rf.run.id), esc(rf.run.backend), count_of(rf.run.nranks, "rank"),
                   rf.run.nnodes, rf.run.nnodes == 1 ? "" : "s", esc(rf.run.status), esc(rf.run.started_at),
                   esc(in.generated_at));
  if (a.cpu_backend)
    o += "<div class=\"card cpu\" id=\"cpu-rehearsal\"><b>CPU rehearsal.</b> Every figure here comes from CPU cores "
         "running the chain from measurement to report. They measure no GPU and claim no GPU capacity; criteria met "
         "here accept no GPU system.</div>";
  for (const auto& notice : shared_gpu_notices(a))
    o += "<div class=\"card cpu shared-gpu\"><b>Ranks shared a GPU.</b> " + esc(notice) + "</div>";
  o += statement_html(in);
  if (a.system && !a.system->note.empty())
    o += "<div class=\"card cpu\" id=\"system-note\"><b>Note in the system description.</b> " + esc(a.system->note) +
         "</div>";
  o += target_html(a);
  o += coverage_html(a);
  if (in.verdict) o += criteria_html(in);

  // One section per stage the results hold; a stage not measured has none.
  o += render_external_html(in);  // reports/render/external_report.cpp
  for (const auto& section : report_sections()) {
    if (!section.present(in)) continue;
    o += fmt::format("<section id=\"section-{0}\" data-stage=\"{0}\"><h2>{1}</h2>", esc(section.key), esc(section.title)) +
         section.html(in) + "</section>";
  }

  if (!a.gemm.empty() || !a.stream.empty()) {
    o += fmt::format("<h2>Outliers</h2><p class=\"note\">Modified z-score 0.6745·(x − median)/MAD of each {0} within its "
                     "model, flagged beyond ±3.5 (models with at least 3 measured {0}s).</p>",
                     device_noun(a));
    if (a.outliers.empty()) o += "<p>None.</p>";
    else {
      o += "<table id=\"outliers\"><tr><th>family</th><th>" + device_noun(a) +
           "</th><th>model</th><th class=num>value</th><th class=num>model median</th><th class=num>z</th></tr>";
      for (const auto& x : a.outliers)
        o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{}</td><td "
                         "class=num>{:.1f}</td></tr>",
                         esc(x.family), gpu_ref(a.gpus[static_cast<std::size_t>(x.rank)]), esc(x.model_label),
                         format_si(x.value, x.unit), format_si(x.model_median, x.unit), x.z);
      o += "</table>";
    }
  }

  o += render_fabric_html(in);  // the node x node heat map (reports/render/fabric_report.cpp)
  o += render_storage_html(a);
  if (!a.problems.empty()) {
    o += fmt::format("<h2>Problems ({})</h2><p class=\"note\">Failed, timed-out, missing or unverified rank results; "
                     "none contributes to any figure.</p><ul class=\"fail\">",
                     a.problems.size());
    std::size_t shown = 0;
    for (const auto& p : a.problems) {
      if (++shown > 200) {
        o += fmt::format("<li>… and {} more (all in summary.json)</li>", a.problems.size() - 200);
        break;
      }
      o += fmt::format("<li><code>{}</code> {}: status {}, verification {}{}</li>", esc(p.case_id),
                       gpu_ref(a.gpus[static_cast<std::size_t>(p.rank)]), esc(p.status), esc(p.verification),
                       p.detail.empty() ? "" : " — " + esc(p.detail));
    }
    o += "</ul>";
  }
  o += "</main></body></html>\n";
  return o;
}

}  // namespace capbench
