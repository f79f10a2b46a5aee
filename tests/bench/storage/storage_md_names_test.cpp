#include "bench/storage/storage_md_names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace capbench::storage {
namespace {

TEST(MdFileNames, PrivateFilesLieInTheirRanksDirectoryNamedByIndex) {
  const MdLayout lay{"/fs/run/md-private", false};
  MdFileNames names("/fs/run", lay, 3);
  EXPECT_EQ(names.path(42), "/fs/run/md-private/rank-000003/f-00000042");
  EXPECT_EQ(names.rel(), "md-private/rank-000003/f-00000042");
  EXPECT_EQ(lay.dir(3), "/fs/run/md-private/rank-000003");
  // Each file's path is in the rank's directory.
  EXPECT_EQ(names.path(7).rfind(lay.dir(3) + "/", 0), 0u);
}

TEST(MdFileNames, SharedFilesCarryTheirRankInTheName) {
  const MdLayout lay{"/fs/run/md-shared", true};
  MdFileNames names("/fs/run", lay, 12);
  EXPECT_EQ(names.path(0), "/fs/run/md-shared/f-r000012-00000000");
  EXPECT_EQ(names.rel(), "md-shared/f-r000012-00000000");
  EXPECT_EQ(lay.dir(12), "/fs/run/md-shared");
}

TEST(MdFileNames, EachCallGivesOnlyThatIndexNeverTheLastOnesDigits) {
  MdFileNames names("/fs/run", MdLayout{"/fs/run/md-private", false}, 0);
  EXPECT_EQ(names.path(123456789), "/fs/run/md-private/rank-000000/f-123456789");  // past 8 digits
  EXPECT_EQ(names.path(5), "/fs/run/md-private/rank-000000/f-00000005");
  EXPECT_EQ(names.rel(), "md-private/rank-000000/f-00000005");
}

TEST(MdFileNames, ARunDirectoryWithATrailingSlashGivesOneSeparator) {
  MdFileNames names("/fs/run/", MdLayout{"/fs/run/md-private", false}, 1);
  EXPECT_EQ(names.path(1), "/fs/run/md-private/rank-000001/f-00000001");
  EXPECT_EQ(names.rel(), "md-private/rank-000001/f-00000001");
}

}  // namespace
}  // namespace capbench::storage
