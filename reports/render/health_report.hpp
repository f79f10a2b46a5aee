#pragma once
// The health stage in the report: how many checks passed, and every failed or unknown check
// with its host, GPU, value and expectation.
#include <string>

#include "common/results.hpp"
#include "reports/input/report_results.hpp"

namespace capbench {

// The section's body, without its heading (health_report_section() in report_section.hpp).
std::string health_section_markdown(const ReportResults& rf);
std::string health_section_html(const ReportResults& rf);

}  // namespace capbench
