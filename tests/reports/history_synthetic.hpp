#pragma once
// Synthetic capbench results files for the history and compare tests: a fleet of GPUs with
// known true throughputs, per-iteration samples drawn with seeded noise, written through the
// real results writer so `history add` reads them exactly as it reads a real run.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/results.hpp"
#include "common/stats.hpp"

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
    rr.metrics.push_back(std::move(m));
    c.ranks.push_back(std::move(rr));
  }
  c.status = derive_case_status(c.ranks);
  r.cases.push_back(std::move(c));
  const auto path = (dir / ("capbench-" + s.id + ".json")).string();
  write_json_atomic(path, results_to_json(r));
  return path;
}

// A fresh temporary directory, removed when the test ends.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/capbench-history-test.XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace capbench::testing
