// The history database: duplicates, schema version and migration, concurrent writers.
#include "reports/history/history_db.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "tests/reports/history_synthetic.hpp"

namespace capbench {
namespace {

using testing::fleet;
using testing::SynthRun;
using testing::ScratchDir;
using testing::write_synthetic_run;

std::int64_t count(HistoryDb& db, const std::string& sql) {
  Statement s(db.handle(), sql);
  s.step();
  return s.integer(0);
}

TEST(HistoryDb, NewDatabaseIsAtTheNewestSchemaInWalMode) {
  ScratchDir dir;
  HistoryDb db((dir.path / "h.sqlite").string());
  EXPECT_EQ(db.schema_version(), history_migrations().back().version);
  Statement s(db.handle(), "PRAGMA journal_mode");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(0), "wal");
}

TEST(HistoryDb, AddingTheSameFileTwiceStoresItOnce) {
  ScratchDir dir;
  std::mt19937_64 rng(1);
  const auto file = write_synthetic_run(dir.path, SynthRun{"run-1", 1, fleet(2)}, rng);
  HistoryDb db((dir.path / "h.sqlite").string());
  const auto first = add_results_file(db, file);
  EXPECT_EQ(first.kind, AddOutcome::Kind::kAdded);
  EXPECT_EQ(first.metrics, 4u);
  EXPECT_EQ(first.samples, 40u);
  const auto second = add_results_file(db, file);
  EXPECT_EQ(second.kind, AddOutcome::Kind::kAlreadyPresent);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM metrics"), 4);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM samples"), 40);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM devices"), 4);
}

TEST(HistoryDb, JobWideMetricsAreStoredUnderTheJobRank) {
  ScratchDir dir;
  std::mt19937_64 rng(2);
  SynthRun run{"run-1", 1, fleet(2)};
  run.job_busbw = 150e9;
  const auto file = write_synthetic_run(dir.path, run, rng);
  HistoryDb db((dir.path / "h.sqlite").string());
  const auto out = add_results_file(db, file);
  // 4 GEMM metrics + time, algbw and busbw of the job, each with 10 samples.
  EXPECT_EQ(out.metrics, 4u + 3u);
  EXPECT_EQ(out.samples, 70u);
  EXPECT_EQ(count(db, fmt::format("SELECT COUNT(*) FROM metrics WHERE rank = {}", kJobRank)), 3);
  EXPECT_EQ(count(db, fmt::format("SELECT COUNT(*) FROM metrics WHERE rank = {} AND rank_status = 'ok' AND "
                                  "verification = 'passed' AND n = 10",
                                  kJobRank)),
            3);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM samples s JOIN metrics m ON m.id = s.metric WHERE m.rank < 0"), 30);
}

TEST(HistoryDb, RanksWithoutSamplesKeepTheirStatsMedianAndNoSampleRows) {
  ScratchDir dir;
  std::mt19937_64 rng(3);
  SynthRun run{"run-1", 1, fleet(2)};
  run.thin_samples = true;
  const auto file = write_synthetic_run(dir.path, run, rng);
  HistoryDb db((dir.path / "h.sqlite").string());
  const auto out = add_results_file(db, file);
  EXPECT_EQ(out.metrics, 4u);
  EXPECT_EQ(out.samples, 10u);  // rank 0's only
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM metrics WHERE n = 0 AND median > 6e14"), 3);
}

TEST(HistoryDb, SameRunIdFromAnotherFileIsRefusedUnlessReplaced) {
  ScratchDir dir;
  std::mt19937_64 rng(2);
  const auto file = write_synthetic_run(dir.path, SynthRun{"run-1", 1, fleet(1)}, rng);
  HistoryDb db((dir.path / "h.sqlite").string());
  add_results_file(db, file);
  write_synthetic_run(dir.path, SynthRun{"run-1", 1, fleet(1)}, rng);  // new samples, same id and path
  EXPECT_THROW(add_results_file(db, file), HistoryError);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(add_results_file(db, file, /*replace=*/true).kind, AddOutcome::Kind::kReplaced);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM metrics"), 2);  // the old run's rows went with it
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM samples"), 20);
}

TEST(HistoryDb, InvalidResultsFileAddsNothing) {
  ScratchDir dir;
  const auto bad = (dir.path / "bad.json").string();
  std::ofstream(bad) << R"({"schema": "capbench.results/1", "run": {}})";
  HistoryDb db((dir.path / "h.sqlite").string());
  EXPECT_THROW(add_results_file(db, bad), ConfigError);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM runs"), 0);
}

TEST(HistoryDb, OlderDatabaseIsMigratedKeepingItsRuns) {
  ScratchDir dir;
  const auto path = (dir.path / "h.sqlite").string();
  std::mt19937_64 rng(3);
  const auto file = write_synthetic_run(dir.path, SynthRun{"run-1", 1, fleet(1)}, rng);
  {
    const std::vector<Migration> first_only{history_migrations().front()};
    HistoryDb v1(path, first_only);
    EXPECT_EQ(v1.schema_version(), 1);
    add_results_file(v1, file);
    EXPECT_EQ(count(v1, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'metrics_by_case'"), 0);
  }
  HistoryDb now(path);
  EXPECT_EQ(now.schema_version(), history_migrations().back().version);
  EXPECT_EQ(count(now, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'metrics_by_case'"), 1);
  EXPECT_EQ(count(now, "SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(count(now, "SELECT COUNT(*) FROM samples"), 20);
}

TEST(HistoryDb, MigrationsAreAppliedInOrderAndOnlyOnce) {
  ScratchDir dir;
  const auto path = (dir.path / "h.sqlite").string();
  const std::vector<Migration> steps{{1, "CREATE TABLE t (x INTEGER)"},
                                     {2, "INSERT INTO t VALUES (2)"},
                                     {3, "INSERT INTO t SELECT x + 1 FROM t"}};
  {
    HistoryDb db(path, steps);
    EXPECT_EQ(db.schema_version(), 3);
  }
  HistoryDb again(path, steps);  // nothing left to apply: step 3 must not run twice
  EXPECT_EQ(count(again, "SELECT COUNT(*) FROM t"), 2);
  EXPECT_EQ(count(again, "SELECT MAX(x) FROM t"), 3);
}

TEST(HistoryDb, DatabaseFromANewerCapreportIsRefused) {
  ScratchDir dir;
  const auto path = (dir.path / "h.sqlite").string();
  {
    HistoryDb db(path);
    db.exec("PRAGMA user_version = 99");
  }
  EXPECT_THROW(HistoryDb db(path), HistoryError);
}

TEST(HistoryDb, TwoProcessesAddingAtOnceBothLandIntact) {
  ScratchDir dir;
  const auto path = (dir.path / "h.sqlite").string();
  std::mt19937_64 rng(4);
  constexpr int kPerProcess = 6;
  std::vector<std::string> files[2];
  for (int p = 0; p < 2; ++p)
    for (int i = 0; i < kPerProcess; ++i)
      files[p].push_back(write_synthetic_run(dir.path, SynthRun{fmt::format("p{}-run{}", p, i), 1 + i, fleet(4)}, rng));
  pid_t children[2];
  for (int p = 0; p < 2; ++p) {
    children[p] = fork();
    ASSERT_GE(children[p], 0);
    if (children[p] == 0) {
      int code = 0;
      try {
        for (const auto& f : files[p]) {
          HistoryDb db(path);  // each add on its own connection, as separate jobs would
          if (add_results_file(db, f).kind != AddOutcome::Kind::kAdded) code = 3;
        }
      } catch (const std::exception& e) {
        fprintf(stderr, "child %d: %s\n", p, e.what());
        code = 4;
      }
      _exit(code);
    }
  }
  for (pid_t c : children) {
    int status = 0;
    ASSERT_EQ(waitpid(c, &status, 0), c);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  HistoryDb db(path);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM runs"), 2 * kPerProcess);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM metrics"), 2 * kPerProcess * 8);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM samples"), 2 * kPerProcess * 8 * 10);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM devices"), 8);  // the same GPUs, one row each
  Statement check(db.handle(), "PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
}

TEST(HistoryDb, SeriesKeyPrefersSerialThenUuidThenBusThenRank) {
  RankIdentity id;
  id.rank = 3;
  id.host = "gpu07";
  EXPECT_EQ(series_key(id), "cpu:gpu07/rank 3");
  EXPECT_EQ(slot_key(id), "rank:gpu07/3");
  id.device.pci_bus_id = "0000:18:00.0";
  EXPECT_EQ(series_key(id), "bus:gpu07/0000:18:00.0");
  EXPECT_EQ(slot_key(id), "bus:gpu07/0000:18:00.0");
  id.device.uuid = "GPU-1234";
  EXPECT_EQ(series_key(id), "uuid:GPU-1234");
  id.device.serial = "1652822041234";
  EXPECT_EQ(series_key(id), "serial:1652822041234");
  EXPECT_EQ(slot_key(id), "bus:gpu07/0000:18:00.0");
}

}  // namespace
}  // namespace capbench
