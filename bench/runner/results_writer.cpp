#include "bench/runner/results_writer.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace capbench {

ResultsWriter::ResultsWriter(std::string path, ResultsFile initial)
    : path_(std::move(path)), results_(std::move(initial)) {
  write();
}

void ResultsWriter::add_case(CaseResult c) {
  std::lock_guard<std::mutex> lock(mu_);
  c.status = derive_case_status(c.ranks);
  results_.cases.push_back(std::move(c));
  write_locked();
}

void ResultsWriter::finish(const std::string& status, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  results_.run.status = status;
  results_.run.status_reason = reason;
  results_.run.finished_at = utc_now_iso8601();
  write_locked();
}

bool ResultsWriter::mark_incomplete_if_running(const std::string& reason, const CaseResult* in_progress) {
  std::lock_guard<std::mutex> lock(mu_);
  if (results_.run.status != "running") return false;
  if (in_progress) {
    CaseResult c = *in_progress;
    c.status = derive_case_status(c.ranks);
    results_.cases.push_back(std::move(c));
  }
  results_.run.status = "incomplete";
  results_.run.status_reason = reason;
  results_.run.finished_at = utc_now_iso8601();
  write_locked();
  return true;
}

void ResultsWriter::hold_for_exit() { mu_.lock(); }

void ResultsWriter::write() {
  std::lock_guard<std::mutex> lock(mu_);
  write_locked();
}

// One rank result at a time: the document of the whole run (about ten times the text) never exists.
void ResultsWriter::write_locked() { write_results_file_atomic(path_, results_); }

}  // namespace capbench
