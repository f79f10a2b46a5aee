#include "reports/system/storage_config.hpp"

#include "reports/system/quantity.hpp"

namespace capbench {

std::vector<StorageDeclared> read_storage_declared(const ConfigNode& array) {
  std::vector<StorageDeclared> out;
  for (const auto& n : array.items()) {
    n.allow_only({"name", "path", "capacity", "basis", "basis_assumed", "source", "note"});
    StorageDeclared d;
    d.name = n.at("name").as_string();
    if (auto p = n.find("path")) d.path = p->as_string();
    const auto cap = n.at("capacity");
    d.value_bytes = read_quantity(cap, "B");
    d.value = cap.at("value").as_number();
    d.unit = cap.at("unit").as_string();
    d.basis = n.at("basis").as_enum({"usable", "raw"});
    if (auto b = n.find("basis_assumed")) d.basis_assumed = b->as_bool();
    if (auto s = n.find("source")) d.source = s->as_string();
    if (auto s = n.find("note")) d.note = s->as_string();
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<StorageCriterion> read_storage_criteria(const ConfigNode& array) {
  std::vector<StorageCriterion> out;
  for (const auto& n : array.items()) {
    n.allow_only({"id", "phase", "min_bandwidth", "min_rate", "min_usable_capacity"});
    StorageCriterion c;
    c.id = n.at("id").as_string();
    const int given = int(n.has("min_bandwidth")) + int(n.has("min_rate")) + int(n.has("min_usable_capacity"));
    if (given != 1) n.fail("exactly one of \"min_bandwidth\", \"min_rate\" and \"min_usable_capacity\"");
    if (auto v = n.find("min_bandwidth")) {
      c.kind = "bandwidth";
      c.min = read_quantity(*v, "B/s");
    } else if (auto r = n.find("min_rate")) {
      c.kind = "metadata";
      c.min = read_quantity(*r, "OP/s");
    } else {
      c.kind = "capacity";
      c.min = read_quantity(n.at("min_usable_capacity"), "B");
    }
    if (c.kind != "capacity") {
      c.phase = n.at("phase").as_enum({"easy_write", "easy_read", "hard_write/posix", "hard_read/posix",
                                       "hard_write/mpiio", "hard_read/mpiio", "md_create/private",
                                       "md_stat/private", "md_read/private", "md_delete/private", "md_create/shared",
                                       "md_stat/shared", "md_read/shared", "md_delete/shared"});
      const bool md = c.phase.rfind("md_", 0) == 0;
      if (md != (c.kind == "metadata"))
        n.at("phase").fail(md ? "a bandwidth phase for min_bandwidth" : "a metadata phase (md_*) for min_rate");
    } else if (n.has("phase")) {
      n.at("phase").fail("no phase for min_usable_capacity");
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace capbench
