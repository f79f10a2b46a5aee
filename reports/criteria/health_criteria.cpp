#include "reports/criteria/health_criteria.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/criteria/criteria.hpp"

namespace capbench {

HealthCriterion health_criterion_from(const ConfigNode& n) {
  n.allow_only({"require"});
  HealthCriterion c;
  const auto r = n.at("require");
  if (r.raw().is_string()) {
    if (r.as_string() != "all") r.fail("\"all\" or a list of check names");
    c.all = true;
  } else {
    for (const auto& k : r.items()) c.checks.push_back(k.as_string());
    if (c.checks.empty()) r.fail("\"all\" or a non-empty list of check names");
  }
  return c;
}

namespace {

// "GPU 1 (0000:3b:00.0)" -> "0000:3b:00.0"
std::string bus_id_of(const std::string& gpu) {
  const auto a = gpu.find('('), b = gpu.rfind(')');
  return a != std::string::npos && b != std::string::npos && b > a ? gpu.substr(a + 1, b - a - 1) : std::string();
}

}  // namespace

CriterionResult evaluate_health(const HealthCriterion& c, const ReportResults& rf) {
  CriterionResult r;
  r.id = "health";
  r.kind = "health";
  r.unit = "1";
  r.description = c.all ? "every health check passed on every node and GPU"
                        : fmt::format("health checks {} passed on every node and GPU", fmt::join(c.checks, ", "));
  if (!rf.health) {
    r.status = "NOT_EVALUATED";
    r.note = "the results carry no health stage (run with a capbench that records one)";
    return r;
  }
  auto required = [&](const std::string& check) {
    return c.all || std::find(c.checks.begin(), c.checks.end(), check) != c.checks.end();
  };
  int unknown = 0;
  for (const auto& k : rf.health->checks) {
    if (!required(k.check)) continue;
    ++r.checked;
    if (k.status == "pass") continue;
    if (k.status == "unknown") ++unknown;
    CriterionFailure f;
    f.host = k.host;
    f.bus_id = bus_id_of(k.gpu);
    f.what = fmt::format("{}{}: {} {} (expected {})", k.check, k.gpu.empty() ? "" : " on " + k.gpu,
                         k.status == "fail" ? "FAILED," : "could not be checked:", k.value, k.expected);
    r.failures.push_back(std::move(f));
  }
  std::vector<std::string> absent;
  for (const auto& want : c.checks)
    if (std::none_of(rf.health->checks.begin(), rf.health->checks.end(),
                     [&](const HealthCheck& k) { return k.check == want; }))
      absent.push_back(want);
  const int failed = int(r.failures.size()) - unknown;
  r.measured = double(failed);
  r.threshold = 0;
  if (failed > 0) {
    r.status = "FAIL";
  } else if (unknown > 0 || !absent.empty() || r.checked == 0) {
    r.status = "NOT_EVALUATED";
  } else {
    r.status = "PASS";
  }
  r.note = fmt::format("{} checks, {} failed, {} could not be checked", r.checked, failed, unknown);
  if (!absent.empty()) r.note += fmt::format("; not in the results: {}", fmt::join(absent, ", "));
  if (rf.health->stopped) r.note += "; the gate stopped the run before measuring";
  return r;
}

}  // namespace capbench
