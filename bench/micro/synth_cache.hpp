#pragma once
// Synthetic results files for the micro-benchmarks, made once per rank count and kept.
#include <map>
#include <memory>
#include <string>

#include "common/results.hpp"
#include "common/suite.hpp"
#include "tests/tools/synth_results.hpp"

namespace capbench::micro {

// The acceptance suite when present, else the test stand-in.
inline const Suite& micro_suite() {
  static const Suite s = [] {
    const std::string root = CAPBENCH_SOURCE_DIR;
    try {
      return load_suite_file(root + "/configs/suites/acceptance.json");
    } catch (const std::exception&) {
      return load_suite_file(root + "/tests/data/synth_acceptance_suite.json");
    }
  }();
  return s;
}

struct SynthData {
  ResultsFile results;
  std::string text;  // as the runner writes it
};

inline const SynthData& synth_data(int ranks) {
  static std::map<int, std::unique_ptr<SynthData>> cache;
  auto& slot = cache[ranks];
  if (!slot) {
    slot = std::make_unique<SynthData>();
    SynthOptions o;
    o.ranks = ranks;
    slot->results = synthesize_results(micro_suite(), o);
    slot->text = dump_results_text(results_to_json(slot->results));
  }
  return *slot;
}

}  // namespace capbench::micro
