#include "bench/storage/storage_benchmark.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "bench/storage/storage_fs.hpp"
#include "bench/storage/storage_phase.hpp"
#include "bench/storage/storage_session.hpp"

namespace capbench {

namespace {

namespace fs = std::filesystem;
using namespace storage;

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
// The unique run directory under the path, made once per run and shared by every rank.
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
