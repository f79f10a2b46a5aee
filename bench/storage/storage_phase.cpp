#include "bench/storage/storage_phase.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "bench/runner/signals.hpp"
#include "bench/storage/storage_fs.hpp"
#include "bench/storage/storage_session.hpp"

namespace capbench::storage {

std::string human_bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", b, units[u]);
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

std::vector<int> failed_ranks(const std::vector<std::vector<double>>& v, std::size_t flag_index) {
  std::vector<int> out;
  for (std::size_t r = 0; r < v.size(); ++r)
    if (v[r][flag_index] != 0) out.push_back(static_cast<int>(r));
  return out;
}

JobRate job_rate(const std::vector<std::vector<double>>& rows, std::size_t amount, std::size_t seconds) {
  JobRate out;
  for (const auto& row : rows) {
    out.total += row[amount];
    out.slowest = std::max(out.slowest, row[seconds]);
  }
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

void check_stop(const char* where) {
  if (stop_requested()) throw StorageError(fmt::format("stopped by signal {} during {}", stop_signal(), where), 0);
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

}  // namespace capbench::storage
