#pragma once
// Which devices a report can speak for: the models measured but not in the declared inventory,
// the inventory's models not measured (grouped by why), and the declared models measured in
// some precisions only. Each is named once, so a report never repeats "not measured, not
// projected" per model and precision.
#include <string>
#include <vector>

#include "reports/capacity/capacity.hpp"

namespace capbench {

struct CoverageGroup {
  std::string why;                  // "not a CUDA device, so capbench cannot measure it"
  std::vector<std::string> models;  // "880 NVIDIA H100 SXM5 80GB"
};

struct FleetCoverage {
  bool has_inventory = false;                       // a system description was given
  std::vector<std::string> measured_not_declared;   // "1 NVIDIA H200 SXM 141GB"
  std::vector<CoverageGroup> declared_not_measured;
  std::vector<std::string> measured_in_part;        // "384 NVIDIA T4: cannot run BF16 ..., so nothing is projected there"
  // One line per model of the run when models differ in what they ran: measured in, cannot run
  // (the model lacks the units), not measured (why). reports/capacity/model_precisions.hpp.
  std::vector<std::string> precisions_by_model;
};

FleetCoverage fleet_coverage(const Analysis& a);

// Models in the run whose GPUs the inventory does not declare (labels with counts).
std::vector<std::string> undeclared_models(const Analysis& a);

// Why a family's projection has no figure, or "" when it has one: "not projected: no GPU of
// this model in the inventory".
std::string not_projected_reason(const Analysis& a, const FamilyFigures& f);

}  // namespace capbench
