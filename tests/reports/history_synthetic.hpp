#pragma once
// Synthetic capbench results files for the history and compare tests: a fleet of GPUs with
// known true throughputs, per-iteration samples drawn with seeded noise, written through the
// real results writer so `history add` reads them exactly as it reads a real run.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/results.hpp"
#include "common/stats.hpp"
#include "tests/tools/scratch_dir.hpp"

namespace capbench::testing {

struct SynthGpu {
  std::string host, bus, serial;
  double throughput = 700e12;  // true FLOP/s of this GPU tonight
  std::string verification = "passed";
  std::string status = "ok";
};

struct SynthRun {
  std::string id;
  int day = 1;  // started at 2026-01-<day>T02:00:00Z
  std::vector<SynthGpu> gpus;
  int samples = 10;
  double noise = 0.01;  // relative standard deviation of one sample
  std::string suite = "nightly";
  // > 0: also an all_reduce case with results/2 job-wide figures, this true busbw at 1 GiB.
  double job_busbw = 0;
  int job_sizes = 1;  // message sizes of that case: 1 GiB, 256 MiB, ... (each a chart of its own)
  // As a large run writes: samples kept for rank 0 only, the other ranks keep their stats.
  bool thin_samples = false;
};

// Two GPUs per host: hosts node-a, node-b, ...; serials S-<host>-<i>.
inline std::vector<SynthGpu> fleet(int hosts, int per_host = 2, double throughput = 700e12) {
  std::vector<SynthGpu> out;
  for (int h = 0; h < hosts; ++h)
    for (int g = 0; g < per_host; ++g) {
      const std::string host = fmt::format("node-{}", static_cast<char>('a' + h));
      out.push_back({host, fmt::format("0000:{:02x}:00.0", 0x18 + 0x20 * g), fmt::format("S-{}-{}", host, g),
                     throughput});
    }
  return out;
}

inline std::string write_synthetic_run(const std::filesystem::path& dir, const SynthRun& s, std::mt19937_64& rng) {
  ResultsFile r;
  r.run.id = s.id;
  r.run.started_at = fmt::format("2026-01-{:02}T02:00:00.000Z", s.day);
  r.run.finished_at = fmt::format("2026-01-{:02}T02:10:00.000Z", s.day);
  r.run.status = "complete";
  r.run.tool_name = "capbench";
  r.run.tool_version = "0.1.0";
  r.run.git_commit = "synthetic";
  r.run.backend = "cuda";
  r.run.nranks = static_cast<int>(s.gpus.size());
  int nodes = 0;
  std::vector<std::string> hosts;
  for (const auto& g : s.gpus)
    if (std::find(hosts.begin(), hosts.end(), g.host) == hosts.end()) hosts.push_back(g.host);
  nodes = static_cast<int>(hosts.size());
  r.run.nnodes = nodes;
  r.suite.name = s.suite;
  r.suite.sha256 = std::string(64, 'a');
  CaseResult c;
  c.index = 0;
  c.id = "gemm/bf16/8192x8192x8192";
  c.benchmark = "gemm";
  c.params = {{"precision", "bf16"}, {"m", 8192}, {"n", 8192}, {"k", 8192}};
  c.warmup = 2;
  c.iterations = s.samples;
  c.timeout_s = 60;
  c.started_at = r.run.started_at;
  c.finished_at = r.run.finished_at;
  std::normal_distribution<double> noise(1.0, s.noise);
  for (std::size_t i = 0; i < s.gpus.size(); ++i) {
    const auto& g = s.gpus[i];
    RankIdentity id;
    id.rank = static_cast<int>(i);
    id.host = g.host;
    id.node_index = static_cast<int>(std::find(hosts.begin(), hosts.end(), g.host) - hosts.begin());
    id.device.kind = "cuda";
    id.device.name = "NVIDIA H100 80GB HBM3";
    id.device.pci_bus_id = g.bus;
    id.device.serial = g.serial;
    id.device.uuid = "GPU-" + g.serial;
    r.ranks.push_back(id);
    RankResult rr;
    rr.rank = id.rank;
    rr.status = g.status;
    rr.verification.status = g.verification;
    rr.verification.method = "freivalds-fp64";
    std::vector<double> samples;
    for (int k = 0; k < s.samples; ++k) samples.push_back(g.throughput * noise(rng));
    Metric m;
    m.name = "throughput";
    m.unit = "FLOP/s";
    m.stats = summarize(samples);
    m.samples = std::move(samples);
    if (s.thin_samples && i > 0) m.samples.clear();
    rr.metrics.push_back(std::move(m));
    c.ranks.push_back(std::move(rr));
  }
  if (s.thin_samples) c.info["samples_kept"] = {{"rule", "rank 0 (test)"}, {"ranks", {0}}};
  c.status = derive_case_status(c.ranks);
  r.cases.push_back(std::move(c));
  if (s.job_busbw > 0) {
    CaseResult j;
    j.index = 1;
    j.id = "collective/all_reduce/fp32/out_of_place";
    j.benchmark = "collective";
    j.params = {{"operation", "all_reduce"}, {"dtype", "fp32"}, {"in_place", false}};
    j.warmup = 2;
    j.iterations = s.samples;
    j.timeout_s = 60;
    j.started_at = r.run.started_at;
    j.finished_at = r.run.finished_at;
    const double n = static_cast<double>(s.gpus.size());
    const double factor = 2 * (n - 1) / n;
    std::vector<double> sizes;
    for (int z = 0; z < s.job_sizes; ++z) {
      const double size = 1024.0 * 1024 * 1024 / std::pow(4.0, z);
      sizes.push_back(size);
      std::vector<double> t, alg, bus;
      for (int k = 0; k < s.samples; ++k) {
        t.push_back(size * factor / (s.job_busbw * noise(rng)));
        alg.push_back(size / t.back());
        bus.push_back(alg.back() * factor);
      }
      using Named = std::tuple<const char*, const char*, const std::vector<double>*>;
      for (const auto& [name, unit, v] : {Named{"time", "s", &t}, Named{"algbw", "B/s", &alg}, Named{"busbw", "B/s", &bus}}) {
        Metric m;
        m.name = name;
        m.unit = unit;
        m.labels = {{"size_bytes", size}};
        m.samples = *v;
        m.stats = summarize(m.samples);
        j.metrics.push_back(std::move(m));
      }
    }
    j.info["metrics_basis"] = "slowest rank per iteration (test)";
    for (std::size_t i = 0; i < s.gpus.size(); ++i) {
      RankResult rr;
      rr.rank = static_cast<int>(i);
      rr.status = s.gpus[i].status;
      rr.verification.status = s.gpus[i].verification;
      rr.verification.method = "exact-integer-sum";
      rr.info = {{"bus_factor", factor}, {"sizes_bytes", sizes}};
      j.ranks.push_back(std::move(rr));
    }
    j.status = derive_case_status(j.ranks);
    r.cases.push_back(std::move(j));
  }
  const auto path = (dir / ("capbench-" + s.id + ".json")).string();
  write_json_atomic(path, results_to_json(r));
  return path;
}

}  // namespace capbench::testing
