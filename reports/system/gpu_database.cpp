#include "reports/system/gpu_database.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/sha256.hpp"
#include "reports/system/default_gpus.hpp"

namespace capbench {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_hex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

const std::vector<std::string> kPeakKeys{"fp64", "fp64_tensor", "fp32", "tf32", "fp16", "bf16", "fp8", "int8"};

Figure read_figure(const ConfigNode& n, const std::map<std::string, std::string>& sources) {
  n.allow_only({"value", "source", "note"});
  Figure f;
  const auto v = n.at("value");
  if (!v.raw().is_null()) {
    f.value = v.as_positive_number();
    const auto s = n.find("source");
    if (!s) n.fail("a \"source\" naming a key of \"sources\" for every figure that has a value");
    const auto key = s->as_string();
    const auto it = sources.find(key);
    if (it == sources.end()) s->fail("a key of the top-level \"sources\" table");
    f.source = it->second;
  } else if (!n.has("note")) {
    n.fail("a \"note\" saying why the figure is null");
  }
  if (auto note = n.find("note")) f.note = note->as_string();
  return f;
}

}  // namespace

std::string normalize_pci_device_id(const std::string& text) {
  std::string s = lower(text);
  if (auto colon = s.rfind(':'); colon != std::string::npos) s = s.substr(colon + 1);
  if (s.rfind("0x", 0) == 0) s = s.substr(2);
  if (!is_hex(s)) return "";
  if (s.size() == 8) return s.substr(4) == "10de" ? s.substr(0, 4) : s.substr(4);
  if (s.size() > 4) return "";
  return std::string(4 - s.size(), '0') + s;
}

GpuDatabase GpuDatabase::from_text(const std::string& text, const std::string& display_name) {
  const json j = parse_jsonc(text, display_name);
  ConfigNode root(j, display_name);
  root.allow_only({"schema", "sources", "models"});
  const auto schema = root.at("schema");
  if (schema.as_string() != "capbench.gpus/1") schema.fail("\"capbench.gpus/1\"");
  std::map<std::string, std::string> sources;
  const auto src = root.at("sources");
  for (const auto& k : src.keys()) sources[k] = src.at(k).as_string();

  GpuDatabase db;
  db.origin_ = display_name;
  db.sha256_ = sha256_hex(text);
  const auto models = root.at("models");
  for (const auto& key : models.keys()) {
    const auto m = models.at(key);
    m.allow_only({"label", "pci_device_ids", "names", "sm_count", "tdp_w", "memory_bandwidth_tb_s", "peak_tflops"});
    GpuModel g;
    g.key = key;
    g.label = m.at("label").as_string();
    for (const auto& id : m.at("pci_device_ids").items()) {
      id.allow_only({"value", "source"});
      const auto raw = id.at("value").as_string();
      const auto norm = normalize_pci_device_id(raw);
      if (norm.empty()) id.at("value").fail("a PCI device id such as \"2330\"");
      if (!sources.count(id.at("source").as_string())) id.at("source").fail("a key of the top-level \"sources\" table");
      if (db.by_pci_.count(norm)) id.at("value").fail("a device id no other model lists");
      g.pci_device_ids.push_back(norm);
    }
    for (const auto& n : m.at("names").items()) {
      g.names.push_back(n.as_string());
      if (db.by_name_.count(lower(g.names.back()))) n.fail("a name no other model lists");
    }
    g.sm_count = read_figure(m.at("sm_count"), sources);
    g.tdp_w = read_figure(m.at("tdp_w"), sources);
    g.memory_bandwidth_tb_s = read_figure(m.at("memory_bandwidth_tb_s"), sources);
    const auto peaks = m.at("peak_tflops");
    for (const auto& pk : peaks.keys())
      if (std::find(kPeakKeys.begin(), kPeakKeys.end(), pk) == kPeakKeys.end())
        peaks.at(pk).fail("one of the keys fp64 fp64_tensor fp32 tf32 fp16 bf16 fp8 int8");
    for (const auto& pk : kPeakKeys) g.peak_tflops[pk] = read_figure(peaks.at(pk), sources);
    const std::size_t index = db.models_.size();
    db.by_key_[key] = index;
    for (const auto& id : g.pci_device_ids) db.by_pci_[id] = index;
    for (const auto& n : g.names) db.by_name_[lower(n)] = index;
    db.models_.push_back(std::move(g));
  }
  return db;
}

GpuDatabase GpuDatabase::load(const std::string& path) {
  std::string text;
  load_jsonc_file(path, &text);  // for its error messages (file, line, column)
  return from_text(text, path);
}

GpuDatabase GpuDatabase::built_in() { return from_text(kDefaultGpusJson, "configs/gpus.json (built into capreport)"); }

const GpuModel* GpuDatabase::find(const std::string& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &models_[it->second];
}

const GpuModel* GpuDatabase::match(const DeviceIdentity& device) const {
  if (device.kind != "cuda") return nullptr;
  const auto id = normalize_pci_device_id(device.pci_device_id);
  if (!id.empty())
    if (auto it = by_pci_.find(id); it != by_pci_.end()) return &models_[it->second];
  if (auto it = by_name_.find(lower(device.name)); it != by_name_.end()) return &models_[it->second];
  return nullptr;
}

GemmPeak GpuDatabase::gemm_peak(const GpuModel& model, const std::string& precision_key) {
  // capbench precision -> database figure. FP64 GEMM runs on FP64 tensor cores where the GPU
  // has them (cuBLAS DGEMM uses DMMA on A100/H100), so that is the bound it is held to.
  std::vector<std::string> figures;
  if (precision_key == "fp64") figures = {"fp64_tensor", "fp64"};
  else if (precision_key == "fp8_e4m3" || precision_key == "fp8_e4m3_fast_accum") figures = {"fp8"};
  else figures = {precision_key};
  GemmPeak out;
  for (const auto& f : figures) {
    auto it = model.peak_tflops.find(f);
    if (it == model.peak_tflops.end()) continue;
    if (it->second.value) {
      out.per_gpu = *it->second.value * 1e12;
      out.figure = f;
      out.source = it->second.source;
      out.note = it->second.note;
      return out;
    }
    if (out.note.empty()) {
      out.figure = f;
      out.note = it->second.note;
    }
  }
  return out;
}

std::optional<double> GpuDatabase::memory_bandwidth(const GpuModel& model) {
  if (!model.memory_bandwidth_tb_s.value) return std::nullopt;
  return *model.memory_bandwidth_tb_s.value * 1e12;
}

}  // namespace capbench
