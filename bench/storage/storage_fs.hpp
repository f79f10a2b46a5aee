#pragma once
// What the file system under a path is and holds (statvfs, statfs magic), and POSIX calls
// that fail with a message naming the file, the offset and the errno (ENOSPC, EACCES, ...).
#include <cstdint>
#include <stdexcept>
#include <string>

#include "common/config_node.hpp"

namespace capbench {

struct StorageCapacity {
  std::string path;
  std::string fs_type;      // "lustre", "gpfs", "beegfs", "nfs", "ext2/3/4", "xfs", "tmpfs", ... or "unknown"
  std::uint64_t fs_magic = 0;
  std::uint64_t block_size = 0;
  std::uint64_t total_bytes = 0, free_bytes = 0, available_bytes = 0;  // available: to an unprivileged user
  std::uint64_t total_inodes = 0, free_inodes = 0, available_inodes = 0;
  bool read_only = false;
};

// Throws StorageError when the path cannot be queried.
StorageCapacity query_storage_capacity(const std::string& path);
json capacity_to_json(const StorageCapacity& c);
std::string fs_type_from_magic(std::uint64_t magic);

// "ENOSPC (No space left on device)"; the symbolic name where known.
std::string errno_description(int err);

struct StorageError : std::runtime_error {
  int err;
  StorageError(const std::string& what, int e) : std::runtime_error(what), err(e) {}
};

// `what` names the call and its target, e.g. "open /x/y for writing"; errno is appended. A
// missing directory (ENOENT where the parent is gone) says that the directory vanished.
[[noreturn]] void throw_storage_error(const std::string& what, int err, const std::string& path);

// Whole transfers: retry short reads and writes and EINTR; throw on error or end of file.
void pwrite_all(int fd, const void* buf, std::size_t n, std::uint64_t offset, const std::string& path);
void pread_all(int fd, void* buf, std::size_t n, std::uint64_t offset, const std::string& path);

// Removes a file or an empty directory, ignoring ENOENT; false (and errno kept) otherwise.
bool remove_if_present(const std::string& path);

}  // namespace capbench
