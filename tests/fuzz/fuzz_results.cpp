// Results reader, both ways in: read_results_file (the streaming reader every report uses)
// and results_from_json on parsed text. What they accept must survive a write and a second
// read unchanged, and the two must agree.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/results.hpp"
#include "tests/fuzz/fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using capbench::json;
  const std::string text(reinterpret_cast<const char*>(data), size);
  json from_file;
  bool file_ok = false;
  try {
    from_file = capbench::results_to_json(capbench::read_results_file(fuzz_input_file(data, size)));
    file_ok = true;
  } catch (const capbench::ConfigError&) {
  }
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    const capbench::ResultsFile r = capbench::results_from_json(j, "fuzz.json");
    const json again = capbench::results_to_json(r);
    const capbench::ResultsFile r2 = capbench::results_from_json(again, "fuzz-again.json");
    if (capbench::results_to_json(r2) != again) __builtin_trap();
    if (file_ok && from_file != again) __builtin_trap();  // the two readers disagree
  } catch (const capbench::ConfigError&) {
  }
  return 0;
}
