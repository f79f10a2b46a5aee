#include "bench/storage/storage_session.hpp"

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

const StoredSet* StorageSession::find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stored_.find(key);
  return it == stored_.end() ? nullptr : &it->second;
}

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
