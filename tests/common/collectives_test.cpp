#include "common/collectives.hpp"

#include <gtest/gtest.h>

#include "common/collective_data.hpp"

using namespace capbench;

TEST(Collectives, BusFactorsFollowNcclTests) {
  EXPECT_DOUBLE_EQ(bus_factor(Collective::all_reduce, 8), 2.0 * 7 / 8);
  EXPECT_DOUBLE_EQ(bus_factor(Collective::all_gather, 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(bus_factor(Collective::reduce_scatter, 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(bus_factor(Collective::alltoall, 2), 0.5);
  EXPECT_DOUBLE_EQ(bus_factor(Collective::broadcast, 16), 1.0);
  EXPECT_DOUBLE_EQ(bus_factor(Collective::reduce, 3), 1.0);
  EXPECT_DOUBLE_EQ(bus_factor(Collective::sendrecv, 2), 1.0);
  // One rank moves nothing over a bus.
  EXPECT_DOUBLE_EQ(bus_factor(Collective::all_reduce, 1), 0.0);
}

TEST(Collectives, BusbwIsAlgbwTimesFactor) {
  const double s = 1 << 30, t = 0.01;
  EXPECT_DOUBLE_EQ(algbw_bytes_per_s(s, t), s / t);
  EXPECT_DOUBLE_EQ(busbw_bytes_per_s(Collective::all_reduce, 4, s, t), s / t * 1.5);
}

TEST(Collectives, KeysRoundTrip) {
  for (const auto& c : kCollectives) EXPECT_EQ(collective_from_key(c.key), c.op);
  EXPECT_FALSE(collective_from_key("allreduce").has_value());
}

TEST(CollectiveData, ClosedFormSumMatchesExplicitSum) {
  for (int n : {1, 2, 3, 4, 5, 7, 64, 1001}) {
    for (std::int64_t i : {0, 1, 17, 123456}) {
      double explicit_sum = 0;
      for (int r = 0; r < n; ++r) explicit_sum += collective_input(42, r, i);
      EXPECT_EQ(collective_sum(42, n, i), explicit_sum) << "n=" << n << " i=" << i;
    }
  }
}

TEST(CollectiveData, InputsAreSmallIntegersThatVary) {
  bool varied = false;
  for (std::int64_t i = 0; i < 100; ++i) {
    const double v = collective_input(7, 3, i);
    EXPECT_EQ(v, static_cast<double>(static_cast<int>(v)));
    EXPECT_GE(v, 0);
    EXPECT_LE(v, 11);
    if (v != collective_input(7, 3, 0)) varied = true;
  }
  EXPECT_TRUE(varied);
}
