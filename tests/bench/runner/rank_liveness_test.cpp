#include "bench/runner/rank_liveness.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

using namespace capbench;

TEST(RankLiveness, ALiveProcessIsNotGone) {
  EXPECT_FALSE(process_is_gone(static_cast<int>(::getpid())));
  EXPECT_FALSE(process_is_gone(0));  // no process id: nothing is claimed
}

TEST(RankLiveness, AZombieAndAReapedProcessAreGone) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  // Not yet reaped: a zombie, which kill(pid, 0) would still find.
  for (int i = 0; i < 200 && !process_is_gone(child); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(process_is_gone(child));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(process_is_gone(child));
}
