// IOR-style bandwidth phases: easy (a file per rank) and hard (one shared file, POSIX or MPI-IO).
#include <fcntl.h>
#include <mpi.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <fmt/format.h>

#include "bench/storage/storage_fs.hpp"
#include "bench/storage/storage_pattern.hpp"
#include "bench/storage/storage_phase.hpp"
#include "bench/storage/storage_session.hpp"
#include "bench/timing.hpp"

namespace capbench::storage {

namespace {

namespace fs = std::filesystem;

// Files: POSIX or MPI-IO, the same four calls.

class PhaseFile {
 public:
  virtual ~PhaseFile() = default;
  virtual void write_at(const unsigned char* b, std::size_t n, std::uint64_t off) = 0;
  virtual void read_at(unsigned char* b, std::size_t n, std::uint64_t off) = 0;
  virtual void sync() = 0;
  virtual void close() = 0;
};

class PosixFile final : public PhaseFile {
 public:
  PosixFile(std::string path, int flags) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), flags, 0644);
    if (fd_ < 0)
      throw_storage_error(fmt::format("open {} for {}", path_, (flags & O_ACCMODE) == O_RDONLY ? "reading" : "writing"),
                          errno, path_);
  }
  ~PosixFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void write_at(const unsigned char* b, std::size_t n, std::uint64_t off) override { pwrite_all(fd_, b, n, off, path_); }
  void read_at(unsigned char* b, std::size_t n, std::uint64_t off) override { pread_all(fd_, b, n, off, path_); }
  void sync() override {
    if (::fsync(fd_) != 0) throw_storage_error("fsync " + path_, errno, path_);
  }
  void close() override {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw_storage_error("close " + path_, errno, path_);
  }

 private:
  std::string path_;
  int fd_ = -1;
};

std::string mpi_error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  int cls = 0;
  MPI_Error_class(code, &cls);
  std::string s(text, static_cast<std::size_t>(len));
  if (cls == MPI_ERR_NO_SPACE) s += " (MPI_ERR_NO_SPACE: ENOSPC)";
  if (cls == MPI_ERR_ACCESS) s += " (MPI_ERR_ACCESS: EACCES)";
  if (cls == MPI_ERR_READ_ONLY) s += " (MPI_ERR_READ_ONLY: EROFS)";
  if (cls == MPI_ERR_NO_SUCH_FILE) s += " (MPI_ERR_NO_SUCH_FILE: ENOENT)";
  return s;
}

// Open MPI's MPI-IO, independent calls (MPI_File_write_at, as IOR's MPIIO without -c). Open
// and close are collective: every rank calls them, whatever happened in between.
class MpiioFile final : public PhaseFile {
 public:
  MpiioFile(std::string path, bool write, const json& hints, json* used_hints) : path_(std::move(path)) {
    MPI_Info info;
    MPI_Info_create(&info);
    for (const auto& [k, v] : hints.items()) MPI_Info_set(info, k.c_str(), v.get<std::string>().c_str());
    const int mode = write ? (MPI_MODE_CREATE | MPI_MODE_WRONLY) : MPI_MODE_RDONLY;
    const int rc = MPI_File_open(MPI_COMM_WORLD, path_.c_str(), mode, info, &fh_);
    MPI_Info_free(&info);
    if (rc != MPI_SUCCESS) {
      fh_ = MPI_FILE_NULL;
      throw StorageError(fmt::format("MPI_File_open {}: {}", path_, mpi_error_text(rc)), 0);
    }
    MPI_Info got;
    if (used_hints && MPI_File_get_info(fh_, &got) == MPI_SUCCESS) {
      int nkeys = 0;
      MPI_Info_get_nkeys(got, &nkeys);
      for (int i = 0; i < nkeys; ++i) {
        char key[MPI_MAX_INFO_KEY + 1];
        MPI_Info_get_nthkey(got, i, key);
        int len = 0, flag = 0;
        MPI_Info_get_valuelen(got, key, &len, &flag);
        std::string value(static_cast<std::size_t>(len) + 1, '\0');
        MPI_Info_get(got, key, len + 1, value.data(), &flag);
        value.resize(static_cast<std::size_t>(len));
        (*used_hints)[key] = value;
      }
      MPI_Info_free(&got);
    }
  }
  ~MpiioFile() override {
    if (fh_ != MPI_FILE_NULL) MPI_File_close(&fh_);
  }
  void write_at(const unsigned char* b, std::size_t n, std::uint64_t off) override {
    MPI_Status st;
    const int rc = MPI_File_write_at(fh_, static_cast<MPI_Offset>(off), b, static_cast<int>(n), MPI_BYTE, &st);
    if (rc != MPI_SUCCESS)
      throw StorageError(fmt::format("MPI_File_write_at of {} bytes at offset {} to {}: {}", n, off, path_,
                                     mpi_error_text(rc)),
                         0);
  }
  void read_at(unsigned char* b, std::size_t n, std::uint64_t off) override {
    MPI_Status st;
    const int rc = MPI_File_read_at(fh_, static_cast<MPI_Offset>(off), b, static_cast<int>(n), MPI_BYTE, &st);
    int got = 0;
    MPI_Get_count(&st, MPI_BYTE, &got);
    if (rc != MPI_SUCCESS || got != static_cast<int>(n))
      throw StorageError(fmt::format("MPI_File_read_at of {} bytes at offset {} from {}: {}", n, off, path_,
                                     rc != MPI_SUCCESS ? mpi_error_text(rc) : fmt::format("got {} bytes", got)),
                         0);
  }
  void sync() override {
    const int rc = MPI_File_sync(fh_);
    if (rc != MPI_SUCCESS) throw StorageError(fmt::format("MPI_File_sync {}: {}", path_, mpi_error_text(rc)), 0);
  }
  void close() override {
    const int rc = MPI_File_close(&fh_);
    fh_ = MPI_FILE_NULL;
    if (rc != MPI_SUCCESS) throw StorageError(fmt::format("MPI_File_close {}: {}", path_, mpi_error_text(rc)), 0);
  }

 private:
  std::string path_;
  MPI_File fh_ = MPI_FILE_NULL;
};

// Where rank `writer`'s transfer i lies: its own file (easy) or interleaved in one (hard).
struct Layout {
  bool shared = false;
  std::int64_t transfer = 0;
  int nranks = 1;
  std::string dir;
  std::string api = "posix";
  std::string rel_name(int writer) const {
    return shared ? "hard/shared-file-" + api : fmt::format("easy/rank-{:06d}", writer);
  }
  std::string file(int writer) const { return (fs::path(dir) / rel_name(writer)).string(); }
  std::uint64_t offset(int writer, std::int64_t i) const {
    return shared ? (std::uint64_t(i) * std::uint64_t(nranks) + std::uint64_t(writer)) * std::uint64_t(transfer)
                  : std::uint64_t(i) * std::uint64_t(transfer);
  }
};

std::unique_ptr<PhaseFile> open_phase_file(const Params& p, const Layout& lay, int writer, bool write,
                                           json* hints_used) {
  if (p.api == "mpiio") return std::make_unique<MpiioFile>(lay.file(writer), write, p.hints, hints_used);
  return std::make_unique<PosixFile>(lay.file(writer), write ? (O_CREAT | O_WRONLY) : O_RDONLY);
}

// Flips one stored byte of the file this rank is about to read (CAPBENCH_FAULT kind=flip).
json flip_one_byte(const std::string& file, std::uint64_t offset) {
  const int fd = ::open(file.c_str(), O_RDWR);
  if (fd < 0) throw_storage_error("fault injection: open " + file, errno, file);
  unsigned char b = 0;
  pread_all(fd, &b, 1, offset, file);
  b = static_cast<unsigned char>(~b);
  pwrite_all(fd, &b, 1, offset, file);
  ::fsync(fd);
  ::close(fd);
  return {{"file", file}, {"offset", offset}};
}

}  // namespace

namespace {

struct WritePass {
  std::string err;
  bool timeout = false;
  std::int64_t transfers = 0;     // written, the wear-out's included
  std::int64_t at_stonewall = 0;  // written when the stonewall fell (all of them without one)
  double stonewall_seconds = 0;   // from the open to the stonewall
  double seconds = 0;             // open, every write, fsync, close
};

// One timed write of a fresh file: up to the stonewall, if there is one, and then on until every
// rank has written as much as the busiest (IOR's wear-out); fsync and close inside the clock.
WritePass timed_write(const CaseContext& ctx, const Params& p, const Layout& lay, std::uint64_t key, Buffer& buf,
                      json* hints_used) {
  const int me = ctx.comm.rank();
  const std::size_t T = static_cast<std::size_t>(p.transfer_bytes);
  WritePass out;
  PhaseClock clock;
  clock.start();
  std::unique_ptr<PhaseFile> f;
  std::int64_t& i = out.transfers;
  auto write_until = [&](std::int64_t stop_at, bool stonewall) {
    for (; i < stop_at; ++i) {
      fill_storage_pattern(key, lay.offset(me, i), buf.p, T);
      f->write_at(buf.p, T, lay.offset(me, i));
      check_stop("the write phase");
      if (ctx.deadline.expired()) {
        out.timeout = true;
        throw StorageError("deadline passed in the write phase", 0);
      }
      if (stonewall && clock.seconds() >= p.stonewall_s) {
        ++i;
        return;
      }
    }
  };
  out.err = capture_error([&] {
    f = open_phase_file(p, lay, me, true, hints_used);
    write_until(p.transfers, p.stonewall_s > 0);
  });
  out.stonewall_seconds = clock.seconds();
  out.at_stonewall = i;
  if (p.stonewall_s > 0) {
    const auto v = exchange(ctx, {out.err.empty() ? 0.0 : 1.0, double(i)});
    std::int64_t most = 0;
    for (const auto& row : v) most = std::max(most, static_cast<std::int64_t>(row[1]));
    if (out.err.empty() && failed_ranks(v).empty()) out.err = capture_error([&] { write_until(most, false); });
  }
  const std::string close_err = capture_error([&] {
    if (!f) return;
    if (out.err.empty()) f->sync();
    f->close();
  });
  if (out.err.empty()) out.err = close_err;
  out.seconds = clock.seconds();
  return out;
}

// Every repetition's job-wide figures, and the last one's rows (one per rank: failed, bytes,
// seconds, bytes at the stonewall, seconds to it).
struct WriteFigures {
  std::vector<double> bandwidth, times, stonewall_bandwidth;
  std::vector<std::vector<double>> last;
  std::int64_t transfers = 0;  // this rank's, in the last repetition
};

// One repetition's job-wide figures, from its rows.
void add_repetition(WriteFigures& fig, const Params& p) {
  const JobRate all = job_rate(fig.last, 1, 2);
  fig.bandwidth.push_back(all.rate());
  fig.times.push_back(all.slowest);
  if (p.stonewall_s > 0) fig.stonewall_bandwidth.push_back(job_rate(fig.last, 3, 4).rate());
}

void record_write(RankResult& r, const CaseContext& ctx, const Params& p, const std::string& path,
                  const WriteFigures& fig, const json& hints_used) {
  const std::size_t T = static_cast<std::size_t>(p.transfer_bytes);
  const std::int64_t written = fig.transfers;
  r.metrics.push_back(make_metric("bandwidth", "B/s", fig.bandwidth));
  r.metrics.push_back(make_metric("time", "s", fig.times));
  if (p.stonewall_s > 0) r.metrics.push_back(make_metric("stonewall_bandwidth", "B/s", fig.stonewall_bandwidth));
  std::vector<double> per_rank;
  double sw_min = 1e300, sw_max = 0;
  for (const auto& row : fig.last) {
    per_rank.push_back(row[1] / row[2]);
    sw_min = std::min(sw_min, row[3]);
    sw_max = std::max(sw_max, row[3]);
  }
  r.metrics.push_back(make_metric("rank_bandwidth", "B/s", per_rank));
  r.info["file"] = path;
  r.info["transfers_written"] = written;
  r.info["bytes_written"] = double(written) * double(T);
  r.info["timed_region"] = "open, every write, fsync, close; the pattern is generated inside it, as IOR does";
  if (p.api == "mpiio") {
    r.info["mpiio_hints_requested"] = p.hints;
    r.info["mpiio_hints_used"] = hints_used;
    r.info["mpiio_calls"] = "independent: MPI_File_write_at, MPI_File_sync, MPI_File_close";
  }
  if (p.stonewall_s > 0) {
    r.info["stonewall"] = {{"seconds", p.stonewall_s},
                           {"bytes_at_stonewall_min_rank", sw_min},
                           {"bytes_at_stonewall_max_rank", sw_max},
                           {"transfers_after_wear_out", written},
                           {"bytes_total", double(written) * double(T) * ctx.comm.size()}};
  }
  // What a write phase can check itself: every write returned its full length, fsync and close
  // succeeded. The bytes are checked against their pattern by the read phase after it.
  r.verification.method = "storage-write-complete";
  r.verification.status = "passed";
  r.verification.detail = fmt::format("{} transfers of {} bytes each returned in full, fsync and close succeeded; the "
                                      "bytes are checked by the read phase",
                                      written, T);
}

}  // namespace

RankResult bandwidth_write(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                           RankResult r) {
  auto& session = StorageSession::instance();
  const int me = ctx.comm.rank(), n = ctx.comm.size();
  const Layout lay{p.phase == "hard", p.transfer_bytes, n, run_dir, p.api};
  const double planned = double(p.transfer_bytes) * double(p.transfers) * n;
  std::string err = space_refusal(base, p, planned, &r.info);
  if (err.empty()) err = capture_error([&] { make_subdir((fs::path(run_dir) / (lay.shared ? "hard" : "easy")).string()); });
  agree(ctx, err, "the space check");
  const std::string path = lay.file(lay.shared ? 0 : me);
  const bool removes_file = !lay.shared || me == 0;  // the shared file is rank 0's to remove
  session.track(path);
  const std::uint64_t key = storage_file_key(ctx.case_seed, lay.rel_name(lay.shared ? 0 : me));
  Buffer buf(static_cast<std::size_t>(p.transfer_bytes));
  const double transfer = double(p.transfer_bytes);

  WriteFigures fig;
  json hints_used = json::object();
  for (int rep = 0; rep < ctx.spec.iterations; ++rep) {
    // A repetition writes a fresh file, as IOR removes its file between repetitions.
    if (rep > 0 && removes_file) remove_if_present(path);
    agree(ctx, "", "the start of the write");
    const WritePass pass = timed_write(ctx, p, lay, key, buf, rep == 0 ? &hints_used : nullptr);
    fig.last = exchange(ctx, {pass.err.empty() ? 0.0 : 1.0, double(pass.transfers) * transfer, pass.seconds,
                              double(pass.at_stonewall) * transfer, pass.stonewall_seconds});
    const auto failed = failed_ranks(fig.last);
    if (!failed.empty()) {
      // A failed write leaves nothing behind: every rank is past its I/O here.
      if (removes_file) remove_if_present(path);
      session.untrack(path);
      session.forget(p.set_key());
    }
    if (!pass.err.empty()) {
      if (pass.timeout) throw CaseTimeout(pass.err);
      throw StorageError(pass.err, 0);
    }
    if (!failed.empty())
      throw StorageError(fmt::format("abandoned: rank(s) {} failed in the write phase", fmt::join(failed, ", ")), 0);
    add_repetition(fig, p);
    fig.transfers = pass.transfers;
  }
  session.store(p.set_key(), StoredSet{run_dir, ctx.case_seed, p.transfer_bytes, fig.transfers, 0, 0});
  record_write(r, ctx, p, path, fig, hints_used);
  return r;
}

namespace {

// What the read phase's checks found over every repetition: bytes checked, wrong bytes and the
// first wrong one.
struct ReadCheck {
  std::uint64_t checked = 0, mismatches = 0;
  PatternCheck first;
};

struct ReadPass {
  std::string err;
  bool timeout = false;
  double seconds = 0;  // open, every read, close
};

// One timed read of what the write phase left: the pattern check runs with the clock stopped.
ReadPass timed_read(const CaseContext& ctx, const Params& p, const Layout& lay, int src, const StoredSet& stored,
                    std::uint64_t key, Buffer& buf, Buffer& expect, json* hints_used, ReadCheck& check) {
  const std::size_t T = static_cast<std::size_t>(stored.transfer_bytes);
  ReadPass out;
  PhaseClock clock;
  clock.start();
  std::unique_ptr<PhaseFile> f;
  out.err = capture_error([&] {
    f = open_phase_file(p, lay, src, false, hints_used);
    for (std::int64_t i = 0; i < stored.transfers_per_rank; ++i) {
      const std::uint64_t off = lay.offset(src, i);
      f->read_at(buf.p, T, off);
      clock.stop();
      const auto c = check_storage_pattern(key, off, buf.p, T, expect.p);
      check.checked += T;
      if (c.mismatches && check.mismatches == 0) check.first = c;
      check.mismatches += c.mismatches;
      check_stop("the read phase");
      if (ctx.deadline.expired()) {
        out.timeout = true;
        throw StorageError("deadline passed in the read phase", 0);
      }
      clock.start();
    }
  });
  clock.start();
  const std::string close_err = capture_error([&] {
    if (f) f->close();
  });
  if (out.err.empty()) out.err = close_err;
  out.seconds = clock.seconds();
  return out;
}

// The read phase's verdict and, when every rank read the right bytes, its figures.
void record_read(RankResult& r, const CaseContext& ctx, const Params& p, const std::string& path,
                 const ReadCheck& check, const std::vector<std::vector<double>>& last, const std::vector<double>& bw,
                 const std::vector<double>& times, const json& hints_used) {
  auto& v = r.verification;
  v.method = "storage-pattern";
  v.mismatches = static_cast<std::int64_t>(check.mismatches);
  if (check.mismatches) {
    v.status = "failed";
    v.detail = fmt::format("rank {} (host {}) read {}: {} wrong bytes, the first at offset {} (0x{:02x}, expected "
                           "0x{:02x}); the pattern is a function of (seed, file, offset)",
                           ctx.comm.rank(), ctx.comm.host(), path, check.mismatches, check.first.first_offset,
                           check.first.found, check.first.expected);
    return;
  }
  v.status = "passed";
  v.detail = fmt::format("{} bytes read back equal the pattern of (seed, file, offset); checked outside the timed "
                         "region (the clock stops during the check)",
                         check.checked);
  if (const auto bad = failed_ranks(last, 3); !bad.empty()) {
    // A wrong answer elsewhere: no aggregate figure for this phase.
    r.info["figures_withheld"] = fmt::format("rank(s) {} read wrong bytes", fmt::join(bad, ", "));
    return;
  }
  r.metrics.push_back(make_metric("bandwidth", "B/s", bw));
  r.metrics.push_back(make_metric("time", "s", times));
  std::vector<double> per_rank;
  for (const auto& row : last) per_rank.push_back(row[1] / row[2]);
  r.metrics.push_back(make_metric("rank_bandwidth", "B/s", per_rank));
  r.info["timed_region"] = "open, every read, close; the pattern check is outside it";
  if (p.api == "mpiio") r.info["mpiio_hints_used"] = hints_used;
}

}  // namespace

RankResult bandwidth_read(const CaseContext& ctx, const Params& p, const std::string& run_dir, RankResult r) {
  auto& session = StorageSession::instance();
  const int me = ctx.comm.rank(), n = ctx.comm.size();
  const auto set = session.find(p.set_key());
  std::string err;
  if (!set)
    err = fmt::format("nothing to read: the {} write phase did not complete in this run (it must come before the read)",
                      p.phase);
  agree(ctx, err, "finding what the write phase left");
  const StoredSet stored = *set;
  Layout lay{p.phase == "hard", stored.transfer_bytes, n, run_dir, p.api};
  const int src = read_source(ctx);
  const std::string path = lay.file(lay.shared ? 0 : src);
  const std::uint64_t key = storage_file_key(stored.seed, lay.rel_name(lay.shared ? 0 : src));
  const std::size_t T = static_cast<std::size_t>(stored.transfer_bytes);
  Buffer buf(T), expect(T);
  note_cache(ctx, &r.info);
  r.info["file"] = path;
  r.info["source_rank"] = src;
  if (ctx.flip_stored_byte && stored.transfers_per_rank > 0)
    err = capture_error([&] {
      r.info["fault_flipped_byte"] = flip_one_byte(path, lay.offset(src, stored.transfers_per_rank / 2) + T / 3);
    });
  agree(ctx, err, "fault injection");  // every rank: the exchange must match on all of them
  std::vector<double> bw, times;
  std::vector<std::vector<double>> last;
  ReadCheck check;
  json hints_used = json::object();
  for (int rep = 0; rep < ctx.spec.iterations; ++rep) {
    agree(ctx, "", "the start of the read");
    const ReadPass pass = timed_read(ctx, p, lay, src, stored, key, buf, expect, rep == 0 ? &hints_used : nullptr, check);
    const double bytes = double(stored.transfers_per_rank) * double(T);
    last = exchange(ctx, {pass.err.empty() ? 0.0 : 1.0, bytes, pass.seconds, check.mismatches ? 1.0 : 0.0});
    if (!pass.err.empty()) {
      if (pass.timeout) throw CaseTimeout(pass.err);
      throw StorageError(pass.err, 0);
    }
    if (const auto bad = failed_ranks(last); !bad.empty())
      throw StorageError(fmt::format("abandoned: rank(s) {} failed in the read phase", fmt::join(bad, ", ")), 0);
    const JobRate all = job_rate(last, 1, 2);
    bw.push_back(all.rate());
    times.push_back(all.slowest);
  }
  // Whatever the outcome, the files are done with: the rank that read one removes it.
  if (!p.keep_files) {
    if (!lay.shared || me == 0) remove_if_present(path);
    session.forget(p.set_key());
  }
  record_read(r, ctx, p, path, check, last, bw, times, hints_used);
  return r;
}

}  // namespace capbench::storage
