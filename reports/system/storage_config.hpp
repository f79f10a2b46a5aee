#pragma once
// Storage in the configuration files capreport reads: the system description's declared
// storage (name, path, capacity with its unit and basis, usable or raw) and the criteria
// file's storage thresholds (aggregate bandwidth per phase, metadata rate, usable capacity).
#include <string>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

struct StorageDeclared {
  std::string name, path;
  double value = 0;         // as written, in `unit`
  std::string unit;         // e.g. "PB"
  double value_bytes = 0;   // in bytes
  std::string basis;        // "usable" | "raw": raw capacity is never usable capacity
  bool basis_assumed = false;  // the basis is an assumption (no source states it)
  std::string source, note;
};

// The system file's "storage": [ {name, path, capacity: {value, unit}, basis, basis_assumed, source, note} ].
std::vector<StorageDeclared> read_storage_declared(const ConfigNode& array);

struct StorageCriterion {
  std::string id;
  std::string kind;   // bandwidth | metadata | capacity
  std::string phase;  // a storage case id without its prefix, e.g. "easy_write", "md_create/private"
  double min = 0;     // B/s, OP/s or B
};

// The criteria file's "storage": [ {id, phase, min_bandwidth} | {id, phase, min_rate} |
// {id, min_usable_capacity} ].
std::vector<StorageCriterion> read_storage_criteria(const ConfigNode& array);

}  // namespace capbench
