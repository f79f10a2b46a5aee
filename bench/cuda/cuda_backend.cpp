// The CUDA backend: one GPU per rank, cuBLASLt GEMM, STREAM kernels, copy-engine and
// host-link transfers, peer copies, NCCL collectives, NVML telemetry per case.
#include <cublasLt.h>
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "bench/collective/collective_benchmark.hpp"
#include "bench/cuda/cuda_check.hpp"
#include "bench/runner/gpu_launch_check.hpp"
#include "bench/cuda/nccl_session.hpp"
#include "bench/cuda/energy_window.hpp"
#include "bench/cuda/nvml.hpp"
#include "bench/fabric/fabric_benchmark.hpp"
#include "bench/filtered_benchmark.hpp"
#include "bench/cuda/telemetry.hpp"
#include "bench/gemm/gemm_benchmark.hpp"
#include "bench/lu/lu_benchmark.hpp"
#include "bench/storage/storage_benchmark.hpp"
#include "bench/stream/stream_benchmark.hpp"

namespace capbench {

namespace {

constexpr double kTelemetryInterval_s = 0.1;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::string uuid_string(const cudaUUID_t& u) {
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    hex += fmt::format("{:02x}", static_cast<unsigned char>(u.bytes[i]));
    if (i == 3 || i == 5 || i == 7 || i == 9) hex += '-';
  }
  return "GPU-" + hex;
}

// The PCI device id ("0x2330") as the kernel reports it; empty where sysfs does not say.
std::string pci_device_id(const std::string& bus_id) {
  std::ifstream in("/sys/bus/pci/devices/" + bus_id + "/device");
  std::string id;
  in >> id;
  return id;
}

int attribute(cudaDeviceAttr a, int dev) {
  int v = 0;
  return cudaDeviceGetAttribute(&v, a, dev) == cudaSuccess ? v : 0;
}

std::string version_string(int v) { return fmt::format("{}.{}", v / 1000, (v % 1000) / 10); }

class CudaBackend final : public Backend {
 public:
  CudaBackend(const BackendOptions& opts, const Comm& comm) : comm_(comm) {
    int count = 0;
    CUDA_CHECK(cudaGetDeviceCount(&count));
    if (count <= 0) throw std::runtime_error("no CUDA device visible");
    const int ordinal = opts.device >= 0 ? opts.device : comm.local_rank() % count;
    if (ordinal >= count)
      throw std::runtime_error(fmt::format("--device {} but only {} CUDA devices are visible", ordinal, count));
    dev_ = open_cuda_device(ordinal, comm.host());
    ranks_on_device_ = std::max(1, (comm.local_size() + count - 1) / count);
    telemetry_ = std::make_unique<TelemetrySampler>(dev_.bus_id, kTelemetryInterval_s);
    energy_ = std::make_unique<EnergyWindow>([bus = dev_.bus_id]() -> std::optional<std::uint64_t> {
      Nvml* nvml = Nvml::get();
      if (!nvml) return std::nullopt;
      const auto d = nvml->device_by_pci_bus_id(bus);
      return d ? nvml->total_energy_mj(*d) : std::nullopt;
    });
  }

  std::string name() const override { return "cuda"; }

  DeviceIdentity identity() const override {
    DeviceIdentity d;
    d.kind = "cuda";
    d.name = dev_.name;
    d.pci_bus_id = dev_.bus_id;
    d.pci_device_id = pci_device_id(dev_.bus_id);
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, dev_.ordinal) == cudaSuccess) d.uuid = uuid_string(prop.uuid);
    int driver = 0, runtime = 0, nccl = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    ncclGetVersion(&nccl);
    d.details = {{"ordinal", dev_.ordinal},
                 {"compute_capability", fmt::format("{}.{}", dev_.cc.major, dev_.cc.minor)},
                 {"sm_count", dev_.sm_count},
                 {"memory_bytes", dev_.memory_bytes},
                 {"l2_bytes", dev_.l2_bytes},
                 {"sm_clock_peak_khz", attribute(cudaDevAttrClockRate, dev_.ordinal)},
                 {"memory_clock_peak_khz", attribute(cudaDevAttrMemoryClockRate, dev_.ordinal)},
                 {"memory_bus_width_bits", attribute(cudaDevAttrGlobalMemoryBusWidth, dev_.ordinal)},
                 {"cuda_driver_api", version_string(driver)},
                 {"cuda_runtime", version_string(runtime)},
                 {"cublaslt_version", cublasLtGetVersion()},
                 {"nccl_version", nccl},
                 {"ranks_on_device", ranks_on_device_}};
    if (Nvml* nvml = Nvml::get()) {
      if (auto dv = nvml->driver_version()) d.details["driver"] = *dv;
      if (auto h = nvml->device_by_pci_bus_id(dev_.bus_id)) {
        if (auto s = nvml->serial(*h)) d.serial = *s;
        if (auto c = nvml->max_clock_mhz(*h, 1)) d.details["sm_clock_max_mhz"] = *c;
        if (auto c = nvml->max_clock_mhz(*h, 2)) d.details["memory_clock_max_mhz"] = *c;
      }
    } else {
      d.details["nvml"] = Nvml::unavailable_reason();
    }
    return d;
  }

  std::unique_ptr<Benchmark> make_benchmark(const std::string& benchmark) override {
    // Storage I/O is host-side: the one implementation serves both backends.
    if (benchmark == "storage") return make_storage_benchmark();
    if (benchmark == "gemm")
      return with_extra_filter(std::make_unique<GemmBenchmark>(make_cuda_gemm(dev_)), [](const PlannedCase& spec) {
        const auto& p = spec.params;
        const auto prec = precision_from_key(p.at("precision").get<std::string>());
        if (!prec) return Support::no("unknown precision");
        return gemm_shape_support(*prec, p.at("m").get<std::int64_t>(), p.at("n").get<std::int64_t>(),
                                  p.at("k").get<std::int64_t>());
      });
    if (benchmark == "stream")
      return std::make_unique<StreamBenchmark>(make_cuda_stream(dev_, ranks_on_device_), kStreamBatch);
    if (benchmark == "collective") {
      if (!nccl_) nccl_ = make_nccl_session(dev_, comm_, case_);
      return with_extra_filter(std::make_unique<CollectiveBenchmark>(make_nccl_collective(nccl_)),
                               [](const PlannedCase& spec) {
                                 const auto& p = spec.params;
                                 if (p.at("operation").get<std::string>() == "alltoall" && p.at("in_place").get<bool>())
                                   return Support::no("NCCL has no in-place alltoall (send and receive buffers must differ)");
                                 return Support::yes();
                               });
    }
#if CAPBENCH_HAVE_CUSOLVER
    if (benchmark == "lu") return std::make_unique<LuBenchmark>(make_cuda_lu(dev_));
#else
    if (benchmark == "lu")
      return unavailable_benchmark("lu", "capbench was built without cuSOLVER (the CUDA toolkit it was built with has none)");
#endif
    if (benchmark == "fabric") {
      if (!nccl_) nccl_ = make_nccl_session(dev_, comm_, case_);
      return std::make_unique<FabricBenchmark>(make_nccl_fabric(nccl_), comm_);
    }
    if (benchmark == "device_copy") return make_device_copy_benchmark(dev_);
    if (benchmark == "host_device") return make_host_device_benchmark(dev_);
    if (benchmark == "p2p") return make_p2p_benchmark(dev_);
    return nullptr;
  }

  void begin_case(const PlannedCase& spec) override {
    case_.case_id = spec.id;
    case_.deadline = Deadline::after_seconds(spec.timeout_s);
    set_error_context(spec.id);
    energy_->reset();
    telemetry_->start();
  }

  TimedWindow* timed_window() override { return energy_.get(); }

  json end_case() override {
    // A sticky error may have ended the case in a call that was not checked (a destructor).
    note_cuda_error(cudaGetLastError(), "the end of the case");
    json t = telemetry_->stop();
    if (json e = energy_->to_json(); !e.is_null() && t.value("available", false)) t["energy"] = std::move(e);
    case_.deadline = Deadline::never();
    return t;
  }

  bool healthy() const override { return !sticky_cuda_error().has_value(); }
  std::string health_reason() const override {
    const auto e = sticky_cuda_error();
    return e ? fmt::format("{}: {}", dev_.describe(), *e) : std::string();
  }

 private:
  // Kernel launches per STREAM sample: one launch over a large array already takes a
  // millisecond or more; a few more make launch gaps negligible.
  static constexpr int kStreamBatch = 5;

  const Comm& comm_;
  CudaDevice dev_;
  int ranks_on_device_ = 1;
  CudaCaseState case_;
  std::unique_ptr<TelemetrySampler> telemetry_;
  std::unique_ptr<EnergyWindow> energy_;
  std::shared_ptr<NcclSession> nccl_;
};

}  // namespace

std::string CudaDevice::describe() const {
  return fmt::format("GPU {} ({}, {}) on {}", ordinal, name, bus_id, host.empty() ? "this host" : host);
}

CudaDevice open_cuda_device(int ordinal, const std::string& host) {
  CUDA_CHECK(cudaSetDevice(ordinal));
  cudaDeviceProp prop{};
  CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal));
  CudaDevice d;
  d.ordinal = ordinal;
  d.name = prop.name;
  d.host = host;
  char bus[32] = {};
  CUDA_CHECK(cudaDeviceGetPCIBusId(bus, sizeof bus, ordinal));
  d.bus_id = lower(bus);
  d.cc = {prop.major, prop.minor};
  d.sm_count = prop.multiProcessorCount;
  d.l2_bytes = attribute(cudaDevAttrL2CacheSize, ordinal);
  d.memory_bytes = std::int64_t(prop.totalGlobalMem);
  return d;
}

Support cuda_backend_status() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e == cudaSuccess && count > 0) return Support::yes();
  const bool driver_loaded = std::filesystem::exists("/proc/driver/nvidia/version");
  const std::string said = e != cudaSuccess ? fmt::format("cudaGetDeviceCount failed with {} ({})",
                                                          cudaGetErrorName(e), cudaGetErrorString(e))
                                            : "cudaGetDeviceCount reports 0 devices";
  return Support::no(explain_cuda_unavailable(driver_loaded, e == cudaSuccess ? count : 0, said,
                                              std::getenv("CUDA_VISIBLE_DEVICES")));
}

int cuda_visible_device_count() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
}

std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& opts, const Comm& comm) {
  return std::make_unique<CudaBackend>(opts, comm);
}

}  // namespace capbench
