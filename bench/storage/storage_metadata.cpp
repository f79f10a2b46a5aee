// mdtest-style metadata phases: create, stat, read, delete, private or shared directory.
#include <fcntl.h>
#include <mpi.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <fmt/format.h>

#include "bench/storage/storage_fs.hpp"
#include "bench/storage/storage_md_names.hpp"
#include "bench/storage/storage_pattern.hpp"
#include "bench/storage/storage_phase.hpp"
#include "bench/storage/storage_session.hpp"
#include "bench/timing.hpp"

namespace capbench::storage {

namespace fs = std::filesystem;

RankResult metadata_phase(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                          RankResult r) {
  auto& session = StorageSession::instance();
  const int me = ctx.comm.rank(), n = ctx.comm.size();
  const bool shared = p.dir_mode == "shared";
  MdLayout lay{(fs::path(run_dir) / (shared ? "md-shared" : "md-private")).string(), shared};
  StoredSet set;
  std::string err;
  if (p.op == "create") {
    set = StoredSet{run_dir, ctx.case_seed, 0, 0, p.files_per_rank, p.file_bytes};
    std::uint64_t block = 4096;
    try {
      block = std::max<std::uint64_t>(block, query_storage_capacity(base).block_size);
    } catch (...) {
    }
    const double per_file = double((std::uint64_t(p.file_bytes) + block - 1) / block * block + block);
    err = space_refusal(base, p, per_file * double(p.files_per_rank) * n, &r.info);
    if (err.empty())
      err = capture_error([&] {
        make_subdir(lay.root);
        if (!shared) make_subdir(lay.dir(me));
      });
  } else {
    const auto s = session.find(p.set_key());
    if (!s) err = fmt::format("nothing to {}: the {} metadata create phase did not complete in this run", p.op, p.dir_mode);
    else set = *s;
  }
  agree(ctx, err, "the start of the metadata phase");
  const int src = p.op == "stat" || p.op == "read" ? read_source(ctx) : me;
  MdFileNames names(run_dir, lay, src);
  if (p.op != "create" && p.op != "delete") note_cache(ctx, &r.info);
  Buffer buf(static_cast<std::size_t>(std::max<std::int64_t>(set.file_bytes, 1))),
      expect(static_cast<std::size_t>(std::max<std::int64_t>(set.file_bytes, 1)));
  const std::size_t B = static_cast<std::size_t>(set.file_bytes);
  std::uint64_t mismatches = 0, size_errors = 0;
  std::string first_bad;
  std::int64_t done = 0;
  bool timeout = false;
  agree(ctx, "", "the start line");
  PhaseClock clock;
  clock.start();
  err = capture_error([&] {
    for (std::int64_t i = 0; i < set.files_per_rank; ++i, ++done) {
      const std::string& path = names.path(i);
      if (p.op == "create") {
        const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) throw_storage_error("create " + path, errno, path);
        if (B) {
          fill_storage_pattern(storage_file_key(set.seed, names.rel()), 0, buf.p, B);
          try {
            pwrite_all(fd, buf.p, B, 0, path);
          } catch (...) {
            ::close(fd);
            ::unlink(path.c_str());
            throw;
          }
        }
        if (::close(fd) != 0) throw_storage_error("close " + path, errno, path);
      } else if (p.op == "stat") {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) throw_storage_error("stat " + path, errno, path);
        if (st.st_size != set.file_bytes && size_errors++ == 0)
          first_bad = fmt::format("{} has {} bytes, expected {}", path, st.st_size, set.file_bytes);
      } else if (p.op == "read") {
        const int fd = ::open(path.c_str(), O_RDONLY);
        if (fd < 0) throw_storage_error("open " + path + " for reading", errno, path);
        try {
          if (B) pread_all(fd, buf.p, B, 0, path);
        } catch (...) {
          ::close(fd);
          throw;
        }
        ::close(fd);
        clock.stop();
        const auto c = check_storage_pattern(storage_file_key(set.seed, names.rel()), 0, buf.p, B, expect.p);
        if (c.mismatches && mismatches == 0)
          first_bad = fmt::format("{}: {} wrong bytes, the first at offset {} (0x{:02x}, expected 0x{:02x})", path,
                                  c.mismatches, c.first_offset, c.found, c.expected);
        mismatches += c.mismatches;
        clock.start();
      } else {  // delete
        if (::unlink(path.c_str()) != 0) throw_storage_error("delete " + path, errno, path);
      }
      check_stop("the metadata phase");
      if (ctx.deadline.expired()) {
        timeout = true;
        throw StorageError("deadline passed in the metadata phase", 0);
      }
    }
  });
  const double t = clock.seconds();
  const auto v = exchange(ctx, {err.empty() ? 0.0 : 1.0, double(done), t, (mismatches + size_errors) ? 1.0 : 0.0});
  const auto failed = failed_ranks(v);
  // After a failed create, nothing of this phase stays; after a delete, the directories go.
  if (p.op == "create" && !failed.empty()) {
    for (std::int64_t i = 0; i < done; ++i) ::unlink(names.path(i).c_str());
    if (!shared) ::rmdir(lay.dir(me).c_str());
  }
  std::string leftover;
  if (p.op == "delete" && failed.empty()) {
    if (!shared && ::rmdir(lay.dir(me).c_str()) != 0)
      leftover = fmt::format("after the delete phase {} cannot be removed: {}", lay.dir(me), errno_description(errno));
  }
  if (!err.empty()) {
    if (timeout) throw CaseTimeout(err);
    throw StorageError(err, 0);
  }
  if (!failed.empty())
    throw StorageError(fmt::format("abandoned: rank(s) {} failed in the metadata {} phase", fmt::join(failed, ", "), p.op),
                       0);
  if (p.op == "create") session.store(p.set_key(), set);
  if (p.op == "delete") {
    // Every rank has unlinked its files: the directory itself must now be empty.
    const auto after = exchange(ctx, {leftover.empty() ? 0.0 : 1.0});
    if (me == 0 && ::rmdir(lay.root.c_str()) != 0 && errno != ENOENT && leftover.empty())
      leftover = fmt::format("after the delete phase {} cannot be removed: {}", lay.root, errno_description(errno));
    session.untrack(lay.root);
    session.untrack(lay.dir(me));
    session.forget(p.set_key());
    (void)after;
  }
  auto& ver = r.verification;
  ver.method = "storage-metadata";
  ver.mismatches = static_cast<std::int64_t>(mismatches + size_errors + (leftover.empty() ? 0 : 1));
  if (ver.mismatches) {
    ver.status = "failed";
    ver.detail = fmt::format("rank {} (host {}): {}", me, ctx.comm.host(), leftover.empty() ? first_bad : leftover);
    return r;
  }
  ver.status = "passed";
  ver.detail = p.op == "create"   ? "every create, write and close succeeded; the files are checked by the stat and read phases"
               : p.op == "stat"   ? "every size equals what the create phase wrote (a comparison inside the timed region)"
               : p.op == "read"   ? "every byte equals the pattern of (seed, file, offset); checked outside the timed region"
                                  : "every file was unlinked and each directory was left empty";
  if (const auto bad = failed_ranks(v, 3); !bad.empty()) {
    r.info["figures_withheld"] = fmt::format("rank(s) {} found wrong files", fmt::join(bad, ", "));
    return r;
  }
  double total = 0, slowest = 0;
  std::vector<double> per_rank;
  for (const auto& row : v) {
    total += row[1];
    slowest = std::max(slowest, row[2]);
    per_rank.push_back(row[1] / row[2]);
  }
  r.metrics.push_back(make_metric("rate", "OP/s", {total / slowest}));
  r.metrics.push_back(make_metric("time", "s", {slowest}));
  r.metrics.push_back(make_metric("rank_rate", "OP/s", per_rank));
  r.info["operations"] = done;
  r.info["directory"] = lay.dir(src);
  r.info["timed_region"] = p.op == "create" ? "open(O_CREAT|O_EXCL), write of file_bytes, close per file"
                           : p.op == "stat" ? "stat per file"
                           : p.op == "read" ? "open, read of file_bytes, close per file; the check is outside"
                                            : "unlink per file";
  return r;
}

}  // namespace capbench::storage
