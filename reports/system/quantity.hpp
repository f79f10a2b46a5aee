#pragma once
// Quantities with explicit units in configuration files: {"value": 50, "unit": "TFLOP/s"}.
// A threshold is converted to SI base units on reading, and its unit must be of the kind the
// check compares (a bandwidth threshold given in FLOP/s is an error, never a silent pass).
#include <string>
#include <string_view>

#include "common/config_node.hpp"

namespace capbench {

// Base units capbench compares in: "FLOP/s", "OP/s", "B/s", "B".
// Accepted spellings: an SI prefix (k M G T P E) or, for bytes, a binary one (Ki Mi Gi Ti)
// before the base unit, e.g. "PFLOP/s", "TOP/s", "GB/s", "GiB/s", "MiB".
// Returns the factor to base units, or 0 when `unit` is not `base_unit` with a known prefix.
double unit_factor(std::string_view unit, std::string_view base_unit);

// Reads {"value": number >= 0, "unit": string} and returns the value in `base_unit`.
// Fails naming the file, key and the accepted units when the unit is of another kind.
double read_quantity(const ConfigNode& node, std::string_view base_unit);

// The base unit of a GEMM precision's throughput: "OP/s" for integer precisions, else "FLOP/s".
std::string throughput_unit(std::string_view precision_key);

}  // namespace capbench
