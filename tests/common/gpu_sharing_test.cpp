// Which ranks share one GPU (common/gpu_sharing.cpp): by UUID where recorded, else by PCI bus
// id, always within one host; CPU ranks and ranks with no device name are never grouped.
#include "common/gpu_sharing.hpp"

#include <gtest/gtest.h>

namespace capbench {
namespace {

RankIdentity rank_on(int rank, const std::string& host, const std::string& uuid, const std::string& bus,
                     const std::string& kind = "cuda") {
  RankIdentity r;
  r.rank = rank;
  r.host = host;
  r.device.kind = kind;
  r.device.uuid = uuid;
  r.device.pci_bus_id = bus;
  return r;
}

TEST(GpuSharing, KeyIsTheHostAndTheUuidElseTheBusId) {
  EXPECT_EQ(gpu_device_key(rank_on(0, "n1", "GPU-a", "0000:01:00.0")), "n1/GPU-a");
  EXPECT_EQ(gpu_device_key(rank_on(0, "n1", "", "0000:01:00.0")), "n1/0000:01:00.0");
  EXPECT_EQ(gpu_device_key(rank_on(0, "n1", "", "")), "");
  EXPECT_EQ(gpu_device_key(rank_on(0, "n1", "GPU-a", "0000:01:00.0", "cpu")), "");
}

TEST(GpuSharing, GroupsRanksOnOneDeviceInRankOrder) {
  // Given out of order: rank 3 and rank 1 on GPU-a of n1, rank 0 alone, rank 2 on the same bus
  // id but another host (not the same GPU), ranks 4 and 5 named only by bus id on n2.
  const std::vector<RankIdentity> ranks{
      rank_on(3, "n1", "GPU-a", "0000:01:00.0"), rank_on(0, "n1", "GPU-b", "0000:02:00.0"),
      rank_on(1, "n1", "GPU-a", "0000:01:00.0"), rank_on(2, "n2", "GPU-c", "0000:01:00.0"),
      rank_on(5, "n2", "", "0000:03:00.0"),      rank_on(4, "n2", "", "0000:03:00.0")};
  const auto shared = shared_gpus(ranks);
  ASSERT_EQ(shared.size(), 2u);
  EXPECT_EQ(shared[0].host, "n1");
  EXPECT_EQ(shared[0].device, "GPU-a");
  EXPECT_EQ(shared[0].ranks, (std::vector<int>{1, 3}));
  EXPECT_EQ(shared[1].host, "n2");
  EXPECT_EQ(shared[1].device, "0000:03:00.0");
  EXPECT_EQ(shared[1].ranks, (std::vector<int>{4, 5}));
}

TEST(GpuSharing, CpuRanksAndUnnamedDevicesAreNeverShared) {
  const std::vector<RankIdentity> ranks{rank_on(0, "n1", "", "", "cpu"), rank_on(1, "n1", "", "", "cpu"),
                                        rank_on(2, "n1", "", ""), rank_on(3, "n1", "", "")};
  EXPECT_TRUE(shared_gpus(ranks).empty());
}

TEST(GpuSharing, OneUuidSeenOnTwoBusIdsIsStillOneGpu) {
  // The UUID names the GPU; a bus id string written two ways must not split it.
  const std::vector<RankIdentity> ranks{rank_on(0, "n1", "GPU-a", "0000:06:00.0"),
                                        rank_on(1, "n1", "GPU-a", "00000000:06:00.0")};
  ASSERT_EQ(shared_gpus(ranks).size(), 1u);
  EXPECT_EQ(shared_gpus(ranks)[0].ranks, (std::vector<int>{0, 1}));
}

}  // namespace
}  // namespace capbench
