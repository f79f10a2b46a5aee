#pragma once
// `capreport compare A B`: two results files side by side, per case and metric (capbench) or
// per benchmark (Google Benchmark JSON), with the ratio of medians and a two-sided
// Mann-Whitney U p-value on the samples.
#include <string>
#include <vector>

namespace capbench {

struct CompareRow {
  std::string name;  // "case metric {labels}" or a benchmark's name
  std::string unit;
  bool higher_better = true;
  double median_a = 0, median_b = 0;
  double ratio = 0;  // median_b / median_a (0 when median_a is 0)
  double p = 1;      // two-sided
  std::size_t n_a = 0, n_b = 0;
  std::string verdict;  // "B faster", "B slower", "same", "no samples", "no samples (stats only: ...)"
};

struct CompareReport {
  std::string kind;  // "capbench" or "google-benchmark"
  std::vector<CompareRow> rows;
  std::vector<std::string> only_a, only_b;
};

// Throws ConfigError (file, key, expectation) for unreadable or mismatched input.
CompareReport compare_files(const std::string& path_a, const std::string& path_b, double alpha, double min_effect);
std::string render_compare_table(const CompareReport& report, const std::string& path_a, const std::string& path_b);

}  // namespace capbench
