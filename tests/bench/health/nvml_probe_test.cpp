// The process's one NVML loader (bench/health/nvml_api.cpp) and the health stage's reader over
// it, with the planted-value library (tests/tools/fake_nvml) in place of libnvidia-ml.so.1.
// Its own binary: the loader answers once per process, from the first call's environment.
#include "bench/health/nvml_probe.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "bench/health/nvml_api.hpp"
#include "bench/health/nvml_library.hpp"
#ifdef CAPBENCH_HAVE_CUDA
#include "bench/cuda/nvml.hpp"
#endif

namespace capbench {
namespace {

class NvmlLoader : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = std::filesystem::temp_directory_path() / ("nvml_probe_test_" + std::to_string(getpid()) + ".json");
    std::ofstream(config_) << R"({"driver": "580.65.06", "cuda_driver": 13000, "gpus": [
        {"name": "NVIDIA H100 80GB HBM3", "bus_id": "00000000:18:00.0", "pci_device_id": 590352606,
         "nvlinks": 2, "nvlink_errors": 5, "energy_mj": 1000},
        {"name": "NVIDIA H100 80GB HBM3", "bus_id": "00000000:2A:00.0"}]})";
    setenv(kNvmlLibraryVariable, CAPBENCH_FAKE_NVML, 1);
    setenv("CAPBENCH_FAKE_NVML_CONFIG", config_.c_str(), 1);
  }
  static void TearDownTestSuite() { std::filesystem::remove(config_); }
  static inline std::filesystem::path config_;
};

TEST_F(NvmlLoader, LoadsOnceAndBindsWhatBothReadersCall) {
  std::string why;
  const nvml::Api* a = nvml::api(&why);
  ASSERT_NE(a, nullptr) << why;
  EXPECT_EQ(nvml::api(), a);  // one library, initialised once, for the process
  // The health stage's calls and the CUDA telemetry's, from the same table.
  EXPECT_TRUE(a->count && a->by_index && a->pci_info && a->nvlink_errors && a->event_wait);
  EXPECT_TRUE(a->by_pci_bus_id && a->total_energy && a->clock_info && a->power_usage);
  void* d = nullptr;
  ASSERT_EQ(a->by_pci_bus_id("0000:18:00.0", &d), nvml::kSuccess);
  unsigned long long mj = 0;
  EXPECT_EQ(a->total_energy(d, &mj), nvml::kSuccess);
  EXPECT_EQ(mj, 1000u);
}

TEST_F(NvmlLoader, ProbeReadsThePciDeviceIdAndSumsEveryNvlinkErrorKind) {
  std::string why;
  auto probe = NvmlProbe::open(&why);
  ASSERT_NE(probe, nullptr) << why;
  NodeFacts node;
  probe->collect(node);
  ASSERT_EQ(node.gpus.size(), 2u);
  EXPECT_EQ(node.driver, "580.65.06");
  EXPECT_EQ(node.cuda_driver, "13.0");
  EXPECT_EQ(node.gpus[0].bus_id, "0000:18:00.0");
  EXPECT_EQ(node.gpus[1].bus_id, "0000:2a:00.0");
  EXPECT_EQ(node.gpus[0].pci_device_id, "2330");  // 0x233010de: device 2330 of vendor 10de
  EXPECT_EQ(node.gpus[1].pci_device_id, "");      // no NVIDIA vendor half: unknown, not "0000"
  ASSERT_TRUE(node.gpus[0].nvlinks);
  ASSERT_EQ(node.gpus[0].nvlinks->size(), 2u);  // links past the GPU's own are not links
  EXPECT_EQ(node.gpus[0].nvlinks->at(0).errors, 5u);
  EXPECT_FALSE(node.gpus[1].nvlinks && !node.gpus[1].nvlinks->empty());
}

#ifdef CAPBENCH_HAVE_CUDA
// The CUDA backend's telemetry reads through the same loaded library (no GPU needed).
TEST_F(NvmlLoader, CudaTelemetryReadsThroughTheSameLibrary) {
  Nvml* n = Nvml::get();
  ASSERT_NE(n, nullptr) << Nvml::unavailable_reason();
  const auto d = n->device_by_pci_bus_id("0000:18:00.0");
  ASSERT_TRUE(d);
  EXPECT_EQ(n->total_energy_mj(*d), 1000u);
  EXPECT_EQ(n->driver_version(), "580.65.06");
  EXPECT_FALSE(n->device_by_pci_bus_id("0000:99:00.0"));
}
#endif

}  // namespace
}  // namespace capbench
