#include "bench/runner/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "common/plan_estimate.hpp"
#include "common/stats.hpp"

namespace capbench {

Progress::Progress(int total, std::FILE* out) : total_(total), out_(out), t0_(std::chrono::steady_clock::now()) {
  if (const char* v = std::getenv(kProgressIntervalVariable)) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end != v && *end == '\0' && s > 0 && s < 1e6) tick_s_ = s;
  }
}

Progress::~Progress() { stop_ticker(); }

void Progress::set_expected(std::vector<double> expected_s) {
  expected_ = std::move(expected_s);
  nominal_ = expected_;
  measured_.assign(expected_.size(), false);
}

void Progress::set_plan(std::vector<PlannedCase> plan) { plan_ = std::move(plan); }

void Progress::warmup_begin() {
  std::lock_guard<std::mutex> lock(mu_);
  if (warmup_seen_) return;
  warmup_seen_ = true;
  warmup_t0_ = std::chrono::steady_clock::now();
}

void Progress::warmup_end(int passes) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto n = static_cast<int>(plan_.size());
  if (!warmup_seen_ || passes <= 0 || current_ < 0 || current_ >= n || expected_.size() != plan_.size() ||
      measured_[static_cast<std::size_t>(current_)])
    return;
  const auto t = std::chrono::steady_clock::now();
  const double warm_s = std::chrono::duration<double>(t - warmup_t0_).count();
  const double setup_s = std::chrono::duration<double>(warmup_t0_ - case_t0_).count();
  const double per_pass = warm_s / passes;
  const std::string family = estimate_family(plan_[static_cast<std::size_t>(current_)]);
  for (int j = current_; j < n; ++j) {
    const auto u = static_cast<std::size_t>(j);
    if (j != current_ && (measured_[u] || estimate_family(plan_[u]) != family)) continue;
    expected_[u] = estimate_from_warmup(plan_[u], setup_s, per_pass);
    measured_[u] = true;
  }
  const double in_case = std::chrono::duration<double>(t - case_t0_).count();
  const double this_case = expected_[static_cast<std::size_t>(current_)];
  fmt::print(out_,
             "[{:>3}/{}] {:<44} warm-up {} passes in {:.2f} s ({:.3g} s/pass) after {:.2f} s of setup: case ~{}, "
             "left ~{}\n",
             current_ + 1, total_, plan_[static_cast<std::size_t>(current_)].id, passes, warm_s, per_pass, setup_s,
             format_duration(this_case),
             format_duration(std::max(0.0, this_case - in_case) + time_left(current_ + 1)));
  std::fflush(out_);
}

double Progress::expected_of(int index) const {
  const auto u = static_cast<std::size_t>(index);
  if (measured_[u]) return expected_[u];
  // Scale by how the finished cases compared with their estimate (a faster or slower machine).
  const double scale = finished_ > 0 && finished_expected_ > 0 ? finished_actual_ / finished_expected_ : 1.0;
  return expected_[u] * scale;
}

std::string Progress::format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  const auto total = static_cast<long long>(std::llround(s));
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
  return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

double Progress::time_left(int next_index) const {
  if (expected_.size() != static_cast<std::size_t>(total_)) {
    // Without a plan estimate: the mean time of the cases done so far; unknown before the first.
    return next_index > 0 ? elapsed() / next_index * (total_ - next_index) : NAN;
  }
  double left = 0;
  for (int i = std::max(0, next_index); i < total_; ++i) left += expected_of(i);
  return left;
}

void Progress::start_case(int index, const std::string& id) {
  stop_ticker();
  const double e = elapsed();
  fmt::print(out_, "[{:>3}/{}] {:<44} elapsed {}  left ~{}\n", index + 1, total_, id, format_duration(e),
             format_duration(time_left(index)));
  std::fflush(out_);
  std::lock_guard<std::mutex> lock(mu_);
  current_ = index;
  warmup_seen_ = false;
  case_t0_ = std::chrono::steady_clock::now();
  case_running_ = true;
  ticker_ = std::thread([this, index, id] {
    std::unique_lock<std::mutex> lk(mu_);
    while (!cv_.wait_for(lk, std::chrono::duration<double>(tick_s_), [this] { return !case_running_; })) {
      const double in_case = std::chrono::duration<double>(std::chrono::steady_clock::now() - case_t0_).count();
      const bool known = index >= 0 && static_cast<std::size_t>(index) < expected_.size() &&
                         expected_.size() == static_cast<std::size_t>(total_);
      const double expected = known ? expected_of(index) : NAN;
      fmt::print(out_, "[{:>3}/{}] {:<44} running {}{}\n", index + 1, total_, id, format_duration(in_case),
                 known ? fmt::format(" of ~{} expected, left ~{}", format_duration(expected),
                                     format_duration(std::max(0.0, expected - in_case) + time_left(index + 1)))
                       : "");
      std::fflush(out_);
    }
  });
}

void Progress::stop_ticker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    case_running_ = false;
    current_ = -1;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void Progress::end_case(int index, const std::string& id, const std::string& status, double wall_s) {
  stop_ticker();
  if (index >= 0 && static_cast<std::size_t>(index) < expected_.size()) {
    finished_expected_ += nominal_[static_cast<std::size_t>(index)];
    finished_actual_ += wall_s;
  }
  ++finished_;
  fmt::print(out_, "[{:>3}/{}] {:<44} {} in {:.2f} s\n", index + 1, total_, id, status, wall_s);
  std::fflush(out_);
}

void Progress::end_case(const CaseResult& cr, const std::string& status) {
  stop_ticker();
  // A skipped case took no time whatever its estimate: it says nothing about this machine's speed.
  if (status != "skipped" && cr.index >= 0 && static_cast<std::size_t>(cr.index) < expected_.size()) {
    finished_expected_ += nominal_[static_cast<std::size_t>(cr.index)];
    finished_actual_ += cr.wall_s;
  }
  ++finished_;
  const std::string detail = status == "passed" ? headline_figure(cr) : case_reason(cr);
  fmt::print(out_, "[{:>3}/{}] {:<44} {} in {:.2f} s{}{}\n", cr.index + 1, total_, cr.id, status, cr.wall_s,
             detail.empty() ? "" : status == "passed" ? "  " : ": ", detail);
  std::fflush(out_);
}

namespace {

std::string si(double v, const std::string& unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  while (std::fabs(v) >= 1000 && i < 6) {
    v /= 1000;
    ++i;
  }
  if (unit == "s") return fmt::format("{:.3g} s", v * std::pow(1000.0, i));
  return fmt::format("{:.3g} {}{}", v, prefixes[i], unit);
}

// The metric names a person looks for first, best first.
int preference(const std::string& name) {
  static const std::vector<std::string> order{"throughput", "triad_bandwidth", "busbw", "bandwidth"};
  const auto it = std::find(order.begin(), order.end(), name);
  return it == order.end() ? static_cast<int>(order.size()) : static_cast<int>(it - order.begin());
}

const Metric* pick(const std::vector<Metric>& metrics) {
  const Metric* best = nullptr;
  for (const auto& m : metrics) {
    if (!best || preference(m.name) < preference(best->name) ||
        (m.name == best->name && m.stats.median > best->stats.median))
      best = &m;
  }
  return best;
}

std::string labels_text(const json& labels) {
  if (!labels.is_object() || labels.empty()) return "";
  if (labels.contains("size_bytes") && labels["size_bytes"].is_number())
    return " at " + si(labels["size_bytes"].get<double>(), "B");
  return "";
}

}  // namespace

std::string headline_figure(const CaseResult& cr) {
  if (const Metric* m = pick(cr.metrics)) {
    return fmt::format("{} {}{} (job-wide)", m->name, si(m->stats.median, m->unit), labels_text(m->labels));
  }
  // Per rank: the same metric (name and labels) on every rank that has it.
  const Metric* first = nullptr;
  for (const auto& r : cr.ranks)
    if (r.status == "ok")
      if (const Metric* m = pick(r.metrics); m && (!first || preference(m->name) < preference(first->name))) first = m;
  if (!first) return "";
  std::vector<double> values;
  for (const auto& r : cr.ranks)
    for (const auto& m : r.metrics)
      if (m.name == first->name && m.labels == first->labels) values.push_back(m.stats.median);
  if (values.empty()) return "";
  const double slowest = *std::min_element(values.begin(), values.end());
  const std::string unit = first->unit;
  if (values.size() == 1) return fmt::format("{} {}{}", first->name, si(values[0], unit), labels_text(first->labels));
  return fmt::format("{} {}{} (median of {} ranks, slowest {})", first->name, si(median(values), unit),
                     labels_text(first->labels), values.size(), si(slowest, unit));
}

std::string case_reason(const CaseResult& cr) {
  for (const auto& r : cr.ranks)
    if (r.status != "ok" && !r.error.empty())
      return cr.ranks.size() > 1 ? fmt::format("rank {}: {}", r.rank, r.error) : r.error;
  for (const auto& r : cr.ranks)
    if (r.verification.status == "failed") return fmt::format("rank {}: verification failed: {}", r.rank, r.verification.detail);
  return "";
}

}  // namespace capbench
