// The CPU backend: a real benchmark on the host, used where no GPU is present and in CI.
#include "bench/cpu/cpu_backend.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "bench/collective/collective_benchmark.hpp"
#include "bench/cpu/cpu_peak.hpp"
#include "bench/fabric/fabric_benchmark.hpp"
#include "bench/gemm/gemm_benchmark.hpp"
#include "bench/lu/lu_benchmark.hpp"
#include "bench/storage/storage_benchmark.hpp"
#include "bench/stream/stream_benchmark.hpp"

namespace capbench {

namespace {

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto pos = line.find(':');
      if (pos != std::string::npos) {
        auto s = line.substr(pos + 1);
        s.erase(0, s.find_first_not_of(' '));
        return s;
      }
    }
  }
  return "unknown CPU";
}

std::int64_t parse_cache_size(const std::string& s) {
  // sysfs writes e.g. "32768K" or "8M".
  std::int64_t v = 0;
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
  if (i < s.size() && (s[i] == 'K' || s[i] == 'k')) v *= 1024;
  if (i < s.size() && (s[i] == 'M' || s[i] == 'm')) v *= 1024 * 1024;
  return v;
}

class CpuBackend final : public Backend {
 public:
  CpuBackend(const BackendOptions& opts, const Comm& comm)
      : comm_(comm),
        threads_(opts.threads > 0 ? opts.threads : cpu_threads_per_rank(comm.local_size())) {
    if (auto w = binding_warning(); !w.empty() && comm.local_rank() == 0)
      std::fprintf(stderr, "capbench: warning: rank %d: %s\n", comm.rank(), w.c_str());
  }

  std::string name() const override { return "cpu"; }

  DeviceIdentity identity() const override {
    DeviceIdentity d;
    d.kind = "cpu";
    d.name = cpu_model_name();
    d.details = {{"threads", threads_},
                 {"online_cpus", ::sysconf(_SC_NPROCESSORS_ONLN)},
                 {"ranks_on_node", comm_.local_size()},
                 {"llc_bytes_node", last_level_cache_bytes()},
                 {"peak_model", this_rank_cpu_peak(threads_).to_json()}};
    // A launcher that bound this rank to fewer cores than its share of the node leaves the
    // rest idle: say so where the figures are (mpirun -np 1 binds to one core by default).
    if (auto w = binding_warning(); !w.empty()) d.details["binding_warning"] = w;
    return d;
  }

  // Non-empty when the launcher bound this rank to fewer cores than its share of the node.
  std::string binding_warning() const {
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    const long share = online / std::max(1, comm_.local_size());
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (::sched_getaffinity(0, sizeof mask, &mask) != 0) return {};
    const int bound = CPU_COUNT(&mask);
    if (bound >= share) return {};
    return fmt::format("this rank runs {} thread{} on the {} core{} it is bound to; its share of the node is {} of {} "
                       "(mpirun binds each rank to one core by default: --bind-to none or --map-by ...:PE=N)",
                       threads_, threads_ == 1 ? "" : "s", bound, bound == 1 ? "" : "s", share, online);
  }

  std::unique_ptr<Benchmark> make_benchmark(const std::string& benchmark) override {
    if (benchmark == "gemm") return std::make_unique<GemmBenchmark>(make_cpu_gemm(threads_));
    if (benchmark == "stream") return std::make_unique<StreamBenchmark>(make_cpu_stream(threads_, comm_.local_size()));
    if (benchmark == "collective") return std::make_unique<CollectiveBenchmark>(make_mpi_collective(comm_));
    if (benchmark == "lu") return std::make_unique<LuBenchmark>(make_cpu_lu(threads_, comm_.local_size()));
    if (benchmark == "storage") return make_storage_benchmark();
    if (benchmark == "fabric") return std::make_unique<FabricBenchmark>(make_mpi_fabric(), comm_);
    return nullptr;
  }

 private:
  const Comm& comm_;
  int threads_;
};

}  // namespace

std::int64_t last_level_cache_bytes() {
  namespace fs = std::filesystem;
  // Sum one instance of the highest cache level per distinct set of sharing CPUs.
  int best_level = 0;
  std::int64_t best_size = 0;
  std::set<std::string> seen;
  std::int64_t total = 0;
  std::error_code ec;
  for (const auto& cpu : fs::directory_iterator("/sys/devices/system/cpu", ec)) {
    const auto name = cpu.path().filename().string();
    if (name.rfind("cpu", 0) != 0 || name.size() < 4 || !std::isdigit(static_cast<unsigned char>(name[3]))) continue;
    for (const auto& idx : fs::directory_iterator(cpu.path() / "cache", ec)) {
      std::ifstream lf(idx.path() / "level"), sf(idx.path() / "size"), shf(idx.path() / "shared_cpu_list"),
          tf(idx.path() / "type");
      int level = 0;
      std::string size, shared, type;
      lf >> level;
      sf >> size;
      shf >> shared;
      tf >> type;
      if (type == "Instruction") continue;
      if (level > best_level) {
        best_level = level;
        seen.clear();
        total = 0;
      }
      if (level == best_level && seen.insert(shared).second) {
        best_size = parse_cache_size(size);
        total += best_size;
      }
    }
  }
  if (total > 0) return total;
  const long l3 = ::sysconf(_SC_LEVEL3_CACHE_SIZE);
  return l3 > 0 ? l3 : std::int64_t(32) << 20;  // assume a large cache rather than a small one
}

int cpu_threads_per_rank(int ranks_on_node) {
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  // A launcher that binds the rank (mpirun binds to a core or socket by default) has already
  // decided: use the CPUs the rank may run on. Unbound, share the node among its ranks.
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof mask, &mask) == 0) {
    const int allowed = CPU_COUNT(&mask);
    if (allowed > 0 && allowed < cpus) return allowed;
  }
  return std::max(1, int(cpus / std::max(1, ranks_on_node)));
}

std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& opts, const Comm& comm) {
  return std::make_unique<CpuBackend>(opts, comm);
}

}  // namespace capbench
