#include "common/telemetry.hpp"

#include <cmath>

namespace capbench {

namespace {

json range_to_json(const std::optional<TelemetryRange>& r) {
  if (!r) return nullptr;
  return {{"min", r->min}, {"median", r->median}, {"max", r->max}};
}

double finite_number(const ConfigNode& n) {
  const double v = n.as_number();
  if (!std::isfinite(v)) n.fail("a finite number");
  return v;
}

std::optional<TelemetryRange> range_from(const ConfigNode& parent, std::string_view key) {
  auto n = parent.find(key);
  if (!n || n->raw().is_null()) return std::nullopt;
  n->allow_only({"min", "median", "max"});
  TelemetryRange r;
  r.min = finite_number(n->at("min"));
  r.median = finite_number(n->at("median"));
  r.max = finite_number(n->at("max"));
  if (!(r.min <= r.median && r.median <= r.max)) n->at("median").fail("min <= median <= max");
  return r;
}

}  // namespace

json telemetry_to_json(const CaseTelemetry& t) {
  json j = {{"available", t.available}};
  if (!t.source.empty()) j["source"] = t.source;
  if (!t.reason.empty()) j["reason"] = t.reason;
  if (!t.available) return j;
  j["samples"] = t.samples;
  j["interval_s"] = t.interval_s;
  j["sm_clock_mhz"] = range_to_json(t.sm_clock_mhz);
  j["memory_clock_mhz"] = range_to_json(t.memory_clock_mhz);
  j["power_w"] = range_to_json(t.power_w);
  j["temperature_c"] = range_to_json(t.temperature_c);
  j["throttled_fraction"] = t.throttled_fraction ? json(*t.throttled_fraction) : json(nullptr);
  j["throttle_reasons"] = t.throttle_reasons ? json(*t.throttle_reasons) : json(nullptr);
  j["ecc_new"] = t.ecc_new ? json{{"corrected", t.ecc_new->corrected}, {"uncorrected", t.ecc_new->uncorrected}}
                           : json(nullptr);
  if (t.energy) {
    const auto& e = *t.energy;
    json ej = {{"joules", e.joules}, {"window_s", e.window_s}, {"windows", e.windows}};
    if (!e.work_unit.empty()) ej["work_unit"] = e.work_unit;
    if (e.work) ej["work"] = *e.work;
    if (e.work_per_joule) ej["work_per_joule"] = *e.work_per_joule;
    j["energy"] = std::move(ej);
  }
  return j;
}

CaseTelemetry telemetry_from(const ConfigNode& n) {
  n.allow_only({"available", "source", "reason", "samples", "interval_s", "sm_clock_mhz", "memory_clock_mhz",
                "power_w", "temperature_c", "throttled_fraction", "throttle_reasons", "ecc_new", "energy"});
  CaseTelemetry t;
  t.available = n.at("available").as_bool();
  if (auto s = n.find("source")) t.source = s->as_string();
  if (auto r = n.find("reason")) t.reason = r->as_string();
  if (auto s = n.find("samples")) t.samples = s->as_non_negative_int();
  if (auto i = n.find("interval_s")) {
    t.interval_s = finite_number(*i);
    if (t.interval_s < 0) i->fail("a finite number >= 0");
  }
  t.sm_clock_mhz = range_from(n, "sm_clock_mhz");
  t.memory_clock_mhz = range_from(n, "memory_clock_mhz");
  t.power_w = range_from(n, "power_w");
  t.temperature_c = range_from(n, "temperature_c");
  if (auto f = n.find("throttled_fraction"); f && !f->raw().is_null()) {
    const double v = finite_number(*f);
    if (v < 0 || v > 1) f->fail("a fraction between 0 and 1");
    t.throttled_fraction = v;
  }
  if (auto r = n.find("throttle_reasons"); r && !r->raw().is_null()) {
    std::vector<std::string> names;
    for (const auto& x : r->items()) names.push_back(x.as_string());
    t.throttle_reasons = std::move(names);
  }
  if (auto e = n.find("ecc_new"); e && !e->raw().is_null()) {
    e->allow_only({"corrected", "uncorrected"});
    t.ecc_new = EccDelta{e->at("corrected").as_non_negative_int(), e->at("uncorrected").as_non_negative_int()};
  }
  if (auto e = n.find("energy"); e && !e->raw().is_null()) {
    e->allow_only({"joules", "window_s", "windows", "work_unit", "work", "work_per_joule"});
    CaseEnergy en;
    en.joules = e->at("joules").as_non_negative_number();
    en.window_s = e->at("window_s").as_non_negative_number();
    en.windows = e->at("windows").as_non_negative_int();
    if (auto u = e->find("work_unit")) en.work_unit = u->as_enum({"FLOP", "OP", "B"});
    if (auto w = e->find("work")) en.work = w->as_non_negative_number();
    if (auto w = e->find("work_per_joule")) en.work_per_joule = w->as_positive_number();
    t.energy = en;
  }
  return t;
}

}  // namespace capbench
