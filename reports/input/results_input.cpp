#include "reports/input/results_input.hpp"

#include <future>
#include <memory>
#include <vector>

#include "common/sha256.hpp"

namespace capbench {

namespace {
// Reachable until exit on purpose (see the header); never freed.
std::vector<std::unique_ptr<ReportResults>>& kept_results() {
  static auto* kept = new std::vector<std::unique_ptr<ReportResults>>();
  return *kept;
}
}  // namespace

ResultsInput load_results_input(const std::string& path, bool with_sha256) {
  std::future<std::string> sha;
  if (with_sha256) sha = std::async(std::launch::async, [path] { return sha256_file_hex(path); });
  auto results = std::make_unique<ReportResults>(read_report_results(path));
  std::string digest = with_sha256 ? sha.get() : std::string();
  kept_results().push_back(std::move(results));
  return {*kept_results().back(), std::move(digest)};
}

}  // namespace capbench
