#include "reports/system/quantity.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "common/precision.hpp"

namespace capbench {

namespace {
constexpr std::array<std::pair<std::string_view, double>, 11> kPrefixes{{{"", 1.0},
                                                                       {"k", 1e3},
                                                                       {"M", 1e6},
                                                                       {"G", 1e9},
                                                                       {"T", 1e12},
                                                                       {"P", 1e15},
                                                                       {"E", 1e18},
                                                                       {"Ki", 1024.0},
                                                                       {"Mi", 1048576.0},
                                                                       {"Gi", 1073741824.0},
                                                                       {"Ti", 1099511627776.0}}};
}  // namespace

double unit_factor(std::string_view unit, std::string_view base_unit) {
  if (unit.size() < base_unit.size() || unit.substr(unit.size() - base_unit.size()) != base_unit) return 0;
  const auto prefix = unit.substr(0, unit.size() - base_unit.size());
  const bool bytes = base_unit == "B" || base_unit == "B/s";
  for (const auto& [p, f] : kPrefixes) {
    if (p != prefix) continue;
    if (p.size() == 2 && !bytes) return 0;  // binary prefixes only make sense for bytes
    return f;
  }
  return 0;
}

double read_quantity(const ConfigNode& node, std::string_view base_unit) {
  node.allow_only({"value", "unit"});
  const double value = node.at("value").as_non_negative_number();
  const auto unit_node = node.at("unit");
  const std::string unit = unit_node.as_string();
  const double f = unit_factor(unit, base_unit);
  if (f == 0) {
    const bool bytes = base_unit == "B" || base_unit == "B/s";
    unit_node.fail(fmt::format("a unit of {} here, such as \"{}\", \"G{}\", \"T{}\"{}", base_unit, base_unit,
                               base_unit, base_unit, bytes ? fmt::format(" or \"Gi{}\"", base_unit) : ""));
  }
  return value * f;
}

std::string throughput_unit(std::string_view precision_key) {
  const auto p = precision_from_key(precision_key);
  return p && precision_info(*p).integer ? "OP/s" : "FLOP/s";
}

}  // namespace capbench
