#include "bench/stream/stream_benchmark.hpp"

#include <cmath>

#include <gtest/gtest.h>

using namespace capbench;

TEST(StreamExpectation, FactorsFollowTheKernelAlgebra) {
  // One pass: c = a; b = s a; c = a + s a; a = s a + s (1 + s) a = (2s + s^2) a.
  const double s = kStreamScalar;
  const auto e = stream_expectation(1, 0);
  EXPECT_DOUBLE_EQ(e.b_factor, s);
  EXPECT_DOUBLE_EQ(e.c_factor, 1 + s);
  EXPECT_NEAR(e.a_factor, 2 * s + s * s, 1e-15);
  const auto e5 = stream_expectation(5, 0);
  EXPECT_NEAR(e5.a_factor, std::pow(2 * s + s * s, 5), 1e-12);
}

TEST(StreamKernels, BytesCountedAsStream) {
  int arrays = 0;
  for (const auto& k : kStreamKernels) arrays += k.arrays_moved;
  EXPECT_EQ(arrays, 2 + 2 + 3 + 3 + 2);
}
