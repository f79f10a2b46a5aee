#include "bench/storage/storage_fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace capbench {

std::string fs_type_from_magic(std::uint64_t magic) {
  struct Known {
    std::uint64_t magic;
    const char* name;
  };
  // Magic numbers of statfs(2)'s f_type: linux/magic.h and the file systems' own headers.
  static constexpr Known kKnown[] = {
      {0x0BD00BD0, "lustre"},   {0x47504653, "gpfs"},     {0x19830326, "beegfs"},  {0x00006969, "nfs"},
      {0x0000EF53, "ext2/3/4"}, {0x58465342, "xfs"},      {0x01021994, "tmpfs"},   {0x9123683E, "btrfs"},
      {0x2FC12FC1, "zfs"},      {0x00C36400, "ceph"},     {0x794C7630, "overlayfs"}, {0xAAD7AAEA, "panfs"},
      {0xFE534D42, "smb2"},     {0xFF534D42, "cifs"},     {0x65735546, "fuse"},    {0x858458F6, "ramfs"},
      {0xF2F52010, "f2fs"},     {0x73717368, "squashfs"}, {0x5346544E, "ntfs"},    {0x6B414653, "afs"},
  };
  for (const auto& k : kKnown)
    if (k.magic == magic) return k.name;
  return "unknown";
}

std::string errno_description(int err) {
  const char* name = nullptr;
  switch (err) {
    case ENOSPC: name = "ENOSPC"; break;
    case EDQUOT: name = "EDQUOT"; break;
    case EACCES: name = "EACCES"; break;
    case EPERM: name = "EPERM"; break;
    case EROFS: name = "EROFS"; break;
    case ENOENT: name = "ENOENT"; break;
    case EIO: name = "EIO"; break;
    case ESTALE: name = "ESTALE"; break;
    case EEXIST: name = "EEXIST"; break;
    case ENOTDIR: name = "ENOTDIR"; break;
    case EMFILE: name = "EMFILE"; break;
    case EFBIG: name = "EFBIG"; break;
    default: break;
  }
  return name ? fmt::format("{} ({})", name, std::strerror(err)) : fmt::format("errno {} ({})", err, std::strerror(err));
}

void throw_storage_error(const std::string& what, int err, const std::string& path) {
  std::string msg = fmt::format("{}: {}", what, errno_description(err));
  if (err == ENOENT) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::exists(parent, ec))
      msg += fmt::format("; the directory {} vanished during the run", parent.string());
  }
  throw StorageError(msg, err);
}

StorageCapacity query_storage_capacity(const std::string& path) {
  StorageCapacity c;
  c.path = path;
  struct statvfs v {};
  if (::statvfs(path.c_str(), &v) != 0) throw_storage_error("statvfs " + path, errno, path);
  struct statfs f {};
  if (::statfs(path.c_str(), &f) != 0) throw_storage_error("statfs " + path, errno, path);
  // f_type is signed on some ABIs; magic numbers are 32-bit values.
  c.fs_magic = static_cast<std::uint64_t>(f.f_type) & 0xFFFFFFFFull;
  c.fs_type = fs_type_from_magic(c.fs_magic);
  const std::uint64_t unit = v.f_frsize ? v.f_frsize : v.f_bsize;
  c.block_size = unit;
  c.total_bytes = std::uint64_t(v.f_blocks) * unit;
  c.free_bytes = std::uint64_t(v.f_bfree) * unit;
  c.available_bytes = std::uint64_t(v.f_bavail) * unit;
  c.total_inodes = v.f_files;
  c.free_inodes = v.f_ffree;
  c.available_inodes = v.f_favail;
  c.read_only = (v.f_flag & ST_RDONLY) != 0;
  return c;
}

json capacity_to_json(const StorageCapacity& c) {
  return {{"path", c.path},
          {"fs_type", c.fs_type},
          {"fs_magic", fmt::format("0x{:08x}", c.fs_magic)},
          {"block_size", c.block_size},
          {"total_bytes", c.total_bytes},
          {"free_bytes", c.free_bytes},
          {"available_bytes", c.available_bytes},
          {"total_inodes", c.total_inodes},
          {"free_inodes", c.free_inodes},
          {"available_inodes", c.available_inodes},
          {"read_only", c.read_only}};
}

void pwrite_all(int fd, const void* buf, std::size_t n, std::uint64_t offset, const std::string& path) {
  const auto* p = static_cast<const unsigned char*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t w = ::pwrite(fd, p + done, n - done, static_cast<off_t>(offset + done));
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_storage_error(fmt::format("write of {} bytes at offset {} to {}", n - done, offset + done, path), errno,
                          path);
    }
    done += static_cast<std::size_t>(w);
  }
}

void pread_all(int fd, void* buf, std::size_t n, std::uint64_t offset, const std::string& path) {
  auto* p = static_cast<unsigned char*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, p + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw_storage_error(fmt::format("read of {} bytes at offset {} from {}", n - done, offset + done, path), errno,
                          path);
    }
    if (r == 0)
      throw StorageError(fmt::format("read of {} bytes at offset {} from {}: the file ends at {} (it is shorter than "
                                     "what was written)",
                                     n - done, offset + done, path, offset + done),
                         0);
    done += static_cast<std::size_t>(r);
  }
}

bool remove_if_present(const std::string& path) {
  if (::remove(path.c_str()) == 0 || errno == ENOENT) return true;
  return false;
}

}  // namespace capbench
