#include "common/case_memory.hpp"

#include <gtest/gtest.h>

using namespace capbench;

namespace {
Suite suite_of(const std::string& cases) {
  return parse_suite(R"({"schema": "capbench.suite/1", "name": "m", "cases": [)" + cases + "]}", "m.json");
}
constexpr std::uint64_t kGiB = std::uint64_t(1) << 30;
}  // namespace

TEST(CaseMemory, GemmNeedsItsThreeMatrices) {
  const Suite s = suite_of(R"({"benchmark": "gemm", "precisions": ["fp64", "int8"], "shapes": [[1000, 2000, 3000]]})");
  EXPECT_EQ(case_memory(s.plan[0], false).host_bytes, (1000ull * 3000 + 3000 * 2000) * 8 + 1000ull * 2000 * 8);
  EXPECT_EQ(case_memory(s.plan[1], true).device_bytes, (1000ull * 3000 + 3000 * 2000) * 1 + 1000ull * 2000 * 4);
  EXPECT_EQ(case_memory(s.plan[1], true).host_bytes, 0u);
}

TEST(CaseMemory, CollectiveNeedsSendAndReceiveBuffersOfItsLargestSize) {
  const Suite s = suite_of(R"({"benchmark": "collective", "operations": ["all_reduce"],
                              "sizes": {"min_bytes": 1024, "max_bytes": 1073741824, "factor": 4}})");
  EXPECT_EQ(case_memory(s.plan[0], false).host_bytes, 2u * 1073741824u);
  EXPECT_EQ(case_memory(s.plan[0], true).device_bytes, 2u * 1073741824u);
}

TEST(CaseMemory, CudaOnlyBenchmarksNeedNothingUnderTheCpuBackend) {
  const Suite s = suite_of(R"({"benchmark": "host_device", "bytes": 1099511627776},
                              {"benchmark": "p2p", "bytes": 1099511627776})");
  for (const auto& c : s.plan) {
    EXPECT_EQ(case_memory(c, false).host_bytes, 0u) << c.id;
    EXPECT_GT(case_memory(c, true).device_bytes, 0u) << c.id;
  }
}

TEST(CaseMemory, InfeasibleCaseIsNamedWithBytesNeededAndAvailable) {
  const Suite s = suite_of(R"({"benchmark": "gemm", "precisions": ["fp64"], "shapes": [[64, 64, 64]]},
                              {"benchmark": "stream", "precisions": ["fp64"], "elements": 1073741824})");
  EXPECT_FALSE(first_infeasible_case(s, false, 64 * kGiB, 2, 0, ""));  // 24 GiB per rank fits 32 GiB
  const auto why = first_infeasible_case(s, false, 64 * kGiB, 4, 0, "");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("case 2 (stream/fp64)"), std::string::npos) << *why;
  EXPECT_NE(why->find("25769803776 bytes"), std::string::npos) << *why;  // needed
  EXPECT_NE(why->find("17179869184 bytes"), std::string::npos) << *why;  // available per rank
}

TEST(CaseMemory, DeviceMemoryIsCheckedUnderCuda) {
  const Suite s = suite_of(R"({"benchmark": "gemm", "precisions": ["fp64"], "shapes": [[65536, 65536, 65536]]})");
  EXPECT_FALSE(first_infeasible_case(s, true, 16 * kGiB, 8, 141 * kGiB, "H200"));  // 96 GiB on the GPU
  const auto why = first_infeasible_case(s, true, 16 * kGiB, 8, 80 * kGiB, "rank 3 (host n1, device A100)");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("device memory"), std::string::npos) << *why;
  EXPECT_NE(why->find("rank 3 (host n1, device A100)"), std::string::npos) << *why;
}
