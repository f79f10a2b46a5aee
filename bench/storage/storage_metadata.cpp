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

namespace {

enum class MdOp { create, stat, read, remove };

MdOp md_op(const std::string& op) {
  if (op == "create") return MdOp::create;
  if (op == "stat") return MdOp::stat;
  if (op == "read") return MdOp::read;
  return MdOp::remove;
}

// The create phase's file set, once the space is known to suffice and the directories exist;
// returns why not, if not.
std::string prepare_create(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                           const MdLayout& lay, StoredSet& set, RankResult& r) {
  set = StoredSet{run_dir, ctx.case_seed, 0, 0, p.files_per_rank, p.file_bytes};
  std::uint64_t block = 4096;
  try {
    block = std::max<std::uint64_t>(block, query_storage_capacity(base).block_size);
  } catch (...) {
  }
  // Each file takes its bytes rounded up to whole blocks, and about a block of metadata.
  const double per_file = double((std::uint64_t(p.file_bytes) + block - 1) / block * block + block);
  std::string err = space_refusal(base, p, per_file * double(p.files_per_rank) * ctx.comm.size(), &r.info);
  if (!err.empty()) return err;
  return capture_error([&] {
    make_subdir(lay.root);
    if (!lay.shared) make_subdir(lay.dir(ctx.comm.rank()));
  });
}

// The set this run's create phase of the same directory mode left, or why there is none.
std::string find_created(const Params& p, StoredSet& set) {
  const auto s = StorageSession::instance().find(p.set_key());
  if (!s) return fmt::format("nothing to {}: the {} metadata create phase did not complete in this run", p.op, p.dir_mode);
  set = *s;
  return "";
}

// One file's operation. The clock runs around the calls; a read stops it for its check.
class MdFileWork {
 public:
  MdFileWork(const StoredSet& set, MdFileNames& names, PhaseClock& clock)
      : set_(set), names_(names), clock_(clock), bytes_(static_cast<std::size_t>(set.file_bytes)),
        buf_(std::max<std::size_t>(bytes_, 1)), expect_(std::max<std::size_t>(bytes_, 1)) {}

  void apply(MdOp op, const std::string& path) {
    switch (op) {
      case MdOp::create: create(path); break;
      case MdOp::stat: stat(path); break;
      case MdOp::read: read(path); break;
      case MdOp::remove:
        if (::unlink(path.c_str()) != 0) throw_storage_error("delete " + path, errno, path);
        break;
    }
  }
  std::uint64_t wrong_files() const { return mismatches_ + size_errors_; }
  const std::string& first_wrong() const { return first_bad_; }

 private:
  void create(const std::string& path) {
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0) throw_storage_error("create " + path, errno, path);
    if (bytes_) {
      fill_storage_pattern(storage_file_key(set_.seed, names_.rel()), 0, buf_.p, bytes_);
      try {
        pwrite_all(fd, buf_.p, bytes_, 0, path);
      } catch (...) {
        ::close(fd);
        ::unlink(path.c_str());
        throw;
      }
    }
    if (::close(fd) != 0) throw_storage_error("close " + path, errno, path);
  }
  void stat(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw_storage_error("stat " + path, errno, path);
    if (st.st_size != set_.file_bytes && size_errors_++ == 0)
      first_bad_ = fmt::format("{} has {} bytes, expected {}", path, st.st_size, set_.file_bytes);
  }
  void read(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw_storage_error("open " + path + " for reading", errno, path);
    try {
      if (bytes_) pread_all(fd, buf_.p, bytes_, 0, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    clock_.stop();
    const auto c = check_storage_pattern(storage_file_key(set_.seed, names_.rel()), 0, buf_.p, bytes_, expect_.p);
    if (c.mismatches && mismatches_ == 0)
      first_bad_ = fmt::format("{}: {} wrong bytes, the first at offset {} (0x{:02x}, expected 0x{:02x})", path,
                               c.mismatches, c.first_offset, c.found, c.expected);
    mismatches_ += c.mismatches;
    clock_.start();
  }

  const StoredSet& set_;
  MdFileNames& names_;
  PhaseClock& clock_;
  std::size_t bytes_;
  Buffer buf_, expect_;
  std::uint64_t mismatches_ = 0, size_errors_ = 0;
  std::string first_bad_;
};

// What this rank's timed loop did.
struct MdLoop {
  std::string error;
  std::int64_t done = 0;
  bool timeout = false;
  double seconds = 0;
};

// Applies op to each of this rank's files, in the timed region, until done, an error, a stop
// request or the deadline.
MdLoop run_timed_loop(const CaseContext& ctx, MdOp op, std::int64_t files, MdFileNames& names, MdFileWork& work,
                      PhaseClock& clock) {
  MdLoop loop;
  agree(ctx, "", "the start line");
  clock.start();
  loop.error = capture_error([&] {
    for (std::int64_t i = 0; i < files; ++i, ++loop.done) {
      work.apply(op, names.path(i));
      check_stop("the metadata phase");
      if (ctx.deadline.expired()) {
        loop.timeout = true;
        throw StorageError("deadline passed in the metadata phase", 0);
      }
    }
  });
  loop.seconds = clock.seconds();
  return loop;
}

// After a failed create, nothing of this phase stays.
void undo_create(const MdLayout& lay, int me, MdFileNames& names, std::int64_t done) {
  for (std::int64_t i = 0; i < done; ++i) ::unlink(names.path(i).c_str());
  if (!lay.shared) ::rmdir(lay.dir(me).c_str());
}

// After a complete delete the directories go, the private ones now, the shared root once every
// rank has unlinked its files; returns what could not be removed, if anything.
std::string remove_directories(const CaseContext& ctx, const Params& p, const MdLayout& lay) {
  auto& session = StorageSession::instance();
  const int me = ctx.comm.rank();
  std::string leftover;
  if (!lay.shared && ::rmdir(lay.dir(me).c_str()) != 0)
    leftover = fmt::format("after the delete phase {} cannot be removed: {}", lay.dir(me), errno_description(errno));
  exchange(ctx, {leftover.empty() ? 0.0 : 1.0});
  if (me == 0 && ::rmdir(lay.root.c_str()) != 0 && errno != ENOENT && leftover.empty())
    leftover = fmt::format("after the delete phase {} cannot be removed: {}", lay.root, errno_description(errno));
  session.untrack(lay.root);
  session.untrack(lay.dir(me));
  session.forget(p.set_key());
  return leftover;
}

// The verification of this rank's files; returns whether they passed.
bool record_verification(const CaseContext& ctx, MdOp op, const MdFileWork& work, const std::string& leftover,
                         RankResult& r) {
  auto& ver = r.verification;
  ver.method = "storage-metadata";
  ver.mismatches = static_cast<std::int64_t>(work.wrong_files() + (leftover.empty() ? 0 : 1));
  if (ver.mismatches) {
    ver.status = "failed";
    ver.detail = fmt::format("rank {} (host {}): {}", ctx.comm.rank(), ctx.comm.host(),
                             leftover.empty() ? work.first_wrong() : leftover);
    return false;
  }
  ver.status = "passed";
  ver.detail = op == MdOp::create ? "every create, write and close succeeded; the files are checked by the stat and read phases"
               : op == MdOp::stat ? "every size equals what the create phase wrote (a comparison inside the timed region)"
               : op == MdOp::read ? "every byte equals the pattern of (seed, file, offset); checked outside the timed region"
                                  : "every file was unlinked and each directory was left empty";
  return true;
}

// The phase's rate: every rank's operations over the slowest rank's time.
void record_rates(const std::vector<std::vector<double>>& v, MdOp op, std::int64_t done, const std::string& directory,
                  RankResult& r) {
  const JobRate all = job_rate(v, 1, 2);
  std::vector<double> per_rank;
  for (const auto& row : v) per_rank.push_back(row[1] / row[2]);
  r.metrics.push_back(make_metric("rate", "OP/s", {all.rate()}));
  r.metrics.push_back(make_metric("time", "s", {all.slowest}));
  r.metrics.push_back(make_metric("rank_rate", "OP/s", per_rank));
  r.info["operations"] = done;
  r.info["directory"] = directory;
  r.info["timed_region"] = op == MdOp::create ? "open(O_CREAT|O_EXCL), write of file_bytes, close per file"
                           : op == MdOp::stat ? "stat per file"
                           : op == MdOp::read ? "open, read of file_bytes, close per file; the check is outside"
                                              : "unlink per file";
}

}  // namespace

RankResult metadata_phase(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                          RankResult r) {
  const int me = ctx.comm.rank();
  const MdOp op = md_op(p.op);
  const bool shared = p.dir_mode == "shared";
  const MdLayout lay{(fs::path(run_dir) / (shared ? "md-shared" : "md-private")).string(), shared};
  StoredSet set;
  agree(ctx, op == MdOp::create ? prepare_create(ctx, p, base, run_dir, lay, set, r) : find_created(p, set),
        "the start of the metadata phase");
  // stat and read look at the files of a rank one node over (IOR's -C), so that a node's page
  // cache does not serve what it just wrote.
  const int src = op == MdOp::stat || op == MdOp::read ? read_source(ctx) : me;
  MdFileNames names(run_dir, lay, src);
  if (op == MdOp::stat || op == MdOp::read) note_cache(ctx, &r.info);
  PhaseClock clock;
  MdFileWork work(set, names, clock);
  const MdLoop loop = run_timed_loop(ctx, op, set.files_per_rank, names, work, clock);

  const auto v = exchange(ctx, {loop.error.empty() ? 0.0 : 1.0, double(loop.done), loop.seconds,
                                work.wrong_files() ? 1.0 : 0.0});
  const auto failed = failed_ranks(v);
  if (op == MdOp::create && !failed.empty()) undo_create(lay, me, names, loop.done);
  if (!loop.error.empty()) {
    if (loop.timeout) throw CaseTimeout(loop.error);
    throw StorageError(loop.error, 0);
  }
  if (!failed.empty())
    throw StorageError(fmt::format("abandoned: rank(s) {} failed in the metadata {} phase", fmt::join(failed, ", "), p.op),
                       0);
  if (op == MdOp::create) StorageSession::instance().store(p.set_key(), set);
  const std::string leftover = op == MdOp::remove ? remove_directories(ctx, p, lay) : "";
  if (!record_verification(ctx, op, work, leftover, r)) return r;
  if (const auto bad = failed_ranks(v, 3); !bad.empty()) {
    r.info["figures_withheld"] = fmt::format("rank(s) {} found wrong files", fmt::join(bad, ", "));
    return r;
  }
  record_rates(v, op, loop.done, lay.dir(src), r);
  return r;
}

}  // namespace capbench::storage
