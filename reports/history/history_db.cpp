// SQLite access for the nightly history: statements, schema migrations, adding a run.
#include "reports/history/history_db.hpp"

#include "common/utf8.hpp"
#include "common/clock.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "common/sha256.hpp"

namespace capbench {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw HistoryError(fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
    fail(db, "cannot prepare \"" + sql.substr(0, 60) + "\"");
}
Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, const std::string& v) {
  if (sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  fail(db_, "step of \"" + std::string(sql ? sql : "").substr(0, 60) + "\"");
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::int64_t Statement::integer(int col) const { return sqlite3_column_int64(stmt_, col); }
bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

const std::vector<Migration>& history_migrations() {
  static const std::vector<Migration> steps{
      {1, R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  source_path TEXT NOT NULL,
  added_at TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  suite_name TEXT NOT NULL,
  suite_sha256 TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  backend TEXT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  nranks INTEGER NOT NULL,
  nnodes INTEGER NOT NULL,
  failed_verifications INTEGER NOT NULL,
  UNIQUE (run_id)
);
CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  series_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  serial TEXT NOT NULL,
  uuid TEXT NOT NULL,
  pci_device_id TEXT NOT NULL
);
CREATE TABLE run_ranks (
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  host TEXT NOT NULL,
  node_index INTEGER NOT NULL,
  local_rank INTEGER NOT NULL,
  pci_bus_id TEXT NOT NULL,
  slot_key TEXT NOT NULL,
  device INTEGER NOT NULL REFERENCES devices(id),
  PRIMARY KEY (run, rank)
);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  case_index INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  benchmark TEXT NOT NULL,
  params_json TEXT NOT NULL,
  status TEXT NOT NULL,
  UNIQUE (run, case_id)
);
CREATE TABLE case_ranks (
  case_row INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  status TEXT NOT NULL,
  verification TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (case_row, rank)
);
CREATE TABLE metrics (
  id INTEGER PRIMARY KEY,
  case_row INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  rank_status TEXT NOT NULL,
  verification TEXT NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  labels_json TEXT NOT NULL,
  n INTEGER NOT NULL,
  median REAL NOT NULL
);
CREATE TABLE samples (
  metric INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (metric, idx)
) WITHOUT ROWID;
)sql"},
      // 2: the lookups `history check` makes for every metric of every run.
      {2, R"sql(
CREATE INDEX runs_by_suite ON runs (suite_name, backend, started_at);
CREATE INDEX cases_by_run ON cases (run);
CREATE INDEX metrics_by_case ON metrics (case_row, name, labels_json);
)sql"},
      // 3: re-measurements that confirm or clear a night's alarms (reports/history/history_confirm.*):
      // stored, but never a night of their own nor part of a baseline.
      {3, R"sql(
CREATE TABLE confirmations (
  run_id TEXT PRIMARY KEY,
  of_run_id TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
  };
  return steps;
}

HistoryDb::HistoryDb(const std::string& path, const std::vector<Migration>& migrations) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw HistoryError(fmt::format("{}: cannot open the history database: {}", path, msg));
  }
  try {
    // Another job may hold the write lock for a while (a large run going in): wait, do not fail.
    sqlite3_busy_timeout(db_, 60000);
    exec("PRAGMA foreign_keys = ON");
    use_wal();
    exec("PRAGMA synchronous = NORMAL");
    migrate(migrations);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

HistoryDb::~HistoryDb() { sqlite3_close(db_); }

// Nightly jobs of several partitions add to one database at once. Setting the journal mode
// needs the database to itself for a moment, and SQLite answers SQLITE_BUSY at once there,
// without the busy handler: wait and retry as long as the busy timeout would.
void HistoryDb::use_wal() {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA journal_mode = WAL", -1, &stmt, nullptr);
    std::string mode;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt, 0);
        mode = text ? reinterpret_cast<const char*>(text) : "";
      }
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_ROW) {
      if (mode != "wal") throw HistoryError(fmt::format("{}: cannot switch to WAL mode (journal mode {})", path_, mode));
      return;
    }
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
      throw HistoryError(fmt::format("{}: cannot switch to WAL mode: {}", path_, sqlite3_errmsg(db_)));
    if (std::chrono::steady_clock::now() >= until)
      throw HistoryError(fmt::format("{}: cannot switch to WAL mode: the database stayed locked for 60 s", path_));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void HistoryDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw HistoryError(fmt::format("{}: {}", path_, msg));
  }
}

int HistoryDb::schema_version() {
  Statement s(db_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

void HistoryDb::migrate(const std::vector<Migration>& migrations) {
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  // Checked again inside the write lock: two processes may open a fresh database at once.
  if (schema_version() == newest) return;
  exec("BEGIN IMMEDIATE");
  try {
    const int current = schema_version();
    if (current > newest)
      throw HistoryError(fmt::format("{}: schema version {} is newer than this capreport knows ({}); use a newer "
                                     "capreport",
                                     path_, current, newest));
    for (const auto& m : migrations) {
      if (m.version <= current) continue;
      exec(m.sql);
      exec(fmt::format("PRAGMA user_version = {}", m.version));
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::string series_key(const RankIdentity& id) {
  if (!id.device.serial.empty()) return "serial:" + id.device.serial;
  if (!id.device.uuid.empty()) return "uuid:" + id.device.uuid;
  if (!id.device.pci_bus_id.empty()) return "bus:" + id.host + "/" + id.device.pci_bus_id;
  return fmt::format("cpu:{}/rank {}", id.host, id.rank);
}

std::string slot_key(const RankIdentity& id) {
  if (!id.device.pci_bus_id.empty()) return "bus:" + id.host + "/" + id.device.pci_bus_id;
  return fmt::format("rank:{}/{}", id.host, id.rank);
}

namespace {
void insert_run_rows(sqlite3* db, const ResultsFile& r, const std::string& sha, const std::string& results_path,
                     int failed_verifications, AddOutcome& out);
}  // namespace

AddOutcome add_results_file(HistoryDb& hdb, const std::string& results_path, bool replace) {
  const ResultsFile r = read_results_file(results_path);
  const std::string sha = sha256_file_hex(results_path);
  sqlite3* db = hdb.handle();
  AddOutcome out;
  out.run_id = r.run.id;

  int failed_verifications = 0;
  for (const auto& c : r.cases)
    for (const auto& rr : c.ranks) failed_verifications += rr.verification.status == "failed" ? 1 : 0;

  // The duplicate check and the insert share one write transaction, so two jobs adding the
  // same file at once still store it once.
  hdb.exec("BEGIN IMMEDIATE");
  try {
    std::int64_t existing = 0;
    std::string existing_sha;
    {
      Statement find(db, "SELECT id, file_sha256 FROM runs WHERE run_id = ?");
      find.bind(1, r.run.id);
      if (find.step()) {
        existing = find.integer(0);
        existing_sha = find.text(1);
      }
    }
    if (existing != 0 && existing_sha == sha) {
      hdb.exec("ROLLBACK");
      out.kind = AddOutcome::Kind::kAlreadyPresent;
      out.run_row = existing;
      return out;
    }
    if (existing != 0) {
      if (!replace)
        throw HistoryError(fmt::format("{}: run {} is already in the history from a different file (sha256 {}); "
                                       "pass --replace to replace it",
                                       results_path, r.run.id, existing_sha));
      Statement del(db, "DELETE FROM runs WHERE id = ?");
      del.bind(1, existing);
      del.step();
      out.kind = AddOutcome::Kind::kReplaced;
    }
    insert_run_rows(db, r, sha, results_path, failed_verifications, out);
    hdb.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return out;
}

namespace {

// Every statement is finalized on return, before the caller commits.
// The run's own row; returns its id.
std::int64_t insert_run(sqlite3* db, const ResultsFile& r, const std::string& sha, const std::string& results_path,
                        int failed_verifications) {
  Statement ins_run(db,
                    "INSERT INTO runs (run_id, file_sha256, source_path, added_at, started_at, finished_at, "
                    "suite_name, suite_sha256, tool_version, git_commit, backend, status, status_reason, nranks, "
                    "nnodes, failed_verifications) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  std::error_code ec;
  const auto abs = std::filesystem::absolute(results_path, ec);
  ins_run.bind(1, r.run.id).bind(2, sha).bind(3, ec ? results_path : abs.string()).bind(4, utc_now_iso8601_seconds());
  ins_run.bind(5, r.run.started_at).bind(6, r.run.finished_at).bind(7, r.suite.name).bind(8, r.suite.sha256);
  ins_run.bind(9, r.run.tool_version).bind(10, r.run.git_commit).bind(11, r.run.backend);
  ins_run.bind(12, r.run.status).bind(13, r.run.status_reason).bind(14, r.run.nranks).bind(15, r.run.nnodes);
  ins_run.bind(16, failed_verifications);
  ins_run.step();
  return sqlite3_last_insert_rowid(db);
}

// Each rank's row, and its device's: a device seen in an earlier run keeps its row, so that
// its series runs on across nights.
void insert_ranks(sqlite3* db, const ResultsFile& r, std::int64_t run_row) {
  Statement find_dev(db, "SELECT id FROM devices WHERE series_key = ?");
  Statement ins_dev(db, "INSERT INTO devices (series_key, kind, name, serial, uuid, pci_device_id) VALUES (?,?,?,?,?,?)");
  Statement ins_rank(db,
                     "INSERT INTO run_ranks (run, rank, host, node_index, local_rank, pci_bus_id, slot_key, device) "
                     "VALUES (?,?,?,?,?,?,?,?)");
  for (const auto& id : r.ranks) {
    const std::string key = series_key(id);
    std::int64_t dev = 0;
    find_dev.reset();
    find_dev.bind(1, key);
    if (find_dev.step()) {
      dev = find_dev.integer(0);
    } else {
      ins_dev.reset();
      ins_dev.bind(1, key).bind(2, id.device.kind).bind(3, id.device.name).bind(4, id.device.serial);
      ins_dev.bind(5, id.device.uuid).bind(6, id.device.pci_device_id);
      ins_dev.step();
      dev = sqlite3_last_insert_rowid(db);
    }
    ins_rank.reset();
    ins_rank.bind(1, run_row).bind(2, id.rank).bind(3, id.host).bind(4, id.node_index);
    ins_rank.bind(5, id.local_rank).bind(6, id.device.pci_bus_id).bind(7, slot_key(id)).bind(8, dev);
    ins_rank.step();
  }
}

// The cases of one run, each rank's outcome in each, and every metric with its samples.
class CaseInserter {
 public:
  CaseInserter(sqlite3* db, std::int64_t run_row, AddOutcome& out)
      : db_(db), run_row_(run_row), out_(out),
        ins_case_(db, "INSERT INTO cases (run, case_index, case_id, benchmark, params_json, status) VALUES (?,?,?,?,?,?)"),
        ins_metric_(db,
                    "INSERT INTO metrics (case_row, rank, rank_status, verification, name, unit, labels_json, n, "
                    "median) VALUES (?,?,?,?,?,?,?,?,?)"),
        ins_sample_(db, "INSERT INTO samples (metric, idx, value) VALUES (?,?,?)"),
        ins_case_rank_(db, "INSERT INTO case_ranks (case_row, rank, status, verification, error) VALUES (?,?,?,?,?)") {}

  void insert(const CaseResult& c) {
    ins_case_.reset();
    ins_case_.bind(1, run_row_).bind(2, c.index).bind(3, c.id).bind(4, c.benchmark);
    ins_case_.bind(5, json_text(c.params)).bind(6, c.status);
    ins_case_.step();
    const std::int64_t case_row = sqlite3_last_insert_rowid(db_);
    for (const auto& rr : c.ranks) {
      ins_case_rank_.reset();
      ins_case_rank_.bind(1, case_row).bind(2, rr.rank).bind(3, rr.status).bind(4, rr.verification.status);
      ins_case_rank_.bind(5, rr.error.empty() ? rr.verification.detail : rr.error);
      ins_case_rank_.step();
      for (const auto& m : rr.metrics) insert_metric(case_row, rr.rank, rr.status, rr.verification.status, m);
    }
    // Job-wide figures (results/2 collectives) go in as rank kJobRank. They stand for every
    // rank at once, so they are usable only when every rank was ok and none failed its check.
    if (!c.metrics.empty()) {
      bool all_ok = !c.ranks.empty(), any_failed = false, all_passed = !c.ranks.empty();
      for (const auto& rr : c.ranks) {
        all_ok = all_ok && rr.status == "ok";
        any_failed = any_failed || rr.verification.status == "failed";
        all_passed = all_passed && rr.verification.status == "passed";
      }
      const std::string status = all_ok ? "ok" : "failed";
      const std::string verification = any_failed ? "failed" : all_passed ? "passed" : "not_run";
      for (const auto& m : c.metrics) insert_metric(case_row, kJobRank, status, verification, m);
    }
  }

 private:
  // A metric whose samples were not kept (a large run keeps stats for most ranks) goes in with
  // n = 0 and the rank's stats median: no sample row, so checks and trends see no samples.
  void insert_metric(std::int64_t case_row, int rank, const std::string& status, const std::string& verification,
                     const Metric& m) {
    ins_metric_.reset();
    ins_metric_.bind(1, case_row).bind(2, rank).bind(3, status).bind(4, verification);
    ins_metric_.bind(5, m.name).bind(6, m.unit).bind(7, json_text(m.labels));
    ins_metric_.bind(8, static_cast<std::int64_t>(m.samples.size()));
    ins_metric_.bind(9, m.samples.empty() ? m.stats.median : median(m.samples));
    ins_metric_.step();
    const std::int64_t metric_row = sqlite3_last_insert_rowid(db_);
    ++out_.metrics;
    for (std::size_t i = 0; i < m.samples.size(); ++i) {
      ins_sample_.reset();
      ins_sample_.bind(1, metric_row).bind(2, static_cast<std::int64_t>(i)).bind(3, m.samples[i]);
      ins_sample_.step();
      ++out_.samples;
    }
  }

  sqlite3* db_;
  std::int64_t run_row_;
  AddOutcome& out_;
  Statement ins_case_, ins_metric_, ins_sample_, ins_case_rank_;
};

void insert_run_rows(sqlite3* db, const ResultsFile& r, const std::string& sha, const std::string& results_path,
                     int failed_verifications, AddOutcome& out) {
  out.run_row = insert_run(db, r, sha, results_path, failed_verifications);
  insert_ranks(db, r, out.run_row);
  CaseInserter cases(db, out.run_row, out);
  for (const auto& c : r.cases) cases.insert(c);
}

}  // namespace

}  // namespace capbench
