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
