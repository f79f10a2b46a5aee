#pragma once
// What the storage phases share (bench/storage/): the phase clock, the I/O buffer, a case's
// parameters, the exchanges that make every rank agree, the space check, and the phases.
// Internal to the storage family; storage_benchmark.hpp is its interface.
#include <chrono>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/backend.hpp"

namespace capbench::storage {

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

std::string human_bytes(double b);  // "1.5 GiB"

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
template <class F>
std::string capture_error(F&& f) {
  try {
    f();
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Each rank's values reach every rank (element-wise max over rank slots, deadline-bounded).
std::vector<std::vector<double>> exchange(const CaseContext& ctx, const std::vector<double>& mine);
// The ranks whose value at flag_index is non-zero.
std::vector<int> failed_ranks(const std::vector<std::vector<double>>& v, std::size_t flag_index = 0);
// A phase's job-wide figure from exchange()'s rows: column `amount` (bytes or operations) summed
// over the ranks, over the slowest rank's time in column `seconds` (IOR's and mdtest's basis).
struct JobRate {
  double total = 0, slowest = 0;
  double rate() const { return total / slowest; }
};
JobRate job_rate(const std::vector<std::vector<double>>& rows, std::size_t amount, std::size_t seconds);
// Every rank says whether it failed at `stage`; when any did, every rank throws (this one its
// own error, the others the list of ranks that failed). Doubles as the phase's start line.
void agree(const CaseContext& ctx, const std::string& my_error, const char* stage);
void check_stop(const char* where);  // throws once SIGINT or SIGTERM arrived

std::string make_subdir(const std::string& dir);  // mkdir, tracked for removal; an existing one is fine
// The refusal message when the phase would take more than max_free_fraction of the free space.
std::string space_refusal(const std::string& base, const Params& p, double planned_bytes, json* info);
// The rank whose data this rank reads back: IOR's -C, one node over.
int read_source(const CaseContext& ctx);
void note_cache(const CaseContext& ctx, json* info);

// The phases (storage_bandwidth.cpp, storage_metadata.cpp).
RankResult bandwidth_write(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                           RankResult r);
RankResult bandwidth_read(const CaseContext& ctx, const Params& p, const std::string& run_dir, RankResult r);
RankResult metadata_phase(const CaseContext& ctx, const Params& p, const std::string& base, const std::string& run_dir,
                          RankResult r);

}  // namespace capbench::storage
