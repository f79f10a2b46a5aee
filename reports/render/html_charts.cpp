// The inline SVG charts of report.html and the small HTML helpers its sections share. Every
// string from a file goes through esc; chart elements carry data-* attributes with their exact
// values, so tests and readers can check them.
#include "reports/render/html_charts.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "common/stats.hpp"
#include "reports/render/report.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"
#include "reports/render/wording.hpp"

namespace capbench::html {

using std::string;

namespace {
const char* kPalette[] = {"#2457c5", "#e07b00", "#2a9d8f", "#8e44ad", "#c0392b", "#6d8a00", "#d35400", "#34495e"};
// Twelve colours a reader tells apart (Tableau 10 and two more); a collective chart has one
// per case, so no two of its lines share one below twelve cases, and in-place lines are dashed.
const char* kSeriesPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                                "#b07aa1", "#ff9da7", "#9c755f", "#1d2433", "#17becf", "#8c564b"};
}  // namespace

string esc(const string& s) { return html_escape(s); }
// How a criterion's worst measured value or threshold reads in a table.
string criterion_value(const CriterionResult& r, const std::optional<double>& v, bool measured) {
  if (measured && r.worst_missing) return "no verified figure";
  if (!v) return "—";
  if (r.kind == "telemetry") return percent(*v) + " throttled";
  if (r.kind == "verification") return fmt::format("{:g} problem{}", *v, *v == 1 ? "" : "s");
  return format_si(*v, r.unit);
}
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

namespace {
// Why a GPU has no bar: a wrong or missing answer, or a verified figure kept out because the
// rank shared its GPU.
string absent_figure_text(const GpuFigure& g) {
  return (g.on_shared_gpu ? "kept out (" : "no verified figure (") + g.problem + ")";
}
}  // namespace

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
      "data-precision=\"{}\" data-unit=\"{}\" aria-label=\"{} per {}\">",
      W, H, W, esc(f.benchmark), esc(f.precision), esc(f.unit), esc(family_title(f)), device_noun(a));
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
                                   g->value ? format_si(*g->value, f.unit) : absent_figure_text(*g));
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
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{} ({})</text>", (x0 + x1) / 2, H - 22,
                     esc(m.label.size() > 48 ? m.label.substr(0, 45) + "..." : m.label), device_count(a, m.devices, m.gpus));
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
      "data-precision=\"{}\" data-unit=\"{}\" data-gpus=\"{}\" aria-label=\"{} per {}, spread per model\">",
      W, H, W, esc(f.benchmark), esc(f.precision), esc(f.unit), f.gpus.size(), esc(family_title(f)), device_noun(a));
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
    int devices = static_cast<int>(gpus.size());
    for (const auto& m : f.models)
      if (m.model_key == model) {
        label = m.label;
        devices = m.devices;
      }
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
                                     g->value ? format_si(*g->value, f.unit) : absent_figure_text(*g));
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
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{} ({})</text>", xc, H - 22,
                     esc(label.size() > 48 ? label.substr(0, 45) + "..." : label),
                     device_count(a, devices, static_cast<std::int64_t>(gpus.size())));
  }
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#8a93a6\"/></svg>", L, W - R, T + ph, T + ph);
  s += fmt::format("<div class=\"legend\"><span>{}: too many for one bar each. Box: 5th to 95th percentile of "
                   "each model; whisker: slowest to fastest; dark line: median.</span><span style=\"color:#c62828\">"
                   "○ outlier, ✕ no verified figure, drawn one by one</span><span>every GPU: per_gpu.csv</span></div>",
                   device_count(a, f.devices, static_cast<std::int64_t>(f.gpus.size())));
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
    const char* col = kSeriesPalette[k % 12];
    const char* dash = c.in_place ? " stroke-dasharray=\"7 4\"" : "";
    const string label = collective_label(c);
    string pts;
    for (const auto& p : c.points) pts += fmt::format("{:.1f},{:.1f} ", X(p.size_bytes), Y(p.busbw_min));
    s += fmt::format("<g class=\"collective-series\" data-case=\"{}\" data-color=\"{}\"><polyline points=\"{}\" "
                     "fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                     esc(c.case_id), col, pts, col, dash);
    for (const auto& p : c.points) {
      // A job-wide figure has no single slowest rank: none is named.
      const bool rank_known = p.slowest_rank >= 0;
      s += fmt::format("<circle class=\"collective-point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" "
                       "data-size-bytes=\"{:.0f}\" data-busbw=\"{:.6g}\"{} data-basis=\"{}\"><title>{} at {}: {}{}"
                       "</title></circle>",
                       X(p.size_bytes), Y(p.busbw_min), col, p.size_bytes, p.busbw_min,
                       rank_known ? fmt::format(" data-slowest-rank=\"{}\"", p.slowest_rank) : string(),
                       c.job_wide ? "job" : "rank",
                       esc(label), format_bytes(p.size_bytes), format_si(p.busbw_min, "B/s"),
                       rank_known ? fmt::format(" (slowest rank {})", p.slowest_rank) : string(" (job-wide)"));
    }
    s += "</g>";
    legend += fmt::format("<span class=\"legend-item\" data-case=\"{}\"><svg class=\"swatch\" width=\"26\" "
                          "height=\"10\" viewBox=\"0 0 26 10\"><line x1=\"1\" x2=\"25\" y1=\"5\" y2=\"5\" "
                          "stroke=\"{}\" stroke-width=\"3\"{}/></svg>{}</span>",
                          esc(c.case_id), col, dash, esc(label));
    ++k;
  }
  return s + "</svg><div class=\"legend collective-legend\">" + legend + "</div>";
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
  if (t.measured) bars.push_back({"measured sustained, " + count_of(t.gpus_measured, "GPU"), "measured", *t.measured, "#2457c5"});
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


}  // namespace capbench::html
