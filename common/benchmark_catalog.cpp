#include "common/benchmark_catalog.hpp"

namespace capbench {

using nlohmann::json;

const std::vector<ParameterInfo>& common_case_parameters() {
  static const std::vector<ParameterInfo> p{
      {"benchmark", "string", nullptr, "", "which benchmark (required)"},
      {"name", "string", "", "", "prefix of the case ids (\"sustained\" -> sustained/gemm/...)"},
      {"warmup", "integer 0..100000", "defaults.warmup (2)", "iterations", "untimed iterations before timing"},
      {"iterations", "integer 1..100000", "defaults.iterations (10)", "iterations", "timed iterations (samples)"},
      {"timeout_s", "number 0.001..604800", "defaults.timeout_s (300)", "seconds",
       "a rank still measuring after this is reported as timed out"},
  };
  return p;
}

const std::vector<BenchmarkInfo>& benchmark_catalog() {
  static const std::vector<BenchmarkInfo> c{
      {"gemm",
       "dense C = A·B per precision, Freivalds-checked; one case per precision and shape",
       "cpu, cuda",
       {
           {"precisions", "[string] of fp64 fp32 tf32 fp16 bf16 fp8_e4m3 int8", nullptr, "", "required"},
           {"shapes", "[[m, n, k]], each 1..1048576", nullptr, "elements", "required"},
           {"batch", "integer >= 1", 0, "matrices", "GEMMs per timed sample (0: chosen per backend)"},
           {"algorithms", "integer 1..64", 8, "candidates", "cuBLASLt algorithms tried; the fastest is timed"},
           {"duration_s", "number 0..604800", 0, "seconds", "sustained load for this long (0: iterations only)"},
           {"window_s", "number 0.001..604800", 1, "seconds", "one throughput sample per window when sustained"},
           {"fast_accumulation", "boolean, only with precisions [\"fp8_e4m3\"]", false, "",
            "cuBLASLt's FP8 fast (reduced-precision) accumulation: its own case and family, never the default"},
       }},
      {"stream",
       "copy, mul, add, triad, dot over arrays at least llc_multiple x the last-level cache; replay-checked",
       "cpu, cuda",
       {
           {"precisions", "[string] of fp64 fp32", json::array({"fp64"}), "", ""},
           {"elements", "\"auto\" or integer 1..2^36", "auto", "elements", "array length (auto: from the cache size)"},
           {"llc_multiple", "number 0.001..1000", 4, "x last-level cache", "array size for elements = auto"},
       }},
      {"collective",
       "all_reduce, all_gather, reduce_scatter, broadcast, alltoall over MPI or NCCL; exact integer check",
       "cpu, cuda",
       {
           {"operations", "[string] of all_reduce all_gather reduce_scatter broadcast alltoall", nullptr, "",
            "required"},
           {"dtype", "fp32 | fp64", "fp32", "", ""},
           {"sizes", "[bytes] or {min_bytes, max_bytes, factor >= 2}", nullptr, "bytes",
            "required; a sweep of at most 64 sizes, each at most 1 TiB"},
           {"in_place", "boolean or [boolean]", false, "", "one case per value"},
           {"batch", "integer >= 1", 1, "operations", "operations per timed sample"},
       }},
      {"host_device",
       "host-to-device, device-to-host and bidirectional copies on every GPU at once",
       "cuda",
       {
           {"directions", "[string] of h2d d2h bidir", json::array({"h2d", "d2h", "bidir"}), "", ""},
           {"memory", "pinned | pageable", "pinned", "", "host memory kind"},
           {"bytes", "integer 1..2^40", std::int64_t(256) << 20, "bytes", "bytes per copy"},
       }},
      {"p2p",
       "GPU-to-GPU bandwidth matrix within a node",
       "cuda",
       {
           {"bytes", "integer 1..2^40", std::int64_t(256) << 20, "bytes", "bytes per copy"},
       }},
      {"device_copy",
       "device-to-device copy through the copy engine",
       "cuda",
       {
           {"bytes", "integer 1..2^40", std::int64_t(1) << 30, "bytes", "bytes per copy"},
       }},
      {"lu",
       "FP64 LU with partial pivoting and a solve per rank; HPL's scaled residual < 16 (HPL-like, one device, not Rmax)",
       "cpu, cuda",
       {
           {"n", "integer 1..262144 or \"auto\"", "auto", "", "matrix order; auto: the largest that fills memory_fraction"},
           {"memory_fraction", "number 0.001..0.95", 0.5, "fraction", "share of memory the matrix uses when n is auto"},
       }},
      {"storage",
       "IOR-style easy/hard bandwidth (POSIX, MPI-IO), mdtest-style metadata, capacity (statvfs); every byte read "
       "checked; one case per phase",
       "cpu, cuda",
       {
           {"path", "string", nullptr, "", "directory under test (every rank mounts it); required unless --storage-path"},
           {"phases", "[string] of capacity easy hard_posix hard_mpiio metadata_private metadata_shared", nullptr, "",
            "phases to run (absent: all)"},
           {"easy", "{transfer_bytes, block_bytes, stonewall_s}",
            json{{"transfer_bytes", 2097152}, {"block_bytes", 67108864}, {"stonewall_s", 0}}, "bytes, seconds",
            "file per rank, sequential; stonewall 0: none"},
           {"hard", "{transfer_bytes, segments, stonewall_s}",
            json{{"transfer_bytes", 47008}, {"segments", 1000}, {"stonewall_s", 0}}, "bytes, transfers, seconds",
            "one shared file, interleaved transfers"},
           {"mpiio", "{hints: {key: string}}", json{{"hints", json::object()}}, "", "MPI_Info hints for the shared file"},
           {"metadata", "{files_per_rank, file_bytes}", json{{"files_per_rank", 1000}, {"file_bytes", 3901}},
            "files, bytes", "create, stat, read, delete in private and shared directories"},
           {"max_free_fraction", "number 0.0001..1", 0.1, "fraction", "largest share of the free space a phase may use"},
           {"keep_files", "boolean", false, "", "keep the files at the end"},
           {"test_ignore_free_space", "boolean", false, "", "tests only: skip the free-space refusal"},
       }},
      {"fabric",
       "point-to-point between every pair of nodes (one pair per rail), latency and bandwidth one way and both ways; "
       "short pairs measured again alone; payload checked",
       "cpu, cuda",
       {
           {"latency_sizes", "[bytes] or {min_bytes, max_bytes, factor}, multiples of 4", json::array({8}), "bytes",
            "message sizes for latency (half round trip)"},
           {"bandwidth_sizes", "[bytes] or {min_bytes, max_bytes, factor}, multiples of 4", json::array({4194304}),
            "bytes", "message sizes for bandwidth"},
           {"window", "integer 1..1024", 16, "messages", "messages in flight for bandwidth"},
           {"latency_iterations", "integer 10..100000", 1000, "round trips", "round trips per latency sample"},
           {"remeasure_below", "number (0, 1]", 0.8, "fraction", "pairs below this share of the median pair are measured again alone"},
           {"full_matrix_up_to", "integer 2..1048576", 256, "nodes",
            "full node x node matrices up to this many nodes; above, per-node summaries and the short pairs"},
       }},
  };
  return c;
}

json benchmark_catalog_json() {
  auto params = [](const std::vector<ParameterInfo>& ps) {
    json a = json::array();
    for (const auto& p : ps)
      a.push_back({{"key", p.key}, {"type", p.type}, {"default", p.default_value}, {"unit", p.unit},
                   {"description", p.description}, {"required", p.default_value.is_null()}});
    return a;
  };
  json benches = json::array();
  for (const auto& b : benchmark_catalog())
    benches.push_back({{"name", b.name}, {"summary", b.summary}, {"backends", b.backends},
                       {"parameters", params(b.parameters)}});
  return {{"common", params(common_case_parameters())}, {"benchmarks", benches}};
}

}  // namespace capbench
