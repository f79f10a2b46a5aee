// Huge-page arrays for the CPU GEMM's matrices: aligned, advised, usable as vector storage.
#include "bench/cpu/huge_page_memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

namespace capbench {
namespace {

TEST(HugePageMemory, LargeArraysAreAlignedAndAdvised) {
  bool advised = false;
  void* p = huge_page_allocate(3 * kHugePageBytes + 5, &advised);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % kHugePageBytes, 0u);
  const std::string mode = transparent_huge_page_mode();
  // The advice is refused only where the kernel has no THP at all.
  if (mode == "always" || mode == "madvise") EXPECT_TRUE(advised) << mode;
  huge_page_free(p);
  // Under one huge page there is nothing to advise.
  p = huge_page_allocate(4096, &advised);
  EXPECT_FALSE(advised);
  huge_page_free(p);
}

TEST(HugePageMemory, ModeIsTheBracketedWordOfTheKernelsSetting) {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(in, line)) {
    EXPECT_EQ(transparent_huge_page_mode(), "unknown");
    return;
  }
  const std::string mode = transparent_huge_page_mode();
  EXPECT_NE(line.find("[" + mode + "]"), std::string::npos) << line;
}

TEST(HugePageMemory, VectorsOnTheAllocatorHoldTheirValues) {
  std::vector<double, HugePageAllocator<double>> v(std::size_t(1) << 19, 1.5);  // 4 MiB
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % kHugePageBytes, 0u);
  for (std::size_t i = 0; i < v.size(); i += 4099) v[i] = double(i);
  double sum = 0;
  for (std::size_t i = 0; i < v.size(); i += 4099) sum += v[i];
  double expect = 0;
  for (std::size_t i = 0; i < v.size(); i += 4099) expect += double(i);
  EXPECT_DOUBLE_EQ(sum, expect);
  EXPECT_EQ(v[1], 1.5);
  v = {};
  EXPECT_TRUE(v.empty());
}

}  // namespace
}  // namespace capbench
