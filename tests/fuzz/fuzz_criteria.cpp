// Acceptance criteria loader (reports/criteria: thresholds with units per figure).
#include "reports/criteria/criteria.hpp"
#include "tests/fuzz/fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)capbench::load_criteria(fuzz_input_file(data, size));
  } catch (const capbench::ConfigError&) {
  }
  return 0;
}
