#pragma once
// What the storage phases of one run share on this rank: the unique run directory under each
// storage path, what each write phase left for its read phase, and every file this rank
// created, so that the end of the run, a failure or a stop signal removes them all.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace capbench {

// What a write phase left behind for the read (or stat, read, delete) phase after it.
struct StoredSet {
  std::string dir;                 // absolute directory holding the set's files
  std::uint64_t seed = 0;          // the pattern's seed
  std::int64_t transfer_bytes = 0;
  std::int64_t transfers_per_rank = 0;  // after wear-out: the same on every rank
  std::int64_t files_per_rank = 0;      // metadata sets
  std::int64_t file_bytes = 0;
};

class StorageSession {
 public:
  static StorageSession& instance();

  // The run directory under `base`, once created ("" when none yet).
  std::string run_dir(const std::string& base) const;
  void set_run_dir(const std::string& base, const std::string& dir, bool created_here, bool keep);

  void track(const std::string& path);    // a file or directory (with all it holds) this rank created
  void untrack(const std::string& path);  // removed by the phase that used it

  void store(const std::string& key, StoredSet s);
  // A copy: a stop's sweep (on the watchdog thread) may clear the sets while a phase reads one.
  std::optional<StoredSet> find(const std::string& key) const;
  void forget(const std::string& key);

  // Removes every tracked file and directory of this rank; where `whole_tree` (rank 0 at the
  // end of the run, or before it aborts the job), also each run directory it created, with
  // whatever other ranks left in it. Keeps what a suite asked to keep. Never throws; safe
  // from any thread: the watchdog calls it as soon as it sees a stop signal, whatever the main
  // thread is doing, since Open MPI's mpirun sends SIGKILL 1 s after its SIGTERM.
  // Called only as the process ends: each file loses its name while the process holds it open,
  // so that a freshly written GiB, whose freeing takes tenths of a second, costs no more than
  // an empty file; the kernel frees its blocks when the process exits, moments later.
  void remove_everything(bool whole_tree) noexcept;

  // Command line --storage-path: overrides every storage case's path.
  void set_path_override(const std::string& p) { path_override_ = p; }
  const std::string& path_override() const { return path_override_; }

 private:
  struct RunDir {
    std::string dir;
    bool created_here = false, keep = false;
  };
  mutable std::mutex mu_;
  std::map<std::string, RunDir> run_dirs_;
  std::vector<int> held_open_;  // removed files held open; the process's end closes them
  std::set<std::string> tracked_;
  std::map<std::string, StoredSet> stored_;
  std::string path_override_;
};

}  // namespace capbench
