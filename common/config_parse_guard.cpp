#include "common/config_parse_guard.hpp"

#include <fmt/format.h>

#include "common/config_node.hpp"
#include "common/utf8.hpp"

namespace capbench {

using nlohmann::json;

ConfigParseGuard::ConfigParseGuard(std::string file, int max_depth, std::size_t max_elements, std::string kind)
    : file_(std::move(file)), kind_(std::move(kind)), max_depth_(max_depth), max_elements_(max_elements) {}

std::string ConfigParseGuard::path() const {
  std::string p;
  for (const auto& l : levels_) {
    if (l.array) {
      p += fmt::format("[{}]", l.children);
    }
    else {
      if (!p.empty()) p.push_back('.');
      p.append(escape_invalid_utf8(l.key));
    }
  }
  return p;
}

void ConfigParseGuard::count_value() {
  if (++elements_ > max_elements_)
    throw ConfigError(file_, path(),
                      fmt::format("more than {} values in the file, the limit for {} (docs/reliability.md)",
                                  max_elements_, kind_));
}

void ConfigParseGuard::child_done() {
  if (!levels_.empty() && levels_.back().array) ++levels_.back().children;
}

bool ConfigParseGuard::operator()(int, json::parse_event_t event, json& parsed) {
  switch (event) {
    case json::parse_event_t::object_start:
    case json::parse_event_t::array_start:
      count_value();
      if (static_cast<int>(levels_.size()) >= max_depth_)
        throw ConfigError(file_, path(),
                          fmt::format("objects and arrays nested more than {} deep, the limit for {} "
                                      "(docs/reliability.md)",
                                      max_depth_, kind_));
      levels_.push_back(Level{event == json::parse_event_t::array_start, 0, {}, {}});
      break;
    case json::parse_event_t::key: {
      Level& top = levels_.back();
      top.key = parsed.get<std::string>();
      if (!top.keys.insert(top.key).second)
        throw ConfigError(file_, path(), "the key appears twice in the same object (which one is meant?)");
      break;
    }
    case json::parse_event_t::value:
      count_value();
      child_done();
      break;
    case json::parse_event_t::object_end:
    case json::parse_event_t::array_end:
      if (!levels_.empty()) levels_.pop_back();
      child_done();
      break;
  }
  return true;
}

}  // namespace capbench
