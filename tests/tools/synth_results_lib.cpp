#include "tests/tools/synth_results.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string_view>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "common/collectives.hpp"
#include "common/precision.hpp"
#include "common/sample_retention.hpp"
#include "tests/tools/synth_fabric.hpp"

namespace capbench {

namespace {

// Sustained figures per GPU in the range public measurements report (see
// /work/shared/reference.md); datasheet peaks are never used as measured values.
struct Sku {
  const char* name;
  const char* pci_device_id;
  const char* serial_prefix;
  double gemm_fp64, gemm_fp32, gemm_tf32, gemm_bf16, gemm_fp16, gemm_fp8, gemm_int8;  // 0: not supported
  double hbm_triad, pcie, p2p;                                                          // B/s
  int sm_count;
  std::int64_t memory_bytes;
};

constexpr Sku kH100{"NVIDIA H100 80GB HBM3", "0x2330", "1654923", 55e12, 48e12, 380e12, 760e12, 760e12, 1300e12,
                    1250e12, 2.97e12, 52e9, 370e9, 132, std::int64_t(80) << 30};
constexpr Sku kA100{"NVIDIA A100-SXM4-80GB", "0x20B2", "1324121", 18.5e12, 18.5e12, 140e12, 265e12, 265e12, 0,
                    520e12, 1.75e12, 24e9, 240e9, 108, std::int64_t(80) << 30};

double gemm_rate(const Sku& s, const std::string& p) {
  if (p == "fp64") return s.gemm_fp64;
  if (p == "fp32") return s.gemm_fp32;
  if (p == "tf32") return s.gemm_tf32;
  if (p == "bf16") return s.gemm_bf16;
  if (p == "fp16") return s.gemm_fp16;
  if (p == "fp8_e4m3" || p == "fp8_e5m2") return s.gemm_fp8;
  if (p == "int8") return s.gemm_int8;
  return 0;
}

class Generator {
 public:
  Generator(const Suite& suite, const SynthOptions& o) : suite_(suite), o_(o), rng_(o.seed) {}

  // Every case handed to `on_case` as it is made (then dropped); the rest in the result.
  ResultsFile make(const std::function<void(CaseResult&&)>& on_case) {
    ResultsFile out;
    const int nodes = (o_.ranks + o_.gpus_per_node - 1) / o_.gpus_per_node;
    h100_nodes_ = std::max(0, int(std::lround(o_.h100_node_fraction * nodes)));
    auto& run = out.run;
    run.id = fmt::format("20261126T000000Z-{:06x}", o_.seed & 0xFFFFFFu);
    run.started_at = "2026-11-26T00:00:00.000Z";
    run.status = "complete";
    run.tool_name = "capbench";
    run.tool_version = "0.1.0";
    run.git_commit = "synthetic";
    run.command_line = {"capbench_synth_results", "--ranks", std::to_string(o_.ranks)};
    run.backend = "cuda";
    run.nranks = o_.ranks;
    run.nnodes = nodes;
    run.mpi_library = "Open MPI v4.1.4 (synthetic)";
    run.environment = {{"SLURM_JOB_ID", "4242"}, {"SLURM_NTASKS", std::to_string(o_.ranks)}};
    out.suite.name = suite_.name;
    out.suite.path = suite_.path;
    out.suite.sha256 = suite_.sha256;
    out.suite.content = suite_.content;

    std::normal_distribution<double> spread(0.0, 0.012);
    quality_.resize(std::size_t(o_.ranks));
    out.ranks.reserve(std::size_t(o_.ranks));
    for (int r = 0; r < o_.ranks; ++r) {
      out.ranks.push_back(identity(r));
      // Most GPUs sit within a percent or two of their peers; about one in 500 is clearly slow.
      double q = 1.0 + std::clamp(spread(rng_), -0.04, 0.04);
      if (std::uniform_int_distribution<int>(0, 499)(rng_) == 0) q *= 0.85;
      quality_[std::size_t(r)] = q;
    }

    double t = 0;
    for (const auto& spec : suite_.plan) {
      CaseResult c;
      c.index = spec.index;
      c.id = spec.id;
      c.benchmark = spec.benchmark;
      c.params = spec.params;
      c.warmup = spec.warmup;
      c.iterations = spec.iterations;
      c.timeout_s = spec.timeout_s;
      c.started_at = fmt::format("2026-11-26T00:{:02}:{:02}.000Z", int(t / 60) % 60, int(t) % 60);
      c.ranks.reserve(std::size_t(o_.ranks));
      for (int r = 0; r < o_.ranks; ++r) c.ranks.push_back(rank_result(spec, r));
      if (spec.benchmark == "fabric" && fabric_nodes() >= 2) {
        SynthFabricOptions fo;
        fo.nodes = fabric_nodes();
        fo.rails = std::min(o_.fabric_rails, o_.gpus_per_node);
        fo.seed = o_.seed;
        fo.slow_node = fo.nodes / 3;
        fo.full_matrix_up_to = spec.params.value("full_matrix_up_to", kFabricFullMatrixNodes);
        fo.remeasure_below = spec.params.value("remeasure_below", 0.8);
        if (auto it = spec.params.find("latency_sizes"); it != spec.params.end()) fo.latency_size = it->front().get<std::int64_t>();
        if (auto it = spec.params.find("bandwidth_sizes"); it != spec.params.end())
          fo.bandwidth_size = it->back().get<std::int64_t>();
        auto sf = synthesize_fabric(fo);
        c.metrics = std::move(sf.metrics);
        c.info = std::move(sf.info);
        c.info["metrics_basis"] = "synthetic: one sample per node pair and rail";
      }
      if (spec.benchmark == "collective") {
        c.metrics = collective_metrics(spec);
        c.info["metrics_basis"] = "synthetic: per timed iteration, the slowest rank's time";
      }
      thin_samples(c, o_.all_samples_up_to);
      c.wall_s = 1.5 + 0.1 * double(spec.iterations);
      t += c.wall_s;
      c.finished_at = fmt::format("2026-11-26T00:{:02}:{:02}.000Z", int(t / 60) % 60, int(t) % 60);
      c.status = derive_case_status(c.ranks);
      on_case(std::move(c));
    }
    run.finished_at = fmt::format("2026-11-26T{:02}:{:02}:{:02}.000Z", int(t / 3600), int(t / 60) % 60, int(t) % 60);
    return out;
  }

 private:
  int fabric_nodes() const { return (o_.ranks + o_.gpus_per_node - 1) / o_.gpus_per_node; }
  const Sku& sku_of(int rank) const { return rank / o_.gpus_per_node < h100_nodes_ ? kH100 : kA100; }

  RankIdentity identity(int r) {
    RankIdentity id;
    id.rank = r;
    id.local_rank = r % o_.gpus_per_node;
    id.node_index = r / o_.gpus_per_node;
    id.host = fmt::format("node{:04}", id.node_index + 1);
    const Sku& s = sku_of(r);
    static constexpr int kBuses[8] = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};
    id.device.kind = "cuda";
    id.device.name = s.name;
    id.device.pci_bus_id = fmt::format("00000000:{:02X}:00.0", kBuses[id.local_rank % 8]);
    id.device.pci_device_id = s.pci_device_id;
    const std::uint64_t u = std::uniform_int_distribution<std::uint64_t>()(rng_);
    id.device.uuid = fmt::format("GPU-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", std::uint32_t(u >> 32),
                                 std::uint32_t(u >> 16) & 0xFFFF, std::uint32_t(u) & 0xFFFF, r & 0xFFFF,
                                 (u * 0x9E3779B97F4A7C15ull) & 0xFFFFFFFFFFFFull);
    id.device.serial = fmt::format("{}{:06}", s.serial_prefix, (r * 7919 + int(o_.seed)) % 1000000);
    id.device.details = {{"sm_count", s.sm_count},
                         {"memory_bytes", s.memory_bytes},
                         {"compute_capability", s.gemm_fp8 > 0 ? "9.0" : "8.0"},
                         {"driver_version", "550.90.07"},
                         {"cuda_runtime", 12040},
                         {"cublas_version", 120402},
                         {"nccl_version", 22105}};
    return id;
  }

  // `n` noisy samples around `value` (relative noise `rel`), all positive.
  std::vector<double> samples(double value, int n, double rel) {
    std::normal_distribution<double> noise(0.0, rel);
    std::vector<double> v(std::size_t(std::max(n, 1)));
    for (auto& x : v) x = value * std::max(0.5, 1.0 + noise(rng_));
    return v;
  }

  Metric metric(std::string name, std::string unit, std::vector<double> v, json labels = json::object()) {
    Metric m;
    m.name = std::move(name);
    m.unit = std::move(unit);
    m.labels = std::move(labels);
    m.stats = summarize(v);
    m.samples = std::move(v);
    return m;
  }

  int sample_count(const PlannedCase& spec) const {
    return o_.samples_per_metric >= 0 ? o_.samples_per_metric : spec.iterations;
  }

  // As NVML reports them: clocks in whole MHz, power in mW, temperature in whole degrees; the
  // median of 20 samples may fall half-way between two readings.
  CaseTelemetry telemetry(const Sku& s) {
    std::uniform_int_distribution<int> jitter(-5, 5);
    const double clock = s.gemm_fp8 > 0 ? 1830 : 1410, power = s.gemm_fp8 > 0 ? 690 : 395;
    CaseTelemetry t;
    t.available = true;
    t.source = "nvml";
    t.samples = 20;
    t.interval_s = 0.1;
    t.sm_clock_mhz = TelemetryRange{clock - 45, clock, clock};
    t.memory_clock_mhz = TelemetryRange{2619, 2619, 2619};
    const double p_median = power + jitter(rng_) + 0.001 * std::uniform_int_distribution<int>(0, 999)(rng_);
    t.power_w = TelemetryRange{std::round(power * 600) / 1000, p_median, power + 8};
    t.temperature_c = TelemetryRange{41, double(55 + jitter(rng_) / 2), 63};
    t.throttled_fraction = 0.0;
    t.throttle_reasons = std::vector<std::string>{};
    t.ecc_new = EccDelta{0, 0};
    return t;
  }

  // Job-wide: ring all-reduce over InfiniBand across nodes, NVLink within one, half the peak
  // at 8 MiB; the slowest GPU of the job sets the pace.
  std::vector<Metric> collective_metrics(const PlannedCase& spec) {
    const auto& p = spec.params;
    const auto op = *collective_from_key(p.at("operation").get<std::string>());
    const double slowest = std::min(1.0, *std::min_element(quality_.begin(), quality_.end()));
    const double peak = (o_.ranks > o_.gpus_per_node ? 46e9 : 370e9) * slowest;
    std::vector<Metric> out;
    for (const auto& size : p.at("sizes")) {
      const double bytes = size.get<double>();
      const double busbw = peak * bytes / (bytes + 8.0 * 1048576.0);
      const double factor = bus_factor(op, o_.ranks);
      const double algbw = busbw / (factor > 0 ? factor : 1.0);
      auto time = samples(bytes / algbw + 20e-6, sample_count(spec), 0.01);
      std::vector<double> a, b;
      for (double t : time) {
        a.push_back(algbw_bytes_per_s(bytes, t));
        b.push_back(busbw_bytes_per_s(op, o_.ranks, bytes, t));
      }
      const json labels = {{"size_bytes", size}};
      out.push_back(metric("time", "s", std::move(time), labels));
      out.push_back(metric("algbw", "B/s", std::move(a), labels));
      out.push_back(metric("busbw", "B/s", std::move(b), labels));
    }
    return out;
  }

  RankResult rank_result(const PlannedCase& spec, int r) {
    RankResult rr;
    rr.rank = r;
    const Sku& s = sku_of(r);
    const double q = quality_[std::size_t(r)];
    const int n = sample_count(spec);
    const auto& p = spec.params;
    if (spec.benchmark == "gemm") {
      const auto precision = p.at("precision").get<std::string>();
      const double rate = gemm_rate(s, precision);
      if (rate <= 0) {
        rr.status = "skipped";
        rr.error = fmt::format("{} has no {} tensor cores (compute capability 8.0)", s.name, precision);
        return rr;
      }
      const double ops = 2.0 * p.at("m").get<double>() * p.at("n").get<double>() * p.at("k").get<double>();
      auto thr = samples(rate * q, n, 0.004);
      std::vector<double> per;
      for (double x : thr) per.push_back(ops / x);
      const bool integer = precision == "int8";
      rr.metrics.push_back(metric("throughput", integer ? "OP/s" : "FLOP/s", std::move(thr)));
      rr.metrics.push_back(metric("time_per_gemm", "s", std::move(per)));
      rr.verification = {"passed", precision == "fp64" ? "freivalds-fp64" : "freivalds-fp64-reference",
                         "3 random vectors; worst row within tolerance", 1.2e-14, 2.5e-12, 0};
      rr.info = {{"library", "cuBLASLt"}, {"algorithm", {{"index", 0}, {"tile", "128x256"}, {"stages", 4}}},
                 {"candidates_timed", 8},   {"batch", 20},
                 {"ops_per_gemm", ops},     {"workspace_bytes", 33554432}};
    } else if (spec.benchmark == "stream") {
      const double triad = s.hbm_triad * q;
      static constexpr std::pair<const char*, double> kKernels[] = {
          {"copy", 0.97}, {"mul", 0.97}, {"add", 1.0}, {"triad", 1.0}, {"dot", 0.92}};
      for (const auto& [k, f] : kKernels)
        rr.metrics.push_back(metric(std::string(k) + "_bandwidth", "B/s", samples(triad * f, n, 0.003)));
      rr.verification = {"passed", "stream-replay", "0 array elements outside relative tolerance", 2.2e-16,
                         1.5e-14, 0};
      rr.info = {{"elements", 268435456}, {"array_bytes", 2147483648.0}, {"block_size", 1024}};
    } else if (spec.benchmark == "fabric") {
      // Job-wide figures (synth_fabric.hpp); each rank reports its payload check.
      if (fabric_nodes() < 2) {
        rr.status = "skipped";
        rr.error = "the job runs on 1 node: a fabric case needs at least 2 nodes to form a pair";
        return rr;
      }
      rr.verification = {"passed", "pattern-words", "every payload word of every pair this rank took part in matched",
                         0, 0, 0};
      rr.info = {{"transport", "nccl"}};
    } else if (spec.benchmark == "collective") {
      // The figures are job-wide (case_metrics); each rank reports its check and its GPU.
      const auto op = *collective_from_key(p.at("operation").get<std::string>());
      rr.verification = {"passed", "exact-integer-inputs", "every element of every size matched exactly", 0, 0, 0};
      rr.info = {{"library", "NCCL"}, {"nccl", "2.21.5"}, {"bus_factor", bus_factor(op, o_.ranks)},
                 {"sizes_bytes", p.at("sizes")}};
    } else {
      // host_device, device_copy, p2p: one bandwidth metric each.
      double bw = spec.benchmark == "host_device" ? s.pcie : spec.benchmark == "p2p" ? s.p2p : 0.9 * s.hbm_triad;
      rr.metrics.push_back(metric("bandwidth", "B/s", samples(bw * q, n, 0.005)));
      rr.verification = {"passed", "pattern-check", "every byte matched its pattern", 0, 0, 0};
      rr.info = {{"bytes", p.value("bytes", 0)}};
    }
    rr.telemetry = telemetry(s);
    rr.wall_s = 0.5 + 0.05 * n;
    return rr;
  }

  const Suite& suite_;
  SynthOptions o_;
  std::mt19937_64 rng_;
  int h100_nodes_ = 0;
  std::vector<double> quality_;
};

}  // namespace

ResultsFile synthesize_results(const Suite& suite, const SynthOptions& options) {
  if (options.ranks < 1) throw std::invalid_argument("ranks must be at least 1");
  if (options.gpus_per_node < 1) throw std::invalid_argument("gpus per node must be at least 1");
  if (!(options.h100_node_fraction >= 0 && options.h100_node_fraction <= 1))
    throw std::invalid_argument("the H100 node fraction must lie in [0, 1]");
  ResultsFile out;
  std::vector<CaseResult> cases;
  out = Generator(suite, options).make([&](CaseResult&& c) { cases.push_back(std::move(c)); });
  out.cases = std::move(cases);
  return out;
}

void write_synthetic_results(const Suite& suite, const SynthOptions& options, const std::string& path) {
  if (options.ranks < 1) throw std::invalid_argument("ranks must be at least 1");
  if (options.gpus_per_node < 1) throw std::invalid_argument("gpus per node must be at least 1");
  if (!(options.h100_node_fraction >= 0 && options.h100_node_fraction <= 1))
    throw std::invalid_argument("the H100 node fraction must lie in [0, 1]");
  // results_file_text's layout, one case at a time: "cases" first, then the other members.
  static constexpr std::string_view kOpen = "{\n \"cases\": [\n", kClose = "\n ],\n";
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error(path + ": cannot create " + tmp);
  auto put = [&](std::string_view t) {
    if (std::fwrite(t.data(), 1, t.size(), f) != t.size()) throw std::runtime_error(path + ": write failed");
  };
  try {
    put(kOpen);
    bool first = true;
    ResultsFile head = Generator(suite, options).make([&](CaseResult&& c) {
      ResultsFile one;
      one.cases.push_back(std::move(c));
      const std::string text = results_file_text(one);
      const std::size_t end = text.find(kClose);  // the first at the root's indent: the end of "cases"
      if (!first) put(",\n");
      first = false;
      put(std::string_view(text).substr(kOpen.size(), end - kOpen.size()));
    });
    // The members after "cases", from the same writer.
    CaseResult empty;
    head.cases.push_back(empty);
    const std::string text = results_file_text(head);
    put(std::string_view(text).substr(text.find(kClose)));
  } catch (...) {
    std::fclose(f);
    std::remove(tmp.c_str());
    throw;
  }
  if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(path + ": cannot write");
}

}  // namespace capbench
