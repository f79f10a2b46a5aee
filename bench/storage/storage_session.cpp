#include "bench/storage/storage_session.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>


namespace capbench {

StorageSession& StorageSession::instance() {
  static StorageSession s;
  return s;
}

std::string StorageSession::run_dir(const std::string& base) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = run_dirs_.find(base);
  return it == run_dirs_.end() ? std::string() : it->second.dir;
}

void StorageSession::set_run_dir(const std::string& base, const std::string& dir, bool created_here, bool keep) {
  std::lock_guard<std::mutex> lock(mu_);
  run_dirs_[base] = RunDir{dir, created_here, keep};
}

void StorageSession::track(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  tracked_.insert(path);
}

void StorageSession::untrack(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  tracked_.erase(path);
}

void StorageSession::store(const std::string& key, StoredSet s) {
  std::lock_guard<std::mutex> lock(mu_);
  stored_[key] = std::move(s);
}

std::optional<StoredSet> StorageSession::find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stored_.find(key);
  if (it == stored_.end()) return std::nullopt;
  return it->second;
}

namespace {

// Removes a regular file's name while this process holds it open: the unlink returns at once
// whatever the file's size, and the kernel frees its blocks when the process ends. False (and
// nothing held) when `path` is not a regular file or cannot be removed so.
bool unlink_held_open(const std::string& path, std::vector<int>* held) {
  // NFS keeps a removed open file as a ".nfs…" entry until the close, which would keep the
  // run directory from going: there the plain removal is the right one.
  constexpr decltype(statfs::f_type) kNfsMagic = 0x6969;
  struct statfs fs_info {};
  if (::statfs(path.c_str(), &fs_info) != 0 || fs_info.f_type == kNfsMagic) return false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || ::unlink(path.c_str()) != 0) {
    ::close(fd);
    return false;
  }
  held->push_back(fd);
  return true;
}

// Files held open at most (one per rank and write phase is the usual count), and the size from
// which a file another rank left in a run directory is worth holding (its freeing is what takes time).
constexpr std::size_t kMaxHeldOpen = 1024;
constexpr std::uintmax_t kHoldFromBytes = std::uintmax_t(1) << 20;

// Before a run directory goes: the large files in it lose their names held open.
void unlink_large_files_held_open(const std::string& dir, std::vector<int>* held) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end && held->size() < kMaxHeldOpen; it.increment(ec)) {
    std::error_code e;
    if (it->is_regular_file(e) && it->file_size(e) >= kHoldFromBytes && !e)
      unlink_held_open(it->path().string(), held);
  }
}

}  // namespace

void StorageSession::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  stored_.erase(key);
}

void StorageSession::remove_everything(bool whole_tree) noexcept {
  try {
    std::lock_guard<std::mutex> lock(mu_);
    bool keep_all = false;
    for (const auto& [base, rd] : run_dirs_) keep_all = keep_all || rd.keep;
    if (!keep_all) {
      // Deepest paths first: files before the directories that hold them.
      for (auto it = tracked_.rbegin(); it != tracked_.rend(); ++it) {
        if (held_open_.size() < kMaxHeldOpen && unlink_held_open(*it, &held_open_)) continue;
        std::error_code ec;
        std::filesystem::remove_all(*it, ec);
      }
      tracked_.clear();
    }
    for (auto& [base, rd] : run_dirs_) {
      if (rd.keep || rd.dir.empty()) continue;
      std::error_code ec;
      if (whole_tree || rd.created_here) {
        // Another rank may be removing entries at the same time, or (stopped by the same signal)
        // still finishing a write: retry for up to 1 s until the directory is gone.
        unlink_large_files_held_open(rd.dir, &held_open_);
        for (int attempt = 0; attempt < 20; ++attempt) {
          ec.clear();
          std::filesystem::remove_all(rd.dir, ec);
          std::error_code gone;
          if (!ec && !std::filesystem::exists(rd.dir, gone)) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    }
    stored_.clear();
  } catch (...) {
  }
}

}  // namespace capbench
