// Results reader (results_from_json on parsed text), and the writer on what it accepted:
// a file the reader accepts must survive a write and a second read unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const capbench::json j = capbench::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    const capbench::ResultsFile r = capbench::results_from_json(j, "fuzz.json");
    const capbench::json again = capbench::results_to_json(r);
    const capbench::ResultsFile r2 = capbench::results_from_json(again, "fuzz-again.json");
    if (capbench::results_to_json(r2) != again) __builtin_trap();
  } catch (const capbench::ConfigError&) {
  }
  return 0;
}
