// JSON-with-comments parsing and the ConfigNode readers every loader is built from.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/config_node.hpp"

namespace {
void walk(const capbench::ConfigNode& n, int depth) {
  if (depth > 64) return;
  const auto& raw = n.raw();
  try {
    if (raw.is_object()) {
      for (const auto& k : n.keys()) walk(n.at(k), depth + 1);
      n.allow_only({"schema", "name"});
    } else if (raw.is_array()) {
      for (const auto& item : n.items()) walk(item, depth + 1);
      (void)n[n.size()];  // one past the end: must be a ConfigError
    } else {
      (void)n.as_string();
    }
  } catch (const capbench::ConfigError&) {
  }
  for (auto read : {+[](const capbench::ConfigNode& x) { (void)x.as_number(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_positive_number(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_non_negative_number(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_fraction(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_int(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_positive_int(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_non_negative_int(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_bool(); },
                    +[](const capbench::ConfigNode& x) { (void)x.as_enum({"a", "b"}); }}) {
    try {
      read(n);
    } catch (const capbench::ConfigError&) {
    }
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const capbench::json j = capbench::parse_jsonc(text, "fuzz.json");
    walk(capbench::ConfigNode(j, "fuzz.json"), 0);
  } catch (const capbench::ConfigError&) {
  }
  return 0;
}
