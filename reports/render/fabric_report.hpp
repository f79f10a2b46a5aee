#pragma once
// The fabric case in reports: its criteria (min pair bandwidth, max latency), the node x node
// heat map (inline SVG), the flagged pairs and the node they share. Self-contained: the
// renderers call one function each.
#include <string>
#include <vector>

#include "reports/render/report.hpp"

namespace capbench {

// criteria "fabric": [{"id", "min_bandwidth": quantity in B/s, "min_fraction_of_median": f,
//                      "max_latency": quantity in s (e.g. {"value": 20e-6, "unit": "s"})}]
std::vector<FabricCriterion> read_fabric_criteria(const ConfigNode& list);
CriterionResult evaluate_fabric_criterion(const FabricCriterion& c, const Analysis& a);

// The fabric sections of report.html and report.md; empty when the run has no fabric case.
std::string render_fabric_html(const ReportInputs& in);
std::string render_fabric_markdown(const ReportInputs& in);

// The heat map of one node x node matrix (values in `unit`, NaN where not measured), cells
// coloured by their fraction of the median pair, flagged cells outlined. Up to 64 nodes one cell
// per pair with host names; above that one cell per node (its worst pair), so it stays readable.
std::string fabric_heatmap_svg(const std::vector<std::vector<double>>& values, const std::vector<std::string>& hosts,
                               const std::vector<std::pair<int, int>>& flagged, const std::string& unit);

}  // namespace capbench
