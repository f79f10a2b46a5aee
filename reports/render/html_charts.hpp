#pragma once
// HTML pieces shared by report.html and its sections (reports/render/report_section.hpp): escaping,
// value cells, badges and the inline SVG charts.
#include <optional>
#include <string>
#include <vector>

#include "reports/capacity/capacity.hpp"
#include "reports/criteria/criteria.hpp"

namespace capbench::html {

std::string esc(const std::string& s);
std::string si(const std::optional<double>& v, const std::string& unit);  // "—" when empty
std::string pc(const std::optional<double>& v);                           // "—" when empty
std::string badge(const std::string& status);
std::string gpu_ref(const GpuIdentity& g);
// A criterion's worst measured value or threshold as a table reads it.
std::string criterion_value(const CriterionResult& r, const std::optional<double>& v, bool measured);

// Per-device bars of one family grouped by model (a spread per model above 512 devices), with
// each model's median and the given per-device criteria's thresholds.
std::string gpu_chart(const FamilyFigures& f, const Analysis& a, const std::vector<const CriterionResult*>& crits);
// Bus bandwidth per message size, one distinctly coloured and dashed line per case, legend below.
std::string collective_chart(const std::vector<CollectiveSeries>& series);
// The target and the figures it is compared with, in the target's precision.
std::string target_chart(const Analysis& a);

}  // namespace capbench::html
