// report.html: one self-contained file (inline CSS, inline SVG drawn here, no script, no
// network). Every string that came from a file goes through html_escape. Chart elements
// carry data-* attributes with their exact values, so tests and readers can check them.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "common/stats.hpp"

#include "capbench/version.hpp"
#include "reports/fabric_report.hpp"
#include "reports/report.hpp"
#include "reports/summary.hpp"
#include "reports/text_escape.hpp"

namespace capbench {

namespace {

using std::string;

const char* kCss = R"css(
:root{--ink:#1d2433;--mute:#5b6475;--line:#d9dee7;--bg:#f6f7fb;--card:#fff;--ok:#1a7f4b;--bad:#c62828;--warn:#b26a00;--acc:#2457c5}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans KR",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 24px 60px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}h3{font-size:16px;margin:20px 0 8px}
.meta{color:var(--mute);font-size:13.5px}.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.statement{font-size:15.5px;border-left:5px solid var(--acc)}.cpu{border-left:5px solid var(--warn);background:#fff8ec}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-weight:700;font-size:13px;letter-spacing:.02em;color:#fff}
.PASS,.ACCEPTED{background:var(--ok)}.FAIL,.NOT.ACCEPTED,.NOT_ACCEPTED{background:var(--bad)}.NOT_EVALUATED,.NO_CRITERIA_GIVEN{background:var(--warn)}
table{border-collapse:collapse;width:100%;font-size:13.5px;background:var(--card)}.scroll{overflow-x:auto}th,td{padding:6px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#eef1f7;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr:nth-child(even) td{background:#fafbfd}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}.kpi{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.kpi .v{font-size:22px;font-weight:700}.kpi .l{color:var(--mute);font-size:12.5px}.note{color:var(--mute);font-size:13px}
ul.fail li{margin:2px 0}code{font-size:12.5px;background:#eef1f7;padding:1px 4px;border-radius:4px;word-break:break-all}
svg{background:var(--card);border:1px solid var(--line);border-radius:10px;max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
.legend span{display:inline-block;margin-right:14px;font-size:12.5px}.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
)css";

const char* kPalette[] = {"#2457c5", "#e07b00", "#2a9d8f", "#8e44ad", "#c0392b", "#6d8a00", "#d35400", "#34495e"};

string esc(const string& s) { return html_escape(s); }
// How a criterion's worst measured value or threshold reads in a table.
string criterion_value(const CriterionResult& r, const std::optional<double>& v, bool measured) {
  if (measured && r.worst_missing) return "no verified figure";
  if (!v) return "—";
  if (r.kind == "telemetry") return percent(*v) + " throttled";
  if (r.kind == "verification") return fmt::format("{:g} problem{}", *v, *v == 1 ? "" : "s");
  return format_si(*v, r.unit);
}
string short_title(const FamilyFigures& f) { return (f.benchmark == "gemm" ? "GEMM " : "STREAM triad ") + f.precision; }
string si(const std::optional<double>& v, const string& unit) { return v ? format_si(*v, unit) : "—"; }
string pc(const std::optional<double>& v) { return v ? percent(*v) : "—"; }
string badge(const string& s) {
  string cls = s;
  std::replace(cls.begin(), cls.end(), ' ', '_');
  return fmt::format("<span class=\"badge {}\">{}</span>", cls, esc(s));
}
string gpu_ref(const GpuIdentity& g) {
  return fmt::format("<b>{}</b> rank {} · bus <code>{}</code> · serial <code>{}</code>", esc(g.host), g.rank,
                     esc(g.bus_id.empty() ? "?" : g.bus_id), esc(g.serial.empty() ? "?" : g.serial));
}
// A tidy axis maximum: 1, 2 or 5 times a power of ten, at least `v`.
double nice_max(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}
// Scale for an axis in display units: the SI prefix chosen from the axis maximum.
struct Scale {
  double div = 1;
  string unit;
};
Scale scale_for(double max, const string& unit) {
  static const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int p = 0;
  double d = 1;
  while (max / d >= 1000 && p < 6) {
    d *= 1000;
    ++p;
  }
  return {d, string(prefixes[p]) + unit};
}

// The horizontal grid and value labels of a per-GPU chart, and its unit along the y axis.
string value_grid(double ymax, const string& unit, double left, double right, double top, double ph) {
  string s;
  for (int i = 0; i <= 5; ++i) {
    const double v = ymax * i / 5, yy = top + ph - ph * i / 5;
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e6e9f0\"/>"
                     "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:g}</text>",
                     left, right, yy, yy, left - 6, yy + 4, v);
  }
  s += fmt::format("<text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\">{}</text>",
                   top + ph / 2, top + ph / 2, esc(unit));
  return s;
}

// Above this many GPUs one bar each would be thinner than a pixel (and the page tens of
// megabytes): each model is drawn as its spread instead, with the GPUs a reader must see.
constexpr std::size_t kMaxGpuBars = 512;

string gpu_spread_chart(const FamilyFigures& f, const Analysis& a, const std::map<string, double>& thresholds,
                        double vmax);

// Per-GPU bars of one family, grouped by model, with each model's median and the criteria's
// thresholds drawn across its group.
string gpu_chart(const FamilyFigures& f, const Analysis& a, const std::vector<const CriterionResult*>& crits) {
  std::vector<const GpuFigure*> order;
  for (const auto& g : f.gpus) order.push_back(&g);
  std::stable_sort(order.begin(), order.end(), [&](const GpuFigure* x, const GpuFigure* y) {
    const auto& gx = a.gpus[static_cast<std::size_t>(x->rank)];
    const auto& gy = a.gpus[static_cast<std::size_t>(y->rank)];
    return std::tie(gx.model_key, gx.host, gx.bus_id, gx.rank) < std::tie(gy.model_key, gy.host, gy.bus_id, gy.rank);
  });
  double vmax = 0;
  for (const auto* g : order)
    if (g->value) vmax = std::max(vmax, *g->value);
  std::map<string, double> thresholds;  // model key -> highest threshold of the criteria shown
  for (const auto* c : crits)
    for (const auto& [k, t] : c->model_thresholds) {
      thresholds[k] = std::max(thresholds[k], t);
      vmax = std::max(vmax, t);
    }
  if (order.size() > kMaxGpuBars) return gpu_spread_chart(f, a, thresholds, vmax);
  const Scale sc = scale_for(vmax, f.unit);
  const double ymax = nice_max(vmax / sc.div * 1.05);
  const int W = 1100, H = 300, L = 70, R = 20, T = 20, B = 46;
  const double pw = W - L - R, ph = H - T - B;
  const double n = std::max<double>(1, order.size());
  const double step = pw / n, bw = std::max(0.6, step * 0.72);
  auto y = [&](double v) { return T + ph - (v / sc.div) / ymax * ph; };
  string s = fmt::format(
      "<svg class=\"chart gpu-chart\" viewBox=\"0 0 {} {}\" width=\"{}\" role=\"img\" data-family=\"{}\" "
      "data-precision=\"{}\" data-unit=\"{}\" aria-label=\"{} per GPU\">",
      W, H, W, esc(f.benchmark), esc(f.precision), esc(f.unit), esc(family_title(f)));
  s += value_grid(ymax, sc.unit, L, W - R, T, ph);
  std::map<string, int> color;
  std::map<string, std::pair<double, double>> span;  // model -> x range
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto* g = order[i];
    const auto& id = a.gpus[static_cast<std::size_t>(g->rank)];
    if (!color.count(id.model_key)) color[id.model_key] = static_cast<int>(color.size()) % 8;
    const double x = L + step * i + (step - bw) / 2;
    auto& sp = span.try_emplace(id.model_key, x, x + bw).first->second;
    sp.second = x + bw;
    const string tip = fmt::format("{} rank {} bus {} serial {}: {}", id.host, id.rank, id.bus_id, id.serial,
                                   g->value ? format_si(*g->value, f.unit) : "no verified figure (" + g->problem + ")");
    const string attrs = fmt::format(
        "data-rank=\"{}\" data-host=\"{}\" data-bus-id=\"{}\" data-model=\"{}\" data-value=\"{}\" data-outlier=\"{}\"",
        id.rank, esc(id.host), esc(id.bus_id), esc(id.model_key), g->value ? fmt::format("{:.6g}", *g->value) : "",
        g->outlier ? "true" : "false");
    if (g->value) {
      const double yy = y(*g->value);
      s += fmt::format("<rect class=\"gpu-bar\" x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\" "
                       "{}{}><title>{}</title></rect>",
                       x, yy, bw, T + ph - yy, kPalette[color[id.model_key]], attrs,
                       g->outlier ? " stroke=\"#c62828\" stroke-width=\"2\"" : "", esc(tip));
    } else {
      s += fmt::format("<g class=\"gpu-missing\" {}><title>{}</title><text x=\"{:.2f}\" y=\"{:.1f}\" "
                       "text-anchor=\"middle\" fill=\"#c62828\" font-weight=\"700\" font-size=\"16\">✕</text></g>",
                       attrs, esc(tip), x + bw / 2, T + ph - 4);
    }
  }
  for (const auto& m : f.models) {
    auto it = span.find(m.model_key);
    if (it == span.end()) continue;
    const auto [x0, x1] = it->second;
    if (m.measured > 0) {
      const double yy = y(m.median);
      s += fmt::format("<line class=\"model-median\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#1d2433\" stroke-width=\"2\" data-model=\"{}\" data-value=\"{:.6g}\"><title>median {}: "
                       "{}</title></line>",
                       x0, x1, yy, yy, esc(m.model_key), m.median, esc(m.label), format_si(m.median, f.unit));
    }
    if (auto t = thresholds.find(m.model_key); t != thresholds.end()) {
      const double yy = y(t->second);
      s += fmt::format("<line class=\"threshold\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#c62828\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\" data-model=\"{}\" "
                       "data-value=\"{:.6g}\"><title>threshold {}</title></line>",
                       x0, x1, yy, yy, esc(m.model_key), t->second, format_si(t->second, f.unit));
    }
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{} ({} GPUs)</text>", (x0 + x1) / 2, H - 22,
                     esc(m.label.size() > 48 ? m.label.substr(0, 45) + "..." : m.label), m.gpus);
  }
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#8a93a6\"/></svg>", L, W - R, T + ph, T + ph);
  s += "<div class=\"legend\"><span><i class=\"sw\" style=\"background:#1d2433;height:3px\"></i>model median</span>"
       "<span><i class=\"sw\" style=\"background:none;border-top:2px dashed #c62828;height:0\"></i>acceptance "
       "threshold</span><span style=\"color:#c62828\">✕ no verified figure</span><span>red outline: outlier</span></div>";
  return s;
}

// Each model as a box from its 5th to its 95th percentile GPU, a whisker from the slowest to
// the fastest and a line at the median; every outlier and every GPU without a verified figure
// drawn on its own, with the same data attributes as a bar. per_gpu.csv holds every GPU.
string gpu_spread_chart(const FamilyFigures& f, const Analysis& a, const std::map<string, double>& thresholds,
                        double vmax) {
  const Scale sc = scale_for(vmax, f.unit);
  const double ymax = nice_max(vmax / sc.div * 1.05);
  const int W = 1100, H = 300, L = 70, R = 20, T = 20, B = 46;
  const double pw = W - L - R, ph = H - T - B;
  auto y = [&](double v) { return T + ph - (v / sc.div) / ymax * ph; };
  std::map<string, std::vector<const GpuFigure*>> by_model;
  for (const auto& g : f.gpus) by_model[a.gpus[static_cast<std::size_t>(g.rank)].model_key].push_back(&g);
  string s = fmt::format(
      "<svg class=\"chart gpu-chart gpu-spread\" viewBox=\"0 0 {} {}\" width=\"{}\" role=\"img\" data-family=\"{}\" "
      "data-precision=\"{}\" data-unit=\"{}\" data-gpus=\"{}\" aria-label=\"{} per GPU, spread per model\">",
      W, H, W, esc(f.benchmark), esc(f.precision), esc(f.unit), f.gpus.size(), esc(family_title(f)));
  s += value_grid(ymax, sc.unit, L, W - R, T, ph);
  const double slot = pw / std::max<double>(1, double(by_model.size()));
  int k = 0;
  for (const auto& [model, gpus] : by_model) {
    const double x0 = L + slot * k, xc = x0 + slot / 2, half = std::min(60.0, slot * 0.3);
    const string col = kPalette[k % 8];
    ++k;
    std::vector<double> v;
    for (const auto* g : gpus)
      if (g->value) v.push_back(*g->value);
    std::sort(v.begin(), v.end());
    string label = model;
    for (const auto& m : f.models)
      if (m.model_key == model) label = m.label;
    if (!v.empty()) {
      const double p05 = percentile_sorted(v, 5), p95 = percentile_sorted(v, 95), med = percentile_sorted(v, 50);
      s += fmt::format("<line class=\"model-range\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
                       "stroke=\"#8a93a6\" data-model=\"{3}\" data-min=\"{4:.6g}\" data-max=\"{5:.6g}\"/>",
                       xc, y(v.front()), y(v.back()), esc(model), v.front(), v.back());
      s += fmt::format("<rect class=\"model-spread\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                       "fill=\"{}\" fill-opacity=\"0.55\" data-model=\"{}\" data-p05=\"{:.6g}\" data-p95=\"{:.6g}\">"
                       "<title>{}: {} GPUs with a figure; 5th-95th percentile {} to {}</title></rect>",
                       xc - half, y(p95), 2 * half, std::max(1.0, y(p05) - y(p95)), col, esc(model), p05, p95,
                       esc(label), v.size(), format_si(p05, f.unit), format_si(p95, f.unit));
      s += fmt::format("<line class=\"model-median\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#1d2433\" stroke-width=\"2\" data-model=\"{}\" data-value=\"{:.6g}\"><title>median "
                       "{}: {}</title></line>",
                       xc - half, xc + half, y(med), y(med), esc(model), med, esc(label), format_si(med, f.unit));
    }
    if (auto t = thresholds.find(model); t != thresholds.end()) {
      const double yy = y(t->second);
      s += fmt::format("<line class=\"threshold\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#c62828\" stroke-width=\"1.6\" stroke-dasharray=\"6 4\" data-model=\"{}\" "
                       "data-value=\"{:.6g}\"><title>threshold {}</title></line>",
                       x0 + 4, x0 + slot - 4, yy, yy, esc(model), t->second, format_si(t->second, f.unit));
    }
    for (const auto* g : gpus) {
      if (g->value && !g->outlier) continue;
      const auto& id = a.gpus[static_cast<std::size_t>(g->rank)];
      const string tip = fmt::format("{} rank {} bus {} serial {}: {}", id.host, id.rank, id.bus_id, id.serial,
                                     g->value ? format_si(*g->value, f.unit) : "no verified figure (" + g->problem + ")");
      const string attrs = fmt::format(
          "data-rank=\"{}\" data-host=\"{}\" data-bus-id=\"{}\" data-model=\"{}\" data-value=\"{}\" "
          "data-outlier=\"{}\"",
          id.rank, esc(id.host), esc(id.bus_id), esc(id.model_key), g->value ? fmt::format("{:.6g}", *g->value) : "",
          g->outlier ? "true" : "false");
      const double jitter = half * 1.6 * (double((id.rank * 2654435761u) % 1000) / 1000.0 - 0.5);
      if (g->value)
        s += fmt::format("<circle class=\"gpu-point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"none\" "
                         "stroke=\"#c62828\" stroke-width=\"1.5\" {}><title>{}</title></circle>",
                         xc + jitter, y(*g->value), attrs, esc(tip));
      else
        s += fmt::format("<g class=\"gpu-missing\" {}><title>{}</title><text x=\"{:.1f}\" y=\"{:.1f}\" "
                         "text-anchor=\"middle\" fill=\"#c62828\" font-weight=\"700\" font-size=\"12\">✕</text></g>",
                         attrs, esc(tip), xc + jitter, T + ph - 4);
    }
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{} ({} GPUs)</text>", xc, H - 22,
                     esc(label.size() > 48 ? label.substr(0, 45) + "..." : label), gpus.size());
  }
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#8a93a6\"/></svg>", L, W - R, T + ph, T + ph);
  s += fmt::format("<div class=\"legend\"><span>{} GPUs: too many for one bar each. Box: 5th to 95th percentile of "
                   "each model; whisker: slowest to fastest; dark line: median.</span><span style=\"color:#c62828\">"
                   "○ outlier, ✕ no verified figure, drawn one by one</span><span>every GPU: per_gpu.csv</span></div>",
                   f.gpus.size());
  return s;
}

string collective_chart(const std::vector<CollectiveSeries>& series) {
  double xmin = 1e300, xmax = 0, ymax = 0;
  for (const auto& s : series)
    for (const auto& p : s.points) {
      xmin = std::min(xmin, p.size_bytes);
      xmax = std::max(xmax, p.size_bytes);
      ymax = std::max(ymax, p.busbw_min);
    }
  if (xmax <= 0) return "<p class=\"note\">No verified collective figures.</p>";
  const Scale sc = scale_for(ymax, "B/s");
  const double yt = nice_max(ymax / sc.div * 1.05);
  const double lx0 = std::log2(xmin), lx1 = std::max(std::log2(xmax), lx0 + 1);
  const int W = 1100, H = 340, L = 70, R = 30, T = 20, B = 40;
  string legend;
  const double pw = W - L - R, ph = H - T - B;
  auto X = [&](double b) { return L + (std::log2(b) - lx0) / (lx1 - lx0) * pw; };
  auto Y = [&](double v) { return T + ph - v / sc.div / yt * ph; };
  string s = fmt::format("<svg class=\"chart collective-chart\" viewBox=\"0 0 {} {}\" width=\"{}\" role=\"img\" "
                         "aria-label=\"collective bus bandwidth\">",
                         W, H, W);
  for (int i = 0; i <= 5; ++i) {
    const double yy = T + ph - ph * i / 5;
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e6e9f0\"/><text x=\"{}\" "
                     "y=\"{:.1f}\" text-anchor=\"end\">{:g}</text>",
                     L, L + pw, yy, yy, L - 6, yy + 4, yt * i / 5);
  }
  std::vector<double> ticks;
  for (const auto& s0 : series)
    for (const auto& p : s0.points)
      if (std::find(ticks.begin(), ticks.end(), p.size_bytes) == ticks.end()) ticks.push_back(p.size_bytes);
  for (double t : ticks)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", X(t), H - 16, format_bytes(t));
  s += fmt::format("<text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\">busbw, {}"
                   "</text>",
                   T + ph / 2, T + ph / 2, esc(sc.unit));
  int k = 0;
  for (const auto& c : series) {
    if (c.points.empty()) continue;
    const char* col = kPalette[k % 8];
    string pts;
    for (const auto& p : c.points) pts += fmt::format("{:.1f},{:.1f} ", X(p.size_bytes), Y(p.busbw_min));
    s += fmt::format("<g class=\"collective-series\" data-case=\"{}\"><polyline points=\"{}\" fill=\"none\" "
                     "stroke=\"{}\" stroke-width=\"2\"/>",
                     esc(c.case_id), pts, col);
    for (const auto& p : c.points) {
      // A job-wide figure has no single slowest rank: none is named.
      const bool rank_known = p.slowest_rank >= 0;
      s += fmt::format("<circle class=\"collective-point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" "
                       "data-size-bytes=\"{:.0f}\" data-busbw=\"{:.6g}\"{} data-basis=\"{}\"><title>{} at {}: {}{}"
                       "</title></circle>",
                       X(p.size_bytes), Y(p.busbw_min), col, p.size_bytes, p.busbw_min,
                       rank_known ? fmt::format(" data-slowest-rank=\"{}\"", p.slowest_rank) : string(),
                       c.job_wide ? "job" : "rank",
                       esc(c.case_id), format_bytes(p.size_bytes), format_si(p.busbw_min, "B/s"),
                       rank_known ? fmt::format(" (slowest rank {})", p.slowest_rank) : string(" (job-wide)"));
    }
    s += "</g>";
    legend += fmt::format("<span><i class=\"sw\" style=\"background:{}\"></i>{}</span>", col, esc(c.case_id));
    ++k;
  }
  return s + "</svg><div class=\"legend\">" + legend + "</div>";
}

// Horizontal bars in the target's precision only: target and the figures it is compared with.
string target_chart(const Analysis& a) {
  const auto& t = a.target;
  struct Bar {
    string label, kind;
    double v;
    string color;
  };
  std::vector<Bar> bars{{"target (" + t.basis + ")", "target", t.target, "#1d2433"}};
  if (t.basis == "peak" && t.fleet_peak) bars.push_back({"datasheet peak, declared GPUs", "fleet_peak", *t.fleet_peak, "#8a93a6"});
  if (t.projected) bars.push_back({"projected sustained, declared fleet", "projected", *t.projected, "#2a9d8f"});
  if (t.measured) bars.push_back({"measured sustained, " + std::to_string(t.gpus_measured) + " GPUs", "measured", *t.measured, "#2457c5"});
  double vmax = 0;
  for (const auto& b : bars) vmax = std::max(vmax, b.v);
  const Scale sc = scale_for(vmax, t.unit);
  const double xt = nice_max(vmax / sc.div * 1.05);
  const int W = 1100, L = 270, R = 150, T = 14, rowh = 40;
  const int H = T + rowh * static_cast<int>(bars.size()) + 30;
  const double pw = W - L - R;
  string s = fmt::format("<svg class=\"chart target-chart\" viewBox=\"0 0 {} {}\" width=\"{}\" role=\"img\" "
                         "data-precision=\"{}\" data-basis=\"{}\" aria-label=\"capacity against the target\">",
                         W, H, W, esc(t.precision), esc(t.basis));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double w = b.v / sc.div / xt * pw, yy = T + rowh * static_cast<double>(i);
    const string frac = b.kind == "target" ? "" : " · " + percent(b.v / t.target) + " of target";
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text><rect class=\"target-bar\" x=\"{}\" "
                     "y=\"{:.1f}\" width=\"{:.1f}\" height=\"24\" rx=\"3\" fill=\"{}\" data-kind=\"{}\" "
                     "data-value=\"{:.6g}\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}{}</text>",
                     L - 10, yy + 17, esc(b.label), L, yy, std::max(w, 1.0), b.color, b.kind, b.v, L + w + 8, yy + 17,
                     format_si(b.v, t.unit), b.kind == "fleet_peak" || b.kind == "target" || t.basis == "sustained" ? frac : "");
  }
  for (int i = 0; i <= 4; ++i)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#5b6475\">{:g} {}</text>",
                     L + pw * i / 4, H - 8, xt * i / 4, esc(sc.unit));
  return s + "</svg>";
}

}  // namespace

string render_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const auto& rf = *a.results;
  const string title = "Capacity report" + (a.system ? " — " + a.system->name : string());
  string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">";
  o += "<title>" + esc(title) + "</title><style>" + kCss + "</style></head><body><main>";
  o += fmt::format("<h1>{}</h1><div class=\"meta\">{} · run <code>{}</code> · {} backend · {} ranks on {} node(s) · run "
                   "{} · measured {} · report {}</div>",
                   esc(title), badge(overall_status(in)), esc(rf.run.id), esc(rf.run.backend), rf.run.nranks,
                   rf.run.nnodes, esc(rf.run.status), esc(rf.run.started_at), esc(in.generated_at));
  if (a.cpu_backend)
    o += "<div class=\"card cpu\"><b>CPU backend.</b> These figures come from CPU cores running the functional "
         "check. They measure no GPU and claim no GPU capacity.</div>";
  o += "<h2>Capacity statement</h2><div class=\"card statement\" id=\"statement\">" + esc(render_statement(in)) + "</div>";
  if (a.system && !a.system->note.empty())
    o += "<div class=\"card cpu\" id=\"system-note\"><b>Note in the system description.</b> " + esc(a.system->note) +
         "</div>";

  // Key figures.
  const auto& t = a.target;
  o += "<h2>Against the target</h2>";
  if (a.system)
    o += fmt::format("<p>Target <b>{:g} {} {}</b>, basis <b>{}</b>{}.</p>", a.system->target.value,
                     esc(a.system->target.unit), esc(t.precision), esc(t.basis),
                     a.system->target.source.empty() ? "" : " — " + esc(a.system->target.source));
  if (!t.evaluated) {
    o += "<div class=\"card\" id=\"target-not-compared\"><b>Not compared.</b> " + esc(t.reason) + ".</div>";
  } else {
    o += "<div class=\"kpis\">";
    auto kpi = [&](const string& label, const string& value) {
      o += "<div class=\"kpi\"><div class=\"v\">" + value + "</div><div class=\"l\">" + label + "</div></div>";
    };
    kpi("target, " + esc(t.precision) + " " + esc(t.basis), format_si(t.target, t.unit));
    if (t.basis == "sustained") {
      kpi("measured sum, " + std::to_string(t.gpus_measured) + " GPUs · " + pc(t.measured_fraction) + " of target",
          si(t.measured, t.unit));
      kpi("projected to the declared fleet · " + pc(t.projected_fraction) + " of target", si(t.projected, t.unit));
    } else {
      kpi("datasheet peak of " + std::to_string(t.gpus_in_fleet_peak) + " of " + std::to_string(t.gpus_declared_cuda) +
              " declared GPUs (peak known) · " + pc(t.fleet_peak_fraction) +
              " of target",
          si(t.fleet_peak, t.unit));
      kpi("measured sustained, " + std::to_string(t.gpus_measured) + " GPUs · " + pc(t.measured_of_peak) + " of their peak",
          si(t.measured, t.unit));
      kpi("projected sustained, declared fleet · " + pc(t.projected_of_fleet_peak) + " of fleet peak",
          si(t.projected, t.unit));
    }
    o += "</div>" + target_chart(a);
    for (const auto& n : t.notes) o += "<p class=\"note\">" + esc(n) + "</p>";
  }

  o += "<h2>Measured capacity per precision</h2><p class=\"note\">Per GPU: the median over timed iterations of its "
       "best verified GEMM shape in that precision. Sums are over GPUs with a verified figure; a failed or "
       "unverified GPU adds nothing. Precisions are never added together.</p>";
  o += "<div class=scroll><table id=\"capacity\"><tr><th>precision</th><th class=num>GPUs<br>measured / run</th><th "
       "class=num>measured<br>sum of GPUs</th><th class=num>N × slowest<br>GPU</th><th class=num>datasheet peak<br>of "
       "measured GPUs</th><th class=num>efficiency<br>(sum / peak)</th><th class=num>projected<br>declared "
       "fleet</th><th class=num>datasheet peak<br>declared fleet</th></tr>";
  for (const auto& f : a.gemm)
    o += fmt::format("<tr data-precision=\"{}\" data-measured-sum=\"{:.6g}\" data-n-times-slowest=\"{:.6g}\"><td>{}</td>"
                     "<td class=num>{} / {}</td><td class=num><b>{}</b></td><td class=num>{}</td><td class=num>{}{}</td>"
                     "<td class=num>{}</td><td class=num>{}</td><td class=num>{}</td></tr>",
                     esc(f.precision), f.measured_sum, f.n_times_slowest, esc(f.precision), f.measured, f.gpus.size(),
                     format_si(f.measured_sum, f.unit), format_si(f.n_times_slowest, f.unit),
                     f.gpus_peak_known ? format_si(f.peak_sum_known, f.unit) : "unknown",
                     f.gpus_peak_known < f.measured ? fmt::format("<br><span class=note>{} of {} GPUs known</span>",
                                                                 f.gpus_peak_known, f.measured)
                                                    : "",
                     pc(f.efficiency), f.projection_made ? format_si(f.projected, f.unit) : "—",
                     si(f.fleet_peak, f.unit));
  o += "</table></div>";
  o += "<h3>Per model</h3><div class=scroll><table id=\"models\"><tr><th>figure</th><th>model</th><th class=num>GPUs</th><th "
       "class=num>median<br>per GPU</th><th class=num>min</th><th class=num>max</th><th class=num>datasheet "
       "peak<br>per GPU</th><th class=num>median<br>/ peak</th><th class=num>declared<br>count</th><th "
       "class=num>projected<br>(median × count)</th></tr>";
  for (const auto* fams : {&a.gemm, &a.stream})
    for (const auto& f : *fams)
      for (const auto& m : f.models)
        o += fmt::format("<tr><td>{}</td><td>{}</td><td class=num>{}/{}</td><td class=num>{}</td><td class=num>{}</td>"
                         "<td class=num>{}</td><td class=num title=\"{}\">{}{}</td><td class=num>{}</td><td "
                         "class=num>{}</td><td class=num>{}</td></tr>",
                         esc(short_title(f)), esc(m.label), m.measured, m.gpus,
                         m.measured ? format_si(m.median, f.unit) : "—", m.measured ? format_si(m.min, f.unit) : "—",
                         m.measured ? format_si(m.max, f.unit) : "—", esc(m.peak_source.empty() ? m.peak_note : m.peak_source),
                         m.peak_per_gpu ? format_si(*m.peak_per_gpu, f.unit) : "unknown",
                         m.peak_figure.empty() ? "" : "<br><span class=note>" + esc(m.peak_figure) + "</span>",
                         m.peak_per_gpu && m.measured ? percent(m.median / *m.peak_per_gpu) : "—",
                         m.declared_count ? std::to_string(*m.declared_count) : "—", si(m.projected, f.unit));
  o += "</table></div>";
  for (const auto& f : a.gemm)
    for (const auto& n : f.projection_notes) o += "<p class=\"note\">" + esc(f.precision) + ": " + esc(n) + "</p>";
  if (!a.gemm.empty())
    o += "<p class=\"note\">Projection: each declared GPU of a model is assumed to perform like the median measured "
         "GPU of that model in this run. FP64 GEMM is held to the FP64 tensor-core peak where the GPU has one "
         "(cuBLAS runs DGEMM on them).</p>";

  if (!a.declared.empty()) {
    o += "<h2>Declared, not measured</h2><p class=\"note\">Owner-declared; capbench did not measure these and adds "
         "them to no figure above.</p><table id=\"declared\"><tr><th>model</th><th class=num>count</th><th>why not "
         "measured</th><th>declared per device</th></tr>";
    for (const auto& d : a.declared) {
      string figs;
      for (const auto& f : d.figures)
        figs += fmt::format("{}{} {:g} {} ({}; {})", figs.empty() ? "" : "<br>", esc(f.precision), f.value, esc(f.unit),
                            esc(f.basis), esc(f.source));
      o += fmt::format("<tr><td>{}</td><td class=num>{}</td><td>{}</td><td>{}</td></tr>", esc(d.model), d.count,
                       esc(d.reason), figs.empty() ? "<span class=note>none declared</span>" : figs);
    }
    o += "</table>";
  }

  if (in.verdict) {
    o += fmt::format("<h2>Acceptance criteria {}</h2><p class=\"note\">{} (SHA-256 <code>{}</code>): {} passed, {} "
                     "failed, {} not evaluated. A criterion that could not be evaluated is not met.</p>",
                     badge(overall_status(in)), esc(in.criteria->file), esc(in.criteria->sha256), in.verdict->passed,
                     in.verdict->failed, in.verdict->not_evaluated);
    o += "<table id=\"criteria\"><tr><th>criterion</th><th>result</th><th class=num>worst measured</th><th "
         "class=num>threshold</th><th class=num>margin</th><th class=num>checked</th></tr>";
    for (const auto& r : in.verdict->results) {
      o += fmt::format("<tr data-criterion=\"{}\" data-status=\"{}\"><td><b>{}</b><br>{}{}</td><td>{}</td><td "
                       "class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td></tr>",
                       esc(r.id), r.status, esc(r.id), esc(r.description),
                       r.note.empty() ? "" : "<br><span class=note>" + esc(r.note) + "</span>", badge(r.status),
                       criterion_value(r, r.measured, true), criterion_value(r, r.threshold, false), pc(r.margin),
                       r.checked);
    }
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
             (f.rank >= 0 ? gpu_ref(a.gpus[static_cast<std::size_t>(f.rank)]) + ": " : (f.host.empty() ? "" : "<b>" + esc(f.host) + "</b>: ")) +
             esc(f.what) + "</li>";
      }
      o += "</ul>";
    }
  }

  o += "<h2>Per-GPU throughput</h2>";
  for (const auto* fams : {&a.gemm, &a.stream})
    for (const auto& f : *fams) {
      std::vector<const CriterionResult*> crits;
      if (in.verdict)
        for (const auto& r : in.verdict->results)
          if (r.kind == "per_gpu" && r.benchmark == f.benchmark && r.precision == f.precision) crits.push_back(&r);
      o += "<h3>" + esc(family_title(f)) + "</h3>" + gpu_chart(f, a, crits);
    }

  o += render_fabric_html(in);

  o += "<h2>Outliers</h2><p class=\"note\">Modified z-score 0.6745·(x − median)/MAD of each GPU within its model, "
       "flagged beyond ±3.5 (models with at least 3 measured GPUs).</p>";
  if (a.outliers.empty()) o += "<p>None.</p>";
  else {
    o += "<table id=\"outliers\"><tr><th>family</th><th>GPU</th><th>model</th><th class=num>value</th><th "
         "class=num>model median</th><th class=num>z</th></tr>";
    for (const auto& x : a.outliers)
      o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{}</td><td "
                       "class=num>{:.1f}</td></tr>",
                       esc(x.family), gpu_ref(a.gpus[static_cast<std::size_t>(x.rank)]), esc(x.model_label),
                       format_si(x.value, x.unit), format_si(x.model_median, x.unit), x.z);
    o += "</table>";
  }

  {
    // Each basis present, once: a results/2 file has job-wide figures, a results/1 file per-rank ones.
    std::vector<string> bases;
    for (const auto& c : a.collectives) {
      const string b = collective_basis_text(c);
      if (std::find(bases.begin(), bases.end(), b) == bases.end()) bases.push_back(b);
    }
    string basis;
    for (const auto& b : bases) basis += " Figures " + esc(b) + ".";
    o += "<h2>Collective bus bandwidth</h2><p class=\"note\">nccl-tests convention: busbw = size / time × factor, "
         "per message size." + basis + "</p>" + collective_chart(a.collectives);
  }

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

  o += "<h2>Provenance</h2><table id=\"provenance\">";
  auto row = [&](const string& k, const string& v) { o += "<tr><th>" + k + "</th><td>" + v + "</td></tr>"; };
  row("results file", esc(a.results_path) + "<br>SHA-256 <code>" + esc(a.results_sha256) + "</code>");
  row("measured by", esc(rf.run.tool_name + " " + rf.run.tool_version) + ", commit <code>" + esc(rf.run.git_commit) +
                         "</code>, MPI " + esc(rf.run.mpi_library));
  row("run", esc(rf.run.started_at) + " → " + esc(rf.run.finished_at) + ", status " + esc(rf.run.status) +
                 (rf.run.status_reason.empty() ? "" : " (" + esc(rf.run.status_reason) + ")"));
  row("suite", esc(rf.suite.name) + ", SHA-256 <code>" + esc(rf.suite.sha256) + "</code>");
  if (a.system) row("system description", esc(a.system->file) + ", SHA-256 <code>" + esc(a.system->sha256) + "</code>");
  row("GPU database", esc(a.db->origin()) + ", SHA-256 <code>" + esc(a.db->sha256()) + "</code>");
  row("report", fmt::format("capreport {} (commit <code>{}</code>), {}", kVersion, esc(kGitCommit), esc(in.generated_at)));
  row("methods", "docs/methodology.md in the capbench source");
  o += "</table></main></body></html>\n";
  return o;
}

}  // namespace capbench
