// Suite loader (parse_suite: JSON with comments, then strict validation and case expansion).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/suite.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const capbench::Suite s = capbench::parse_suite(text, "fuzz.json");
    // A plan that loads must be usable: every case has an id and a positive timeout.
    for (const auto& c : s.plan)
      if (c.id.empty() || !(c.timeout_s > 0) || c.iterations <= 0) __builtin_trap();
  } catch (const capbench::ConfigError&) {
  }
  return 0;
}
