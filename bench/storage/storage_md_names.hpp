#pragma once
// Where the metadata phases' files are: a directory per rank (private) or one for all (shared),
// below the run directory, each file named by its rank and index.
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace capbench::storage {

struct MdLayout {
  std::string root;  // RUN/md-private or RUN/md-shared
  bool shared = false;
  std::string dir(int rank) const {
    return shared ? root : (std::filesystem::path(root) / fmt::format("rank-{:06d}", rank)).string();
  }
  // A file's name below the run directory is this prefix and its index in 8 digits (more past
  // 10^8 files).
  std::string rel_prefix(int rank) const {
    return shared ? fmt::format("md-shared/f-r{:06d}-", rank) : fmt::format("md-private/rank-{:06d}/f-", rank);
  }
};

// The paths of one rank's files, written into one buffer: only the index changes from file to
// file. Built with std::filesystem::path and fmt per file, a path took 0.4 us, a quarter of a
// cached stat, inside the timed region (docs/performance.md, Storage); mdtest, too, prints its
// names into a buffer.
class MdFileNames {
 public:
  MdFileNames(const std::string& run_dir, const MdLayout& lay, int rank)
      : path_((std::filesystem::path(run_dir) / lay.rel_prefix(rank)).string()), prefix_(path_.size()),
        rel_from_(prefix_ - lay.rel_prefix(rank).size()) {}
  // The whole path of file i; valid until the next call.
  const std::string& path(std::int64_t i) {
    path_.resize(prefix_);
    fmt::format_to(std::back_inserter(path_), "{:08d}", i);
    return path_;
  }
  // The name below the run directory of the file path() gave last: its pattern's key.
  std::string_view rel() const { return std::string_view(path_).substr(rel_from_); }

 private:
  std::string path_;
  std::size_t prefix_, rel_from_;
};

}  // namespace capbench::storage
