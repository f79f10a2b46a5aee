#pragma once
// The storage section of a report, from a results file's storage cases: per phase the
// aggregate and per-node bandwidth or metadata rate, the capacity each path reports beside
// the capacity the system description declares (raw is never called usable), an
// IO500-style score (labelled as such: not an IO500 submission), and the storage criteria.
#include <optional>
#include <string>
#include <vector>

#include "reports/capacity/capacity.hpp"
#include "reports/criteria/criteria.hpp"

namespace capbench {

struct StoragePhaseFigure {
  std::string case_id, group, phase;  // phase: "easy_write", "md_stat/shared", ...
  std::string status, unit;           // unit: B/s or OP/s
  std::optional<double> aggregate;    // median over repetitions of the job's figure
  std::optional<double> per_node;     // aggregate / nodes
  std::optional<double> rank_min, rank_median;
  std::optional<double> stonewall;    // aggregate bandwidth up to the stonewall
  std::string note;                   // cache warning, withheld figures, the first error
  json params;
};

struct StorageCapacityObserved {
  std::string group, path, fs_type, host;
  double total_bytes = 0, available_bytes = 0, free_bytes = 0;
  double total_inodes = 0, free_inodes = 0;
};

struct StorageFigures {
  std::vector<StoragePhaseFigure> phases;
  std::vector<StorageCapacityObserved> capacity;
  int nodes = 1;
  std::optional<double> io500_bw_gib_s, io500_md_kiops, io500_score;
  std::string io500_basis;  // which phases went in, or why there is no score
};

StorageFigures analyze_storage(const ReportResults& rf);
bool has_storage(const ReportResults& rf);

// Empty strings when the run has no storage case.
std::string render_storage_markdown(const Analysis& a);
std::string render_storage_html(const Analysis& a);
// A sentence for the capacity statement, storage kept apart from compute ("" without storage).
std::string storage_statement(const Analysis& a);

void evaluate_storage_criteria(const std::vector<StorageCriterion>& criteria, const Analysis& a, Verdict* v);

}  // namespace capbench
