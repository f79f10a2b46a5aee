// Results readers, every way in: read_results_file (the fast reader every report uses, here
// with small batches so that records cross batch and thread boundaries), the reference
// reader it falls back to, and results_from_json on parsed text. The fast and reference
// readers must agree exactly (equal results, or the same error); what they accept must
// survive a write and a second read unchanged, and agree with results_from_json.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/results.hpp"
#include "common/results_reader.hpp"
#include "tests/fuzz/fuzz_file.hpp"

namespace {

struct Outcome {
  std::optional<capbench::json> results;
  std::string error;  // file, key path and problem, as ConfigError::what() names them
};

template <class Read>
Outcome outcome_of(Read read) {
  Outcome o;
  try {
    o.results = capbench::results_to_json(read());
  } catch (const capbench::ConfigError& e) {
    o.error = e.what();
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using capbench::json;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string path = fuzz_input_file(data, size);
  const Outcome reference = outcome_of([&] { return capbench::read_results_file_reference(path); });
  const Outcome fast = outcome_of([&] { return capbench::read_results_file_fast(path, nullptr, 2, 256); });
  if (fast.results.has_value() != reference.results.has_value()) __builtin_trap();
  if (fast.results && *fast.results != *reference.results) __builtin_trap();
  if (fast.error != reference.error) __builtin_trap();

  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    const capbench::ResultsFile r = capbench::results_from_json(j, "fuzz.json");
    const json again = capbench::results_to_json(r);
    const capbench::ResultsFile r2 = capbench::results_from_json(again, "fuzz-again.json");
    if (capbench::results_to_json(r2) != again) __builtin_trap();
    if (fast.results && *fast.results != again) __builtin_trap();  // the file and document readers disagree
  } catch (const capbench::ConfigError&) {
  }
  return 0;
}
