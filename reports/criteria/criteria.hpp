#pragma once
// Acceptance criteria (configs/criteria/*.json, schema capbench.criteria/1) and their
// evaluation against an Analysis. Every criterion ends PASS, FAIL or NOT_EVALUATED; a
// criterion that could not be checked is never a pass, and acceptance requires every one
// to PASS. Each failure names the host, rank, GPU bus id and serial.
#include <optional>
#include <string>
#include <vector>

#include "common/fabric.hpp"
#include "reports/capacity/capacity.hpp"
#include "reports/criteria/health_criteria.hpp"
#include "reports/system/storage_config.hpp"

namespace capbench {

struct PerGpuCriterion {
  std::string id, benchmark, precision;  // benchmark: gemm | stream
  std::vector<std::string> models;       // database keys; empty: every GPU
  std::optional<double> min_fraction_of_model_median, min_fraction_of_peak, min_value;
};

struct PerNodeCriterion {
  std::string id, benchmark, precision;
  double min_sum = 0;  // base units
};

struct CollectiveCriterion {
  std::string id, operation, dtype;  // dtype "" : any
  std::optional<bool> in_place;
  double min_size_bytes = 0, min_busbw = 0;  // B, B/s
};

struct SystemCriterion {
  std::string id, figure;  // measured | projected | n_times_slowest
  std::string precision;   // "" : the target's
  std::optional<double> min_value, min_fraction_of_target;
};

// Pairs of nodes of a fabric case (reports/render/fabric_report.cpp).
struct FabricCriterion {
  std::string id;
  FabricCriteria rule;
};

struct CriteriaConfig {
  std::string file, sha256, name, description;
  std::vector<PerGpuCriterion> per_gpu;
  std::vector<PerNodeCriterion> per_node;
  std::vector<CollectiveCriterion> collectives;
  std::vector<SystemCriterion> system;
  bool verification_all_passed = false;
  std::optional<double> max_throttled_fraction;
  std::optional<HealthCriterion> health;  // reports/criteria/health_criteria.hpp
  std::vector<StorageCriterion> storage;  // reports/render/storage_report.cpp evaluates them
  std::vector<FabricCriterion> fabric;
};

CriteriaConfig load_criteria(const std::string& path);

struct CriterionFailure {
  int rank = -1;  // -1: not one GPU (a node, a collective size, the system)
  std::string host, bus_id, serial, what;
  std::optional<double> measured;
  double threshold = 0;
};

struct CriterionResult {
  std::string id, kind, description;
  std::string status;  // PASS | FAIL | NOT_EVALUATED
  std::string unit;    // of measured and threshold
  std::optional<double> measured;   // the worst case checked
  std::optional<double> threshold;  // the threshold that worst case was held to
  std::optional<double> margin;     // (measured - threshold) / threshold
  bool worst_missing = false;       // the worst case had no verified figure at all
  int checked = 0;
  std::vector<CriterionFailure> failures;
  std::string note;
  // For charts: per-GPU thresholds drawn on the GEMM/STREAM plots.
  std::string benchmark, precision;
  std::vector<std::pair<std::string, double>> model_thresholds;  // model key -> threshold
};

struct Verdict {
  std::vector<CriterionResult> results;
  int passed = 0, failed = 0, not_evaluated = 0;
  bool accepted() const { return !results.empty() && failed == 0 && not_evaluated == 0; }
};

Verdict evaluate_criteria(const CriteriaConfig& c, const Analysis& a);

}  // namespace capbench
