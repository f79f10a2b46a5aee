#include "bench/collective/collective_benchmark.hpp"

#include <gtest/gtest.h>

using namespace capbench;

TEST(CollectiveShape, AllReduceCountsBytesPerRank) {
  const auto s = collective_shape(Collective::all_reduce, 1 << 20, 8, 4);
  EXPECT_EQ(s.size_bytes, 1 << 20);
  EXPECT_EQ(s.send_count, (1 << 20) / 4);
  EXPECT_EQ(s.recv_count, s.send_count);
}

TEST(CollectiveShape, AllGatherCountsTotalOutputRoundedToRanks) {
  const auto s = collective_shape(Collective::all_gather, 1000, 3, 4);  // 250 elements -> 83 per rank
  EXPECT_EQ(s.send_count, 83);
  EXPECT_EQ(s.recv_count, 249);
  EXPECT_EQ(s.size_bytes, 249 * 4);
}

TEST(CollectiveShape, ReduceScatterCountsTotalInput) {
  const auto s = collective_shape(Collective::reduce_scatter, 4096, 4, 8);
  EXPECT_EQ(s.send_count, 512);
  EXPECT_EQ(s.recv_count, 128);
  EXPECT_EQ(s.size_bytes, 4096);
}

TEST(CollectiveShape, AlltoallSplitsEvenlyAmongPeers) {
  const auto s = collective_shape(Collective::alltoall, 4100, 4, 4);  // 1025 elements -> 256 per peer
  EXPECT_EQ(s.send_count, 1024);
  EXPECT_EQ(s.recv_count, 1024);
  EXPECT_EQ(s.size_bytes, 4096);
}

TEST(CollectiveShape, NeverZeroElements) {
  const auto s = collective_shape(Collective::all_gather, 4, 64, 8);
  EXPECT_EQ(s.send_count, 1);
  EXPECT_EQ(s.recv_count, 64);
}
