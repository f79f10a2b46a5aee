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
  json out = {{"collected_at", h.collected_at}, {"gate", h.gate}, {"stopped", h.stopped}, {"nodes", h.nodes},
              {"checks", std::move(checks)}};
  if (!h.expectations.empty()) {
    json& list = out["expectations"] = json::array();
    for (const auto& e : h.expectations)
      list.push_back({{"host", e.host}, {"quantity", e.quantity}, {"value", e.value}, {"basis", e.basis}});
  }
  if (!h.system.is_null()) out["system"] = h.system;
  return out;
}

HealthRecord health_from(const ConfigNode& n) {
  n.allow_only({"collected_at", "gate", "stopped", "nodes", "checks", "expectations", "system"});
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
  if (auto list = n.find("expectations"))
    for (const auto& e : list->items()) {
      e.allow_only({"host", "quantity", "value", "basis"});
      h.expectations.push_back({e.at("host").as_string(),
                                e.at("quantity").as_enum({"gpus_per_node", "gpu_model", "cpu_cores", "memory_gib_min"}),
                                e.at("value").as_string(), e.at("basis").as_string()});
    }
  if (auto sys = n.find("system")) {
    sys->allow_only({"file", "sha256", "name"});
    h.system = json{{"file", sys->at("file").as_string()}, {"sha256", sys->at("sha256").as_string()},
                    {"name", sys->at("name").as_string()}};
  }
  return h;
}

}  // namespace capbench
