#pragma once
// The nightly history: an SQLite database of runs, the devices they ran on and every metric's
// per-iteration samples. Schema changes are numbered migrations (PRAGMA user_version); the
// database runs in WAL mode with a busy timeout, and each run goes in as one transaction, so
// several jobs may add runs at once.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/results.hpp"

namespace capbench {

struct HistoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A prepared statement bound to its database; steps rows and reads columns by index.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& v);
  Statement& bind(int index, double v);
  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Statement& bind_null(int index);
  bool step();  // true while there is a row
  void reset();
  std::string text(int col) const;
  double real(int col) const;
  std::int64_t integer(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// One schema step: SQL run in a transaction that then sets user_version to `version`.
struct Migration {
  int version;
  std::string sql;
};

// The schema this build writes, oldest step first.
const std::vector<Migration>& history_migrations();

class HistoryDb {
 public:
  // Opens (creating when absent) and migrates to the newest schema. A database written by a
  // newer capreport (user_version beyond what this build knows) is refused.
  explicit HistoryDb(const std::string& path, const std::vector<Migration>& migrations = history_migrations());
  ~HistoryDb();
  HistoryDb(const HistoryDb&) = delete;
  HistoryDb& operator=(const HistoryDb&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  int schema_version();
  void exec(const std::string& sql);

 private:
  void use_wal();
  void migrate(const std::vector<Migration>& migrations);
  std::string path_;
  sqlite3* db_ = nullptr;
};

// "serial:…", else "uuid:…", else "bus:HOST/BUSID", else "cpu:HOST/rank N": what identifies one
// device across nights. A replaced GPU has a new serial, so it starts a new series.
std::string series_key(const RankIdentity& id);
// Where a device sits (host + bus id, or host + rank on a CPU): a new series in a slot that
// had another device before is a replacement, not a regression.
std::string slot_key(const RankIdentity& id);

// The rank under which a case's job-wide metrics (results/2 collectives) are stored: they
// belong to no one device, and their series is "job".
inline constexpr int kJobRank = -1;
inline constexpr const char* kJobSeries = "job";

struct AddOutcome {
  enum class Kind { kAdded, kAlreadyPresent, kReplaced } kind = Kind::kAdded;
  std::int64_t run_row = 0;
  std::string run_id;
  std::size_t metrics = 0, samples = 0;
};

// Adds one results file. The same run id with the same file sha256 is ignored (kAlreadyPresent);
// the same run id from a different file is refused (HistoryError) unless `replace` is set.
// Throws ConfigError for an invalid results file.
AddOutcome add_results_file(HistoryDb& db, const std::string& results_path, bool replace = false);

}  // namespace capbench
