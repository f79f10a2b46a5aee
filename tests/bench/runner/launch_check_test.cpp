#include "bench/runner/launch_check.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

using namespace capbench;

namespace {
void clear_launcher_env() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE", "PMIX_SIZE", "SLURM_STEP_ID",
                        "SLURM_STEP_NUM_TASKS"})
    unsetenv(v);
}
}  // namespace

TEST(LaunchCheck, NoLauncherMeansNoMismatch) {
  clear_launcher_env();
  EXPECT_FALSE(launcher_world_size().has_value());
  EXPECT_FALSE(launcher_mismatch(1).has_value());
}

TEST(LaunchCheck, MpirunWithFourRanksButSingletonMpiIsCaught) {
  clear_launcher_env();
  setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
  const auto m = launcher_mismatch(1);
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(m->find("4 processes"), std::string::npos) << *m;
  EXPECT_NE(m->find("OMPI_COMM_WORLD_SIZE"), std::string::npos);
  EXPECT_FALSE(launcher_mismatch(4).has_value());
  clear_launcher_env();
}

TEST(LaunchCheck, SrunStepIsCaughtButTheBatchScriptIsNot) {
  clear_launcher_env();
  setenv("SLURM_STEP_ID", "0", 1);
  setenv("SLURM_STEP_NUM_TASKS", "8", 1);
  EXPECT_TRUE(launcher_mismatch(1).has_value());
  setenv("SLURM_STEP_ID", "4294967294", 1);  // the batch script's own step
  EXPECT_FALSE(launcher_mismatch(1).has_value());
  clear_launcher_env();
}

TEST(LaunchCheck, GarbageValuesAreIgnored) {
  clear_launcher_env();
  setenv("PMI_SIZE", "four", 1);
  EXPECT_FALSE(launcher_world_size().has_value());
  clear_launcher_env();
}

namespace {
RankIdentity rank_on(int rank, const std::string& host, const std::string& bus) {
  RankIdentity r;
  r.rank = rank;
  r.host = host;
  r.device.kind = bus.empty() ? "cpu" : "cuda";
  r.device.pci_bus_id = bus;
  return r;
}
}  // namespace

TEST(LaunchCheck, RanksSharingAGpuOnOneHostAreNamed) {
  // Seen on an H200 node: mpirun -np 2 with one GPU put both ranks on 0000:00:06.0.
  const auto w = shared_gpu_warnings({rank_on(0, "vm", "0000:00:06.0"), rank_on(1, "vm", "0000:00:06.0")});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("ranks 0, 1 on host vm share GPU 0000:00:06.0"), std::string::npos) << w[0];
}

TEST(LaunchCheck, SameBusIdOnDifferentHostsOrOwnGpusIsFine) {
  EXPECT_TRUE(shared_gpu_warnings({rank_on(0, "node-a", "0000:3B:00.0"), rank_on(1, "node-b", "0000:3B:00.0"),
                                   rank_on(2, "node-a", "0000:5E:00.0")})
                  .empty());
  // The CPU backend has no bus id: many ranks per host are normal there.
  EXPECT_TRUE(shared_gpu_warnings({rank_on(0, "vm", ""), rank_on(1, "vm", "")}).empty());
}

TEST(LaunchCheck, EverySharedGpuGetsItsOwnMessage) {
  const auto w = shared_gpu_warnings({rank_on(0, "a", "0000:01:00.0"), rank_on(1, "a", "0000:02:00.0"),
                                      rank_on(2, "a", "0000:01:00.0"), rank_on(3, "a", "0000:02:00.0"),
                                      rank_on(4, "a", "0000:02:00.0")});
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("ranks 0, 2 on host a share GPU 0000:01:00.0"), std::string::npos) << w[0];
  EXPECT_NE(w[1].find("ranks 1, 3, 4 on host a share GPU 0000:02:00.0"), std::string::npos) << w[1];
}
