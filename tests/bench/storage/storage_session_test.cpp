#include "bench/storage/storage_session.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace capbench {
namespace {

namespace fs = std::filesystem;

// A fresh directory standing for the storage path; what the session leaves is read from disk.
class StorageSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StorageSession::instance().remove_everything(true);
    base_ = fs::temp_directory_path() / ("capbench_storage_session_test_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_);
  }
  void TearDown() override { fs::remove_all(base_); }
  static void write(const fs::path& p) { std::ofstream(p) << "data"; }
  fs::path base_;
};

TEST_F(StorageSessionTest, ARankRemovesWhatItTrackedAndLeavesAnotherRanksRunDirectory) {
  auto& s = StorageSession::instance();
  const fs::path run = base_ / "capbench-storage-run";
  fs::create_directories(run / "easy");
  s.set_run_dir(base_.string(), run.string(), /*created_here=*/false, /*keep=*/false);
  write(run / "easy" / "rank-000001");
  write(run / "easy" / "rank-000000");  // rank 0's, not tracked here
  s.track((run / "easy" / "rank-000001").string());
  s.remove_everything(/*whole_tree=*/false);
  EXPECT_FALSE(fs::exists(run / "easy" / "rank-000001"));
  EXPECT_TRUE(fs::exists(run / "easy" / "rank-000000"));
  // Rank 0 at the end of the run, or at a stop: the whole run directory, others' files too.
  s.remove_everything(/*whole_tree=*/true);
  EXPECT_FALSE(fs::exists(run));
  EXPECT_TRUE(fs::exists(base_));
}

// Names go at once, large files too (held open, their blocks freed at the process's end), the
// tracked ones and those other ranks left in the run directory.
TEST_F(StorageSessionTest, LargeFilesLoseTheirNamesTrackedOrLeftByOthers) {
  auto& s = StorageSession::instance();
  const fs::path run = base_ / "capbench-storage-large";
  fs::create_directories(run / "easy");
  for (const char* name : {"rank-000000", "rank-000001"}) {
    std::ofstream out(run / "easy" / name, std::ios::binary);
    const std::string mib(1 << 20, 'x');
    for (int i = 0; i < 4; ++i) out << mib;
  }
  s.set_run_dir(base_.string(), run.string(), true, false);
  s.track((run / "easy" / "rank-000000").string());  // rank-000001 is another rank's
  s.remove_everything(true);
  EXPECT_FALSE(fs::exists(run));
  EXPECT_TRUE(fs::is_empty(base_));
}

TEST_F(StorageSessionTest, KeepFilesKeepsEverything) {
  auto& s = StorageSession::instance();
  const fs::path run = base_ / "capbench-storage-kept";
  fs::create_directories(run / "easy");
  write(run / "easy" / "rank-000000");
  s.set_run_dir(base_.string(), run.string(), true, /*keep=*/true);
  s.track((run / "easy" / "rank-000000").string());
  s.remove_everything(true);
  EXPECT_TRUE(fs::exists(run / "easy" / "rank-000000"));
}

// A stop's sweep runs on the watchdog thread while a phase may hold what find() returned.
TEST_F(StorageSessionTest, WhatFindReturnsOutlivesASweep) {
  auto& s = StorageSession::instance();
  s.store("easy", StoredSet{"/somewhere", 42, 1048576, 8, 0, 0});
  const auto set = s.find("easy");
  ASSERT_TRUE(set.has_value());
  s.remove_everything(true);
  EXPECT_FALSE(s.find("easy").has_value());
  EXPECT_EQ(set->seed, 42u);
  EXPECT_EQ(set->transfers_per_rank, 8);
}

}  // namespace
}  // namespace capbench
