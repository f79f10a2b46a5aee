#include "bench/runner/gpu_launch_check.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

using namespace capbench;

TEST(GpuLaunchCheck, OneRankOnAnEightGpuNodeIsNamed) {
  const auto w = idle_gpu_warnings({{0, "node1", 8}});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("host node1 has 8 visible GPUs but 1 rank"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("7 GPUs will not be measured"), std::string::npos) << w[0];
}

TEST(GpuLaunchCheck, OneRankPerGpuOrMoreIsQuiet) {
  EXPECT_TRUE(idle_gpu_warnings({{0, "a", 2}, {1, "a", 2}, {2, "b", 1}}).empty());
  EXPECT_TRUE(idle_gpu_warnings({{0, "a", 0}}).empty());  // the CPU backend: no GPUs
  // Per host: b is short even though the job has as many ranks as GPUs overall.
  const auto w = idle_gpu_warnings({{0, "a", 1}, {1, "a", 1}, {2, "a", 1}, {3, "b", 2}});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("host b"), std::string::npos);
}

TEST(GpuLaunchCheck, PlantedCountIsReadOnlyWhenValid) {
  unsetenv(kTestVisibleGpusVariable);
  EXPECT_FALSE(planted_visible_gpus().has_value());
  setenv(kTestVisibleGpusVariable, "4", 1);
  EXPECT_EQ(planted_visible_gpus().value_or(-1), 4);
  setenv(kTestVisibleGpusVariable, "four", 1);
  EXPECT_FALSE(planted_visible_gpus().has_value());
  unsetenv(kTestVisibleGpusVariable);
}

TEST(GpuLaunchCheck, CudaUnavailableIsSaidPlainly) {
  EXPECT_EQ(explain_cuda_unavailable(false, 0, "", nullptr).rfind("no NVIDIA driver loaded", 0), 0u);
  const auto none = explain_cuda_unavailable(true, 0, "cudaGetDeviceCount reports 0 devices", "");
  EXPECT_EQ(none.rfind("no GPU visible", 0), 0u) << none;
  EXPECT_NE(none.find("CUDA_VISIBLE_DEVICES is ''"), std::string::npos) << none;
  EXPECT_NE(none.find("0 devices"), std::string::npos);
  EXPECT_NE(std::string(kCpuBackendAdvice).find("--backend cpu"), std::string::npos);
}
