#pragma once
// The GPU model database (configs/gpus.json, schema capbench.gpus/1): datasheet figures per
// model, each with its source, and the rule that matches a GPU in a results file to a model:
// PCI device id first, then the CUDA device name. An unmatched GPU is still measured and
// reported, with "peak unknown".
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/results.hpp"

namespace capbench {

struct Figure {
  std::optional<double> value;  // in the unit the field names; empty when unconfirmed
  std::string source;           // the citation text (resolved from the sources table)
  std::string note;
};

struct GpuModel {
  std::string key, label;
  std::vector<std::string> pci_device_ids;  // normalized: 4 lower-case hex digits
  std::vector<std::string> names;
  Figure sm_count, tdp_w, memory_bandwidth_tb_s;
  std::map<std::string, Figure> peak_tflops;  // fp64 fp64_tensor fp32 tf32 fp16 bf16 fp8 int8
};

// The datasheet peak that bounds a GEMM of one capbench precision on one GPU.
struct GemmPeak {
  std::optional<double> per_gpu;  // base units: FLOP/s (OP/s for int8)
  std::string figure;             // which database figure, e.g. "fp64_tensor"
  std::string source, note;
};

class GpuDatabase {
 public:
  // Strict reading; errors name the file and key. `display_name` is what errors call it.
  static GpuDatabase from_text(const std::string& text, const std::string& display_name);
  static GpuDatabase load(const std::string& path);
  // The copy of configs/gpus.json compiled into capreport.
  static GpuDatabase built_in();

  const GpuModel* find(const std::string& key) const;
  // By PCI device id, then by name (case-insensitive, exact); nullptr when neither matches.
  const GpuModel* match(const DeviceIdentity& device) const;
  static GemmPeak gemm_peak(const GpuModel& model, const std::string& precision_key);
  // Datasheet memory bandwidth in B/s, when known.
  static std::optional<double> memory_bandwidth(const GpuModel& model);

  const std::vector<GpuModel>& models() const { return models_; }
  const std::string& origin() const { return origin_; }
  const std::string& sha256() const { return sha256_; }

 private:
  std::vector<GpuModel> models_;
  std::map<std::string, std::size_t> by_key_, by_pci_, by_name_;
  std::string origin_, sha256_;
};

// "0x2330", "10de:2330", "0x233010DE" (NVML's pciDeviceId: device in the upper 16 bits),
// "2330" -> "2330". Returns "" when the text holds no device id.
std::string normalize_pci_device_id(const std::string& text);

}  // namespace capbench
