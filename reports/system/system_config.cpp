#include "reports/system/system_config.hpp"

#include <fmt/format.h>

#include "common/precision.hpp"
#include "common/sha256.hpp"
#include "reports/system/quantity.hpp"

namespace capbench {

namespace {

std::string read_precision(const ConfigNode& n) {
  const auto key = n.as_string();
  if (!precision_from_key(key)) n.fail("a capbench precision: fp64 fp32 tf32 fp16 bf16 fp8_e4m3 int8");
  return key;
}

// value + unit, where the unit must be of the precision's kind (FLOP/s, or OP/s for int8).
double read_rate(const ConfigNode& n, const std::string& precision, double& value, std::string& unit) {
  value = n.at("value").as_positive_number();
  const auto unit_node = n.at("unit");
  unit = unit_node.as_string();
  const auto base = throughput_unit(precision);
  const double f = unit_factor(unit, base);
  if (f == 0)
    unit_node.fail(fmt::format("a unit of {} for precision {} (e.g. \"P{}\", \"T{}\")", base, precision, base, base));
  return value * f;
}

// "per_node" / "cpu_nodes": {gpus, cpu_cores, memory_gib}; gpus required where `with_gpus`.
NodeShape read_node_shape(const ConfigNode& n, bool with_gpus) {
  NodeShape shape;
  if (with_gpus) {
    n.allow_only({"gpus", "cpu_cores", "memory_gib"});
    shape.gpus = n.at("gpus").as_positive_int();
  } else {
    n.allow_only({"cpu_cores", "memory_gib"});
    if (n.keys().empty()) n.fail("an object with cpu_cores or memory_gib (or both)");
  }
  if (auto c = n.find("cpu_cores")) shape.cpu_cores = c->as_positive_int();
  if (auto m = n.find("memory_gib")) shape.memory_gib = m->as_positive_number();
  return shape;
}

}  // namespace

SystemConfig load_system_config(const std::string& path, const GpuDatabase& db) {
  std::string text;
  const json j = load_jsonc_file(path, &text);
  ConfigNode root(j, path);
  root.allow_only({"schema", "name", "note", "target", "inventory", "storage", "cpu_nodes"});
  const auto schema = root.at("schema");
  if (schema.as_string() != "capbench.system/1") schema.fail("\"capbench.system/1\"");
  SystemConfig s;
  s.file = path;
  s.sha256 = sha256_hex(text);
  s.name = root.at("name").as_string();
  if (auto n = root.find("note")) s.note = n->as_string();

  const auto t = root.at("target");
  t.allow_only({"value", "unit", "precision", "basis", "source"});
  s.target.precision = read_precision(t.at("precision"));
  s.target.basis = t.at("basis").as_enum({"peak", "sustained"});
  s.target.value_base = read_rate(t, s.target.precision, s.target.value, s.target.unit);
  if (auto src = t.find("source")) s.target.source = src->as_string();

  const auto inv = root.at("inventory");
  if (inv.size() == 0) inv.fail("a non-empty list of the system's accelerators");
  for (const auto& item : inv.items()) {
    item.allow_only({"model", "count", "measurable_by_capbench", "declared", "per_node", "note"});
    InventoryItem it;
    it.model = item.at("model").as_string();
    it.count = item.at("count").as_positive_int();
    it.measurable_by_capbench = item.at("measurable_by_capbench").as_bool();
    if (it.measurable_by_capbench) {
      it.gpu = db.find(it.model);
      if (!it.gpu) {
        std::string keys;
        for (const auto& m : db.models()) keys += (keys.empty() ? "" : " ") + m.key;
        item.at("model").fail(fmt::format("a model key of the GPU database {} ({})", db.origin(), keys));
      }
    }
    if (auto d = item.find("declared")) {
      for (const auto& f : d->items()) {
        f.allow_only({"precision", "value", "unit", "basis", "source"});
        DeclaredFigure df;
        df.precision = read_precision(f.at("precision"));
        df.value_base = read_rate(f, df.precision, df.value, df.unit);
        df.basis = f.at("basis").as_enum({"peak", "sustained"});
        df.source = f.at("source").as_string();
        it.declared.push_back(std::move(df));
      }
    }
    if (auto pn = item.find("per_node")) {
      if (!it.measurable_by_capbench) pn->fail("no per_node on an entry capbench cannot measure (measurable_by_capbench false)");
      it.per_node = read_node_shape(*pn, true);
    }
    if (auto n = item.find("note")) it.note = n->as_string();
    s.inventory.push_back(std::move(it));
  }
  if (auto st = root.find("storage")) s.storage = read_storage_declared(*st);
  if (auto cn = root.find("cpu_nodes")) s.cpu_nodes = read_node_shape(*cn, false);
  return s;
}

}  // namespace capbench
