#include "common/health_record.hpp"

namespace capbench {

int HealthRecord::failed() const {
  int n = 0;
  for (const auto& c : checks) n += c.status == "fail";
  return n;
}

int HealthRecord::unknown() const {
  int n = 0;
  for (const auto& c : checks) n += c.status == "unknown";
  return n;
}

json health_to_json(const HealthRecord& h) {
  json checks = json::array();
  for (const auto& c : h.checks)
    checks.push_back({{"check", c.check}, {"host", c.host}, {"gpu", c.gpu}, {"status", c.status}, {"value", c.value},
                      {"expected", c.expected}});
  return {{"collected_at", h.collected_at}, {"gate", h.gate}, {"stopped", h.stopped}, {"nodes", h.nodes},
          {"checks", std::move(checks)}};
}

HealthRecord health_from(const ConfigNode& n) {
  n.allow_only({"collected_at", "gate", "stopped", "nodes", "checks"});
  HealthRecord h;
  if (auto t = n.find("collected_at")) h.collected_at = t->as_string();
  h.gate = n.at("gate").as_enum({"record", "stop"});
  h.stopped = n.at("stopped").as_bool();
  const auto nodes = n.at("nodes");
  nodes.expect_array();
  h.nodes = nodes.raw();
  for (const auto& c : n.at("checks").items()) {
    c.allow_only({"check", "host", "gpu", "status", "value", "expected"});
    HealthCheck k;
    k.check = c.at("check").as_string();
    k.host = c.at("host").as_string();
    if (auto g = c.find("gpu")) k.gpu = g->as_string();
    k.status = c.at("status").as_enum({"pass", "fail", "unknown"});
    if (auto v = c.find("value")) k.value = v->as_string();
    if (auto e = c.find("expected")) k.expected = e->as_string();
    h.checks.push_back(std::move(k));
  }
  return h;
}

}  // namespace capbench
