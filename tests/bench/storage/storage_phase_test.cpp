#include "bench/storage/storage_phase.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace capbench::storage {
namespace {

// Rows as exchange() gives them: failed flag, amount, seconds, a second amount and time.
TEST(JobRate, EveryRanksAmountOverTheSlowestRanksTime) {
  const std::vector<std::vector<double>> rows{{0, 100, 2, 40, 1}, {0, 300, 4, 90, 3}, {0, 200, 1, 10, 0.5}};
  const JobRate all = job_rate(rows, 1, 2);
  EXPECT_DOUBLE_EQ(all.total, 600);
  EXPECT_DOUBLE_EQ(all.slowest, 4);
  // Not the sum of the ranks' own rates (50 + 75 + 200 = 325): a job waits for its slowest rank.
  EXPECT_DOUBLE_EQ(all.rate(), 150);
  // Any pair of columns: the stonewall's bytes over the slowest rank's time to it.
  EXPECT_DOUBLE_EQ(job_rate(rows, 3, 4).rate(), 140.0 / 3);
}

}  // namespace
}  // namespace capbench::storage
