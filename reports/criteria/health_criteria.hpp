#pragma once
// The health criterion (criteria file key "health"): every required check of the results'
// health stage passed on every node and GPU. A check the results do not carry, or carry as
// unknown, leaves the criterion NOT_EVALUATED, never PASS.
#include <string>
#include <vector>

#include "common/config_node.hpp"
#include "common/results.hpp"
#include "reports/input/report_results.hpp"

namespace capbench {

struct CriterionResult;

struct HealthCriterion {
  bool all = false;                 // "require": "all"
  std::vector<std::string> checks;  // "require": ["pcie_link", ...]
};

// {"require": "all"} or {"require": ["cpu_cores", "memory", ...]}.
HealthCriterion health_criterion_from(const ConfigNode& n);
CriterionResult evaluate_health(const HealthCriterion& c, const ReportResults& rf);

}  // namespace capbench
