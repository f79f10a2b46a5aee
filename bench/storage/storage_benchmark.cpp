#include "bench/storage/storage_benchmark.hpp"

#include <fcntl.h>
#include <mpi.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "bench/runner/signals.hpp"
#include "bench/storage/storage_fs.hpp"
#include "bench/storage/storage_pattern.hpp"
#include "bench/storage/storage_session.hpp"
#include "bench/timing.hpp"

namespace capbench {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Seconds that run only while started: the read phases stop it while they check bytes.
class PhaseClock {
 public:
  void start() { t0_ = Clock::now(); running_ = true; }
  void stop() {
    if (running_) acc_ += std::chrono::duration<double>(Clock::now() - t0_).count();
    running_ = false;
  }
  double seconds() const {
    return acc_ + (running_ ? std::chrono::duration<double>(Clock::now() - t0_).count() : 0.0);
  }

 private:
  Clock::time_point t0_{};
  double acc_ = 0;
  bool running_ = false;
};

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", b, units[u]);
}

// Aligned I/O buffer (O_DIRECT-ready, and page-aligned for the page cache's sake).
struct Buffer {
  unsigned char* p = nullptr;
  explicit Buffer(std::size_t n) {
    if (::posix_memalign(reinterpret_cast<void**>(&p), 4096, n ? n : 1) != 0) throw std::bad_alloc();
  }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

struct Params {
  std::string group, path, phase, op, api, dir_mode;
  std::int64_t transfer_bytes = 0, transfers = 0, files_per_rank = 0, file_bytes = 0;
  double stonewall_s = 0, max_free_fraction = 0.1;
  bool keep_files = false, ignore_free_space = false;
  json hints = json::object();

  static Params from(const json& p) {
    Params s;
    auto str = [&](const char* k) { return p.contains(k) ? p.at(k).get<std::string>() : std::string(); };
    s.group = str("group");
    s.path = str("path");
    s.phase = str("phase");
    s.op = str("op");
    s.api = str("api");
    s.dir_mode = str("dir_mode");
    s.transfer_bytes = p.value("transfer_bytes", std::int64_t(0));
    s.transfers = p.value("transfers_per_rank", std::int64_t(0));
    s.files_per_rank = p.value("files_per_rank", std::int64_t(0));
    s.file_bytes = p.value("file_bytes", std::int64_t(0));
    s.stonewall_s = p.value("stonewall_s", 0.0);
    s.max_free_fraction = p.value("max_free_fraction", 0.1);
    s.keep_files = p.value("keep_files", false);
    s.ignore_free_space = p.value("test_ignore_free_space", false);
    if (p.contains("mpiio_hints")) s.hints = p.at("mpiio_hints");
    return s;
  }
  std::string set_key() const {
    return fmt::format("{}/{}/{}", group, phase, phase == "metadata" ? dir_mode : api);
  }
};

// The storage path this case uses: --storage-path, else the case's own.
std::string resolve_base(const Params& p) {
  std::string base = StorageSession::instance().path_override();
  if (base.empty()) base = p.path;
  if (base.empty())
    throw StorageError("no storage path: give --storage-path DIR on the command line or \"path\" in the suite's "
                       "storage case", 0);
  std::error_code ec;
  const auto abs = fs::absolute(base, ec);
  return ec ? base : abs.lexically_normal().string();
}

// ---- Exchanges: each rank's values reach every rank (element-wise max over rank slots) ----

std::vector<std::vector<double>> exchange(const CaseContext& ctx, const std::vector<double>& mine) {
  const int n = ctx.comm.size();
  const std::size_t k = mine.size();
  std::vector<double> all(static_cast<std::size_t>(n) * k, 0.0);
  for (std::size_t j = 0; j < k; ++j) all[static_cast<std::size_t>(ctx.comm.rank()) * k + j] = mine[j];
  if (const auto w = ctx.comm.all_max(&all, ctx.deadline); !w.complete)
    throw CaseTimeout(w.interrupted ? "stopped by a signal while the ranks exchanged their figures"
                                    : "deadline passed while the ranks exchanged their figures");
  std::vector<std::vector<double>> out(static_cast<std::size_t>(n), std::vector<double>(k));
  for (int r = 0; r < n; ++r)
    for (std::size_t j = 0; j < k; ++j) out[static_cast<std::size_t>(r)][j] = all[static_cast<std::size_t>(r) * k + j];
  return out;
}

std::vector<int> failed_ranks(const std::vector<std::vector<double>>& v, std::size_t flag_index = 0) {
  std::vector<int> out;
  for (std::size_t r = 0; r < v.size(); ++r)
    if (v[r][flag_index] != 0) out.push_back(static_cast<int>(r));
  return out;
}

// Every rank says whether it failed at `stage`; when any did, every rank throws (this one its
// own error, the others the list of ranks that failed). Doubles as the phase's start line.
void agree(const CaseContext& ctx, const std::string& my_error, const char* stage) {
  const auto v = exchange(ctx, {my_error.empty() ? 0.0 : 1.0});
  if (!my_error.empty()) throw StorageError(my_error, 0);
  const auto bad = failed_ranks(v);
  if (!bad.empty())
    throw StorageError(fmt::format("abandoned at {}: rank(s) {} failed (their errors say why)", stage,
                                   fmt::join(bad, ", ")),
                       0);
}

template <class F>
std::string capture_error(F&& f) {
  try {
    f();
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

void check_stop(const char* where) {
  if (stop_requested()) throw StorageError(fmt::format("stopped by signal {} during {}", stop_signal(), where), 0);
}

// ---- The run directory and the space check ----

std::string ensure_run_dir(const CaseContext& ctx, const std::string& base, bool keep, json* info) {
  auto& session = StorageSession::instance();
  if (auto d = session.run_dir(base); !d.empty()) {
    (*info)["run_directory"] = d;
    return d;
  }
  // Rank 0 names it (time and randomness); the name reaches every rank through one exchange.
  std::vector<double> tag(2, 0.0);
  if (ctx.comm.rank() == 0) {
    std::random_device rd;
    tag[0] = static_cast<double>(std::time(nullptr));
    tag[1] = static_cast<double>((std::uint64_t(rd()) << 16 ^ rd()) & 0xFFFFFFFFFFFFull);
  }
  if (const auto w = ctx.comm.all_max(&tag, ctx.deadline); !w.complete)
    throw CaseTimeout("deadline passed while the ranks agreed on the run directory");
  const std::string dir = (fs::path(base) / fmt::format("capbench-storage-{}-{:012x}", std::uint64_t(tag[0]),
                                                         std::uint64_t(tag[1])))
                              .string();
  bool created = false;
  std::string err;
  if (ctx.comm.rank() == 0) {
    err = capture_error([&] {
      struct stat st {};
      if (::stat(base.c_str(), &st) != 0) throw_storage_error("storage path " + base, errno, base);
      if (!S_ISDIR(st.st_mode)) throw StorageError("storage path " + base + " is not a directory", ENOTDIR);
      if (::mkdir(dir.c_str(), 0755) != 0) throw_storage_error("create the run directory " + dir, errno, dir);
      created = true;
    });
  }
  agree(ctx, err, "creating the run directory");
  // A path that is not shared (node-local disks): the first rank of each other node makes its own.
  bool shared = true;
  if (ctx.comm.rank() != 0) {
    err = capture_error([&] {
      struct stat st {};
      if (::stat(dir.c_str(), &st) == 0) return;
      shared = false;
      if (::mkdir(dir.c_str(), 0755) == 0) created = true;
      else if (errno != EEXIST) throw_storage_error("create the run directory " + dir, errno, dir);
    });
  }
  agree(ctx, err, "opening the run directory");
  session.set_run_dir(base, dir, created, keep);
  (*info)["run_directory"] = dir;
  if (!shared) (*info)["path_shared_with_rank0"] = false;
  return dir;
}

std::string make_subdir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) {
    StorageSession::instance().track(dir);
  } else if (errno != EEXIST) {
    throw_storage_error("create directory " + dir, errno, dir);
  }
  return dir;
}

// Refuses a phase that would take more than the allowed fraction of the free space.
std::string space_refusal(const std::string& base, const Params& p, double planned_bytes, json* info) {
  return capture_error([&] {
    const auto cap = query_storage_capacity(base);
    (*info)["available_bytes_before"] = cap.available_bytes;
    (*info)["planned_bytes"] = planned_bytes;
    if (cap.read_only)
      throw StorageError(fmt::format("the file system at {} is mounted read-only (EROFS)", base), EROFS);
    if (p.ignore_free_space) return;  // tests only: reach ENOSPC on purpose
    const double allowed = p.max_free_fraction * double(cap.available_bytes);
    if (planned_bytes > allowed)
      throw StorageError(
          fmt::format("refused: this phase would write {} ({:.0f} bytes) under {}, more than {:g} % "
                      "(max_free_fraction {:g}) of the {} available there; lower the sizes or raise "
                      "max_free_fraction",
                      human_bytes(planned_bytes), planned_bytes, base, 100 * p.max_free_fraction,
                      p.max_free_fraction, human_bytes(double(cap.available_bytes))),
          ENOSPC);
  });
}

// ---- Files: POSIX or MPI-IO, the same four calls ----

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

// ---- Bandwidth phases ----

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

// The rank whose data this rank reads back: IOR's -C, one node over.
int read_source(const CaseContext& ctx) {
  const int n = ctx.comm.size();
  return (ctx.comm.rank() + ctx.comm.local_size()) % n;
}

void note_cache(const CaseContext& ctx, json* info) {
  (*info)["read_shift_ranks"] = ctx.comm.local_size() % ctx.comm.size();
  if (ctx.comm.node_count() == 1)
    (*info)["read_may_be_cached"] =
        "every rank runs on one node: the read may be served from this node's page cache, not the storage";
}

std::unique_ptr<PhaseFile> open_phase_file(const Params& p, const Layout& lay, int writer, bool write,
                                           json* hints_used) {
  if (p.api == "mpiio") return std::make_unique<MpiioFile>(lay.file(writer), write, p.hints, hints_used);
  return std::make_unique<PosixFile>(lay.file(writer), write ? (O_CREAT | O_WRONLY) : O_RDONLY);
}

RankResult bandwidth_write(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                           RankResult r) {
  auto& session = StorageSession::instance();
  const int me = ctx.comm.rank(), n = ctx.comm.size();
  Layout lay{p.phase == "hard", p.transfer_bytes, n, run_dir, p.api};
  const double planned = double(p.transfer_bytes) * double(p.transfers) * n;
  std::string err = space_refusal(base, p, planned, &r.info);
  if (err.empty()) err = capture_error([&] { make_subdir((fs::path(run_dir) / (lay.shared ? "hard" : "easy")).string()); });
  agree(ctx, err, "the space check");
  const std::string path = lay.file(lay.shared ? 0 : me);
  session.track(path);
  const std::uint64_t seed = ctx.case_seed;
  const std::uint64_t key = storage_file_key(seed, lay.rel_name(lay.shared ? 0 : me));
  Buffer buf(static_cast<std::size_t>(p.transfer_bytes));
  const std::size_t T = static_cast<std::size_t>(p.transfer_bytes);

  std::vector<double> bw, sw_bw, times;
  std::int64_t written = 0;
  std::vector<std::vector<double>> last;
  json hints_used = json::object();
  for (int rep = 0; rep < ctx.spec.iterations; ++rep) {
    // A repetition writes a fresh file, as IOR removes its file between repetitions.
    if (rep > 0 && (!lay.shared || me == 0)) remove_if_present(path);
    agree(ctx, "", "the start of the write");
    PhaseClock clock;
    clock.start();
    std::unique_ptr<PhaseFile> f;
    std::int64_t i = 0;
    bool timeout = false;
    auto write_until = [&](std::int64_t stop_at, bool stonewall) {
      for (; i < stop_at; ++i) {
        fill_storage_pattern(key, lay.offset(me, i), buf.p, T);
        f->write_at(buf.p, T, lay.offset(me, i));
        check_stop("the write phase");
        if (ctx.deadline.expired()) {
          timeout = true;
          throw StorageError("deadline passed in the write phase", 0);
        }
        if (stonewall && clock.seconds() >= p.stonewall_s) {
          ++i;
          return;
        }
      }
    };
    err = capture_error([&] {
      f = open_phase_file(p, lay, me, true, rep == 0 ? &hints_used : nullptr);
      write_until(p.transfers, p.stonewall_s > 0);
    });
    double sw_time = clock.seconds();
    std::int64_t sw_count = i;
    if (p.stonewall_s > 0) {
      // Wear-out: every rank goes on until it has written as much as the busiest one.
      const auto v = exchange(ctx, {err.empty() ? 0.0 : 1.0, double(i)});
      std::int64_t most = 0;
      for (const auto& row : v) most = std::max(most, static_cast<std::int64_t>(row[1]));
      if (err.empty() && failed_ranks(v).empty()) err = capture_error([&] { write_until(most, false); });
    }
    const std::string close_err = capture_error([&] {
      if (!f) return;
      if (err.empty()) f->sync();
      f->close();
    });
    if (err.empty()) err = close_err;
    const double t = clock.seconds();
    last = exchange(ctx, {err.empty() ? 0.0 : 1.0, double(i) * double(T), t, double(sw_count) * double(T), sw_time});
    if (!err.empty() || !failed_ranks(last).empty()) {
      // A failed write leaves nothing behind: every rank is past its I/O here.
      if (!lay.shared || me == 0) remove_if_present(path);
      session.untrack(path);
      session.forget(p.set_key());
    }
    if (!err.empty()) {
      if (timeout) throw CaseTimeout(err);
      throw StorageError(err, 0);
    }
    if (const auto bad = failed_ranks(last); !bad.empty())
      throw StorageError(fmt::format("abandoned: rank(s) {} failed in the write phase", fmt::join(bad, ", ")), 0);
    double total = 0, slowest = 0, sw_total = 0, sw_slowest = 0;
    for (const auto& row : last) {
      total += row[1];
      slowest = std::max(slowest, row[2]);
      sw_total += row[3];
      sw_slowest = std::max(sw_slowest, row[4]);
    }
    bw.push_back(total / slowest);
    times.push_back(slowest);
    if (p.stonewall_s > 0) sw_bw.push_back(sw_total / sw_slowest);
    written = i;
  }
  session.store(p.set_key(), StoredSet{run_dir, seed, p.transfer_bytes, written, 0, 0});
  r.metrics.push_back(make_metric("bandwidth", "B/s", bw));
  r.metrics.push_back(make_metric("time", "s", times));
  if (p.stonewall_s > 0) r.metrics.push_back(make_metric("stonewall_bandwidth", "B/s", sw_bw));
  std::vector<double> per_rank;
  double sw_min = 1e300, sw_max = 0;
  for (const auto& row : last) {
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
                           {"bytes_total", double(written) * double(T) * n}};
  }
  // What a write phase can check itself: every write returned its full length, fsync and close
  // succeeded. The bytes are checked against their pattern by the read phase after it.
  r.verification.method = "storage-write-complete";
  r.verification.status = "passed";
  r.verification.detail = fmt::format("{} transfers of {} bytes each returned in full, fsync and close succeeded; the "
                                      "bytes are checked by the read phase",
                                      written, T);
  return r;
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

RankResult bandwidth_read(const CaseContext& ctx, const Params& p, const std::string& run_dir, RankResult r) {
  auto& session = StorageSession::instance();
  const int me = ctx.comm.rank(), n = ctx.comm.size();
  const StoredSet* set = session.find(p.set_key());
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
  PatternCheck first;
  std::uint64_t mismatches = 0, checked = 0;
  json hints_used = json::object();
  for (int rep = 0; rep < ctx.spec.iterations; ++rep) {
    agree(ctx, "", "the start of the read");
    PhaseClock clock;
    clock.start();
    bool timeout = false;
    std::unique_ptr<PhaseFile> f;
    err = capture_error([&] {
      f = open_phase_file(p, lay, src, false, rep == 0 ? &hints_used : nullptr);
      for (std::int64_t i = 0; i < stored.transfers_per_rank; ++i) {
        const std::uint64_t off = lay.offset(src, i);
        f->read_at(buf.p, T, off);
        // The check runs with the clock stopped: outside the timed region.
        clock.stop();
        const auto c = check_storage_pattern(key, off, buf.p, T, expect.p);
        checked += T;
        if (c.mismatches && mismatches == 0) first = c;
        mismatches += c.mismatches;
        check_stop("the read phase");
        if (ctx.deadline.expired()) {
          timeout = true;
          throw StorageError("deadline passed in the read phase", 0);
        }
        clock.start();
      }
    });
    clock.start();
    const std::string close_err = capture_error([&] {
      if (f) f->close();
    });
    if (err.empty()) err = close_err;
    const double t = clock.seconds();
    const double bytes = double(stored.transfers_per_rank) * double(T);
    last = exchange(ctx, {err.empty() ? 0.0 : 1.0, bytes, t, mismatches ? 1.0 : 0.0});
    if (!err.empty()) {
      if (timeout) throw CaseTimeout(err);
      throw StorageError(err, 0);
    }
    if (const auto bad = failed_ranks(last); !bad.empty())
      throw StorageError(fmt::format("abandoned: rank(s) {} failed in the read phase", fmt::join(bad, ", ")), 0);
    double total = 0, slowest = 0;
    for (const auto& row : last) {
      total += row[1];
      slowest = std::max(slowest, row[2]);
    }
    bw.push_back(total / slowest);
    times.push_back(slowest);
  }
  // Whatever the outcome, the files are done with: the rank that read one removes it.
  if (!p.keep_files) {
    if (!lay.shared || me == 0) remove_if_present(path);
    session.forget(p.set_key());
  }
  auto& v = r.verification;
  v.method = "storage-pattern";
  v.mismatches = static_cast<std::int64_t>(mismatches);
  const auto bad = failed_ranks(last, 3);
  if (mismatches) {
    v.status = "failed";
    v.detail = fmt::format("rank {} (host {}) read {}: {} wrong bytes, the first at offset {} (0x{:02x}, expected "
                           "0x{:02x}); the pattern is a function of (seed, file, offset)",
                           me, ctx.comm.host(), path, mismatches, first.first_offset, first.found, first.expected);
    return r;
  }
  v.status = "passed";
  v.detail = fmt::format("{} bytes read back equal the pattern of (seed, file, offset); checked outside the timed "
                         "region (the clock stops during the check)",
                         checked);
  if (!bad.empty()) {
    // A wrong answer elsewhere: no aggregate figure for this phase.
    r.info["figures_withheld"] = fmt::format("rank(s) {} read wrong bytes", fmt::join(bad, ", "));
    return r;
  }
  r.metrics.push_back(make_metric("bandwidth", "B/s", bw));
  r.metrics.push_back(make_metric("time", "s", times));
  std::vector<double> per_rank;
  for (const auto& row : last) per_rank.push_back(row[1] / row[2]);
  r.metrics.push_back(make_metric("rank_bandwidth", "B/s", per_rank));
  r.info["timed_region"] = "open, every read, close; the pattern check is outside it";
  if (p.api == "mpiio") r.info["mpiio_hints_used"] = hints_used;
  return r;
}

// ---- Metadata phases (mdtest-style) ----

struct MdLayout {
  std::string root;  // md-private or md-shared
  bool shared = false;
  std::string dir(int rank) const {
    return shared ? root : (fs::path(root) / fmt::format("rank-{:06d}", rank)).string();
  }
  std::string rel(int rank, std::int64_t i) const {
    return shared ? fmt::format("md-shared/f-r{:06d}-{:08d}", rank, i)
                  : fmt::format("md-private/rank-{:06d}/f-{:08d}", rank, i);
  }
};

RankResult metadata_phase(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                          RankResult r) {
  auto& session = StorageSession::instance();
  const int me = ctx.comm.rank(), n = ctx.comm.size();
  const bool shared = p.dir_mode == "shared";
  MdLayout lay{(fs::path(run_dir) / (shared ? "md-shared" : "md-private")).string(), shared};
  auto file = [&](int rank, std::int64_t i) { return (fs::path(run_dir) / lay.rel(rank, i)).string(); };
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
    const StoredSet* s = session.find(p.set_key());
    if (!s) err = fmt::format("nothing to {}: the {} metadata create phase did not complete in this run", p.op, p.dir_mode);
    else set = *s;
  }
  agree(ctx, err, "the start of the metadata phase");
  const int src = p.op == "stat" || p.op == "read" ? read_source(ctx) : me;
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
      const std::string path = file(src, i);
      if (p.op == "create") {
        const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) throw_storage_error("create " + path, errno, path);
        if (B) {
          fill_storage_pattern(storage_file_key(set.seed, lay.rel(src, i)), 0, buf.p, B);
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
        const auto c = check_storage_pattern(storage_file_key(set.seed, lay.rel(src, i)), 0, buf.p, B, expect.p);
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
    for (std::int64_t i = 0; i < done; ++i) ::unlink(file(me, i).c_str());
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

class StorageBenchmark final : public Benchmark {
 public:
  std::string key() const override { return "storage"; }
  std::string description() const override {
    return "IOR-style easy and hard bandwidth and mdtest-style metadata phases, pattern-checked";
  }
  Support filter(const PlannedCase&) const override { return Support::yes(); }
  std::string job_wide_basis() const override {
    return "every rank's bytes or operations together over the slowest rank's time (each phase starts on a common "
           "start line); rank_bandwidth and rank_rate hold one sample per rank";
  }

  RankResult run(const CaseContext& ctx) override {
    const Params p = Params::from(ctx.spec.params);
    RankResult r;
    r.info["host"] = ctx.comm.host();
    std::string base, err;
    err = capture_error([&] { base = resolve_base(p); });
    agree(ctx, err, "resolving the storage path");
    if (p.phase == "capacity") {
      StorageCapacity cap;
      err = capture_error([&] { cap = query_storage_capacity(base); });
      agree(ctx, err, "statvfs");
      r.info["capacity"] = capacity_to_json(cap);
      const bool consistent = cap.available_bytes <= cap.free_bytes && cap.free_bytes <= cap.total_bytes;
      r.verification.method = "statvfs-consistency";
      r.verification.status = consistent ? "passed" : "failed";
      r.verification.detail = consistent ? "statvfs of the path: available <= free <= total bytes"
                                         : fmt::format("statvfs of {} is inconsistent: available {} free {} total {}",
                                                       base, cap.available_bytes, cap.free_bytes, cap.total_bytes);
      return r;
    }
    const std::string run_dir = ensure_run_dir(ctx, base, p.keep_files, &r.info);
    if (p.phase == "metadata") return metadata_phase(ctx, p, base, run_dir, std::move(r));
    if (p.op == "write") return bandwidth_write(ctx, p, base, run_dir, std::move(r));
    return bandwidth_read(ctx, p, run_dir, std::move(r));
  }
};

}  // namespace

std::unique_ptr<Benchmark> make_storage_benchmark() { return std::make_unique<StorageBenchmark>(); }

}  // namespace capbench
