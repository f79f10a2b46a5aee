#pragma once
// Energy efficiency in the report: GFLOPS/W (GEMM) and GB/s per W (STREAM) per model and
// precision, from each GPU's board energy over its timed windows (rank telemetry.energy).
// A section of its own, never a column beside measured throughput; no figure where energy
// was not measured.
#include <string>
#include <vector>

#include "common/results.hpp"
#include "reports/input/report_results.hpp"

namespace capbench {

inline constexpr const char* kEnergyLabel = "GPU board only: excludes CPUs, memory, network, cooling";

struct EfficiencyRow {
  std::string model, benchmark, precision;
  std::string unit;  // "GFLOPS/W", "GOPS/W" or "GB/s per W" (1e9 work per joule)
  int gpus = 0;
  double median = 0, min = 0, max = 0;
  double median_window_s = 0;  // timed window per GPU per case, summed over its windows
};

// Verified rank results only (status ok, verification not failed), with a work-per-joule figure.
std::vector<EfficiencyRow> energy_efficiency(const ReportResults& rf);

// The section's body (its heading, with the label, is the ReportSection's title:
// energy_efficiency_section() in reports/render/report_section.hpp).
std::string energy_section_markdown(const ReportResults& rf);
std::string energy_section_html(const ReportResults& rf);

}  // namespace capbench
