// Per-benchmark validation of suite cases and their expansion into concrete planned cases.
#include <cmath>
#include <fmt/format.h>

#include "common/collectives.hpp"
#include "common/fabric_summary.hpp"
#include "common/precision.hpp"
#include "common/storage_cases.hpp"
#include "common/suite.hpp"

namespace capbench {

namespace {

constexpr std::int64_t kMaxDim = 1 << 20;            // a GEMM dimension beyond this is a typo
constexpr std::int64_t kMaxBytes = std::int64_t(1) << 40;
constexpr double kMaxSeconds = 7 * 24 * 3600.0;  // a week: beyond it a duration is a typo
constexpr std::int64_t kMaxIterations = 100000;

// Keys every case may carry, whatever its benchmark.
#define CAPBENCH_COMMON_CASE_KEYS "benchmark", "name", "warmup", "iterations", "timeout_s", "test_slow_rank"

struct Common {
  std::string name;
  int warmup, iterations;
  double timeout_s;
  json slow_rank;  // null, or {"rank": r, "factor": f}: tests plant a slowdown on one rank
};

Common read_common(const ConfigNode& c, const CaseDefaults& d) {
  Common out{"", d.warmup, d.iterations, d.timeout_s, nullptr};
  if (auto v = c.find("name")) out.name = v->as_string();
  if (auto v = c.find("warmup")) out.warmup = static_cast<int>(v->as_int_in(0, kMaxIterations));
  if (auto v = c.find("iterations")) out.iterations = static_cast<int>(v->as_int_in(1, kMaxIterations));
  if (auto v = c.find("timeout_s")) out.timeout_s = v->as_number_in(0.001, kMaxSeconds, "seconds");
  if (auto v = c.find("test_slow_rank")) {
    v->allow_only({"rank", "factor"});
    const auto rank = v->at("rank").as_non_negative_int();
    const double factor = v->at("factor").as_positive_number();
    if (factor < 1.0 || factor > 100.0) v->at("factor").fail("a slowdown factor between 1 and 100");
    out.slow_rank = json{{"rank", rank}, {"factor", factor}};
  }
  return out;
}

PlannedCase make_case(const Common& c, std::string benchmark, std::string id, json params) {
  PlannedCase p;
  p.benchmark = std::move(benchmark);
  p.id = c.name.empty() ? std::move(id) : c.name + "/" + id;
  if (!c.slow_rank.is_null()) params["test_slow_rank"] = c.slow_rank;
  p.params = std::move(params);
  p.warmup = c.warmup;
  p.iterations = c.iterations;
  p.timeout_s = c.timeout_s;
  return p;
}

std::int64_t read_bytes(const ConfigNode& n) {
  const auto v = n.as_positive_int();
  if (v > kMaxBytes) n.fail("a size of at most 1 TiB");
  return v;
}

std::vector<std::string> read_string_list(const ConfigNode& n, std::initializer_list<std::string_view> choices) {
  std::vector<std::string> out;
  if (n.size() == 0) n.fail("a non-empty array");
  for (const auto& item : n.items()) out.push_back(item.as_enum(choices));
  return out;
}

std::vector<PlannedCase> expand_gemm(const ConfigNode& c, const CaseDefaults& d) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, "precisions", "shapes", "batch", "algorithms", "duration_s",
                "window_s", "fast_accumulation"});
  const auto common = read_common(c, d);
  const auto precisions =
      read_string_list(c.at("precisions"), {"fp64", "fp32", "tf32", "fp16", "bf16", "fp8_e4m3", "int8"});
  const auto shapes = c.at("shapes");
  if (shapes.size() == 0) shapes.fail("a non-empty array of [m, n, k]");
  const std::int64_t batch = c.has("batch") ? c.at("batch").as_positive_int() : 0;  // 0: chosen per backend
  const std::int64_t algorithms = c.has("algorithms") ? c.at("algorithms").as_positive_int() : 8;
  if (algorithms > 64) c.at("algorithms").fail("at most 64 candidate algorithms");
  const double duration_s = c.has("duration_s") ? c.at("duration_s").as_number_in(0, kMaxSeconds, "seconds") : 0.0;
  const double window_s = c.has("window_s") ? c.at("window_s").as_number_in(0.001, kMaxSeconds, "seconds") : 1.0;
  // FP8 with cuBLASLt's fast (reduced-precision) accumulation: a different measurement, so a
  // case of its own, a different id, and never pooled with the accurate FP8 figures.
  const bool fast_accumulation = c.has("fast_accumulation") && c.at("fast_accumulation").as_bool();
  if (fast_accumulation && (precisions.size() != 1 || precisions[0] != "fp8_e4m3"))
    c.at("fast_accumulation").fail("true only in a case whose precisions are [\"fp8_e4m3\"] alone");
  std::vector<PlannedCase> out;
  for (const auto& p : precisions) {
    for (const auto& shape : shapes.items()) {
      if (shape.size() != 3) shape.fail("[m, n, k]");
      std::int64_t dims[3];
      for (int i = 0; i < 3; ++i) {
        dims[i] = shape[i].as_positive_int();
        if (dims[i] > kMaxDim) shape[i].fail("a dimension of at most 1048576");
      }
      json params = {{"precision", p}, {"m", dims[0]},         {"n", dims[1]},
                     {"k", dims[2]},   {"batch", batch},       {"algorithms", algorithms},
                     {"duration_s", duration_s}, {"window_s", window_s}};
      std::string family = p;
      if (fast_accumulation) {
        params["fast_accumulation"] = true;
        family += "_fast_accum";
      }
      out.push_back(make_case(common, "gemm", fmt::format("gemm/{}/{}x{}x{}", family, dims[0], dims[1], dims[2]),
                              std::move(params)));
    }
  }
  return out;
}

std::vector<PlannedCase> expand_stream(const ConfigNode& c, const CaseDefaults& d) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, "precisions", "elements", "llc_multiple"});
  const auto common = read_common(c, d);
  std::vector<std::string> precisions{"fp64"};
  if (auto p = c.find("precisions")) precisions = read_string_list(*p, {"fp64", "fp32"});
  json elements = "auto";
  if (auto e = c.find("elements")) {
    if (e->raw().is_string()) {
      e->as_enum({"auto"});
    } else {
      const auto n = e->as_positive_int();
      if (n > (std::int64_t(1) << 36)) e->fail("at most 2^36 elements");
      elements = n;
    }
  }
  const double llc_multiple =
      c.has("llc_multiple") ? c.at("llc_multiple").as_number_in(0.001, 1000, "a multiple of the cache") : 4.0;
  std::vector<PlannedCase> out;
  for (const auto& p : precisions)
    out.push_back(make_case(common, "stream", "stream/" + p,
                            {{"precision", p}, {"elements", elements}, {"llc_multiple", llc_multiple}}));
  return out;
}

json read_sizes(const ConfigNode& n) {
  std::vector<std::int64_t> sizes;
  if (n.raw().is_array()) {
    if (n.size() == 0) n.fail("a non-empty array of sizes in bytes");
    for (const auto& item : n.items()) sizes.push_back(read_bytes(item));
  } else {
    n.allow_only({"min_bytes", "max_bytes", "factor"});
    const auto lo = read_bytes(n.at("min_bytes"));
    const auto hi = read_bytes(n.at("max_bytes"));
    if (hi < lo) n.at("max_bytes").fail(fmt::format("a size >= min_bytes ({})", lo));
    const auto factor = n.has("factor") ? n.at("factor").as_positive_int() : 2;
    if (factor < 2) n.at("factor").fail("an integer >= 2");
    // Stop before the product could pass max_bytes, so s * factor never overflows.
    for (std::int64_t s = lo;; s *= factor) {
      sizes.push_back(s);
      if (sizes.size() > 64) n.fail("a sweep of at most 64 sizes");
      if (s > hi / factor) break;
    }
  }
  return sizes;
}

std::vector<PlannedCase> expand_collective(const ConfigNode& c, const CaseDefaults& d) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, "operations", "dtype", "sizes", "in_place", "batch"});
  const auto common = read_common(c, d);
  const auto ops =
      read_string_list(c.at("operations"), {"all_reduce", "all_gather", "reduce_scatter", "broadcast", "alltoall"});
  const std::string dtype = c.has("dtype") ? c.at("dtype").as_enum({"fp32", "fp64"}) : "fp32";
  const json sizes = read_sizes(c.at("sizes"));
  std::vector<bool> in_place{false};
  if (auto ip = c.find("in_place")) {
    if (ip->raw().is_array()) {
      in_place.clear();
      if (ip->size() == 0) ip->fail("a non-empty array of booleans");
      for (const auto& b : ip->items()) in_place.push_back(b.as_bool());
    } else {
      in_place = {ip->as_bool()};
    }
  }
  const std::int64_t batch = c.has("batch") ? c.at("batch").as_positive_int() : 1;
  std::vector<PlannedCase> out;
  for (const auto& op : ops)
    for (bool ip : in_place)
      out.push_back(make_case(common, "collective",
                              fmt::format("collective/{}/{}/{}", op, dtype, ip ? "in_place" : "out_of_place"),
                              {{"operation", op}, {"dtype", dtype}, {"sizes", sizes}, {"in_place", ip},
                               {"batch", batch}}));
  return out;
}

std::vector<PlannedCase> expand_host_device(const ConfigNode& c, const CaseDefaults& d) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, "directions", "memory", "bytes"});
  const auto common = read_common(c, d);
  std::vector<std::string> dirs{"h2d", "d2h", "bidir"};
  if (auto v = c.find("directions")) dirs = read_string_list(*v, {"h2d", "d2h", "bidir"});
  const std::string memory = c.has("memory") ? c.at("memory").as_enum({"pinned", "pageable"}) : "pinned";
  const std::int64_t bytes = c.has("bytes") ? read_bytes(c.at("bytes")) : (std::int64_t(256) << 20);
  std::vector<PlannedCase> out;
  for (const auto& dir : dirs)
    out.push_back(make_case(common, "host_device", fmt::format("host_device/{}/{}", dir, memory),
                            {{"direction", dir}, {"memory", memory}, {"bytes", bytes}}));
  return out;
}

// lu: one FP64 system per rank. n is a size, or "auto": the largest n whose matrix fits in
// memory_fraction of the rank's memory (the GPU's, or the node's shared among its ranks).
std::vector<PlannedCase> expand_lu(const ConfigNode& c, const CaseDefaults& d) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, "n", "memory_fraction"});
  const auto common = read_common(c, d);
  json n = "auto";
  if (auto v = c.find("n")) {
    if (v->raw().is_string()) {
      v->as_enum({"auto"});
    } else {
      const auto size = v->as_positive_int();
      if (size > (1 << 18)) v->fail("an n of at most 262144");
      n = size;
    }
  }
  const double fraction =
      c.has("memory_fraction") ? c.at("memory_fraction").as_number_in(0.001, 0.95, "a fraction of memory") : 0.5;
  const std::string id = n.is_string() ? fmt::format("lu/fp64/auto{:g}", fraction)
                                       : fmt::format("lu/fp64/{}", n.get<std::int64_t>());
  return {make_case(common, "lu", id, {{"precision", "fp64"}, {"n", n}, {"memory_fraction", fraction}})};
}

std::vector<PlannedCase> expand_bytes_only(const ConfigNode& c, const CaseDefaults& d, const std::string& bench,
                                           std::int64_t default_bytes) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, "bytes"});
  const auto common = read_common(c, d);
  const std::int64_t bytes = c.has("bytes") ? read_bytes(c.at("bytes")) : default_bytes;
  return {make_case(common, bench, bench, {{"bytes", bytes}})};
}

// Storage phases run once each by default (iterations: repetitions), without warm-up: a
// repeated create or a warm read would measure something else.
std::vector<PlannedCase> expand_storage(const ConfigNode& c, const CaseDefaults& d) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, CAPBENCH_STORAGE_CASE_KEYS});
  if (c.has("warmup")) c.at("warmup").fail("no warmup key: storage phases have no warm-up");
  const auto common = read_common(c, CaseDefaults{0, 1, d.timeout_s});
  std::vector<PlannedCase> out;
  for (auto& [id, params] : plan_storage_phases(c)) {
    PlannedCase pc = make_case(common, "storage", id, std::move(params));
    if (pc.params.at("phase") == "metadata" || pc.params.at("phase") == "capacity") pc.iterations = 1;
    out.push_back(std::move(pc));
  }
  return out;
}

// Point-to-point between nodes, every pair (bench/fabric). Sizes are whole 32-bit words: the
// payload is a word pattern the receiver regenerates.
std::vector<PlannedCase> expand_fabric(const ConfigNode& c, const CaseDefaults& d) {
  c.allow_only({CAPBENCH_COMMON_CASE_KEYS, "latency_sizes", "bandwidth_sizes", "window", "latency_iterations",
                "remeasure_below", "full_matrix_up_to"});
  const auto common = read_common(c, d);
  auto sizes = [&](const char* key, std::int64_t fallback) {
    json out = json::array({fallback});
    if (auto n = c.find(key)) {
      out = read_sizes(*n);
      for (std::size_t i = 0; i < out.size(); ++i)
        if (out[i].get<std::int64_t>() % 4 != 0)
          (n->raw().is_array() ? (*n)[i] : *n).fail("sizes that are whole 4-byte words (a multiple of 4 bytes)");
    }
    return out;
  };
  const json latency_sizes = sizes("latency_sizes", 8);
  const json bandwidth_sizes = sizes("bandwidth_sizes", std::int64_t(4) << 20);
  const std::int64_t window = c.has("window") ? c.at("window").as_int_in(1, 1024) : 16;
  std::int64_t largest = 0;
  for (const auto& s : bandwidth_sizes) largest = std::max(largest, s.get<std::int64_t>());
  if (largest * window > (std::int64_t(1) << 30))
    c.at(c.has("window") ? "window" : "bandwidth_sizes")
        .fail(fmt::format("window x largest bandwidth size of at most 1 GiB (the receive slots); {} x {} B is more",
                          window, largest));
  const std::int64_t latency_iterations =
      c.has("latency_iterations") ? c.at("latency_iterations").as_int_in(10, kMaxIterations) : 1000;
  double remeasure_below = 0.8;
  if (auto r = c.find("remeasure_below")) {
    remeasure_below = r->as_fraction();
    if (remeasure_below <= 0) r->fail("a fraction of the median pair in (0, 1]");
  }
  // Full node x node matrices up to this many nodes, the bounded form above (common/fabric_summary.hpp).
  const std::int64_t full_matrix_up_to =
      c.has("full_matrix_up_to") ? c.at("full_matrix_up_to").as_int_in(2, 1 << 20) : kFabricFullMatrixNodes;
  return {make_case(common, "fabric", "fabric/pairs",
                    {{"latency_sizes", latency_sizes}, {"bandwidth_sizes", bandwidth_sizes}, {"window", window},
                     {"latency_iterations", latency_iterations}, {"remeasure_below", remeasure_below},
                     {"full_matrix_up_to", full_matrix_up_to}})};
}

}  // namespace

const std::vector<std::string>& known_benchmarks() {
  static const std::vector<std::string> k{"gemm", "stream", "collective", "host_device", "p2p", "device_copy", "lu",
                                          "storage", "fabric"};
  return k;
}

std::vector<PlannedCase> expand_case(const ConfigNode& c, const CaseDefaults& d) {
  c.expect_object();
  const auto bench = c.at("benchmark").as_enum(
      {"gemm", "stream", "collective", "host_device", "p2p", "device_copy", "lu", "storage", "fabric"});
  if (bench == "storage") return expand_storage(c, d);
  if (bench == "gemm") return expand_gemm(c, d);
  if (bench == "stream") return expand_stream(c, d);
  if (bench == "collective") return expand_collective(c, d);
  if (bench == "host_device") return expand_host_device(c, d);
  if (bench == "lu") return expand_lu(c, d);
  if (bench == "fabric") return expand_fabric(c, d);
  if (bench == "p2p") return expand_bytes_only(c, d, "p2p", std::int64_t(256) << 20);
  return expand_bytes_only(c, d, "device_copy", std::int64_t(1) << 30);
}

}  // namespace capbench
