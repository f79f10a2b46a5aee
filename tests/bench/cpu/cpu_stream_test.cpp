#include <cmath>

#include <gtest/gtest.h>

#include "bench/cpu/cpu_backend.hpp"
#include "bench/stream/stream_benchmark.hpp"

using namespace capbench;

namespace {
StreamCheck run_iterations(StreamImpl& s, int iterations) {
  for (int i = 0; i < iterations; ++i)
    for (const auto& k : kStreamKernels) s.time_batch(k.kernel, 1);
  return s.check(stream_expectation(iterations, 0x1.0p-24));
}
}  // namespace

TEST(CpuStream, ReplayedValuesMatchAfterEveryKernel) {
  for (const std::string precision : {"fp64", "fp32"}) {
    auto s = make_cpu_stream(2, 1);
    s->prepare(precision, 100003, 42);  // odd length: no element may be skipped
    const auto chk = run_iterations(*s, 6);
    EXPECT_EQ(chk.mismatches, 0) << precision;
    EXPECT_GT(chk.expected_dot, 0);
    EXPECT_NEAR(s->last_dot() / chk.expected_dot, 1.0, 1e-5) << precision;
  }
}

TEST(CpuStream, CheckFailsWhenTheIterationCountIsWrong) {
  auto s = make_cpu_stream(1, 1);
  s->prepare("fp64", 4096, 7);
  for (int i = 0; i < 3; ++i)
    for (const auto& k : kStreamKernels) s->time_batch(k.kernel, 1);
  EXPECT_EQ(s->check(stream_expectation(3, 0x1.0p-53)).mismatches, 0);
  EXPECT_EQ(s->check(stream_expectation(4, 0x1.0p-53)).mismatches, 4096);
}

TEST(CpuStream, RepeatedKernelsAreIdempotent) {
  // A batch repeats one kernel; the replay relies on that leaving the same values.
  auto s = make_cpu_stream(1, 1);
  s->prepare("fp64", 1000, 3);
  for (const auto& k : kStreamKernels) s->time_batch(k.kernel, 5);
  EXPECT_EQ(s->check(stream_expectation(1, 0x1.0p-53)).mismatches, 0);
}

TEST(CpuStream, AutoElementsCoverFourTimesTheCacheSharedAmongRanks) {
  auto one = make_cpu_stream(1, 1), four = make_cpu_stream(1, 4);
  const auto llc = last_level_cache_bytes();
  EXPECT_GT(llc, 0);
  EXPECT_GE(double(one->auto_elements("fp64", 4.0)) * 8, 4.0 * double(llc));
  EXPECT_GE(double(four->auto_elements("fp32", 4.0)) * 4 * 4, 4.0 * double(llc) - 16);
  EXPECT_GE(one->auto_elements("fp64", 0.001), 1 << 20);
}

