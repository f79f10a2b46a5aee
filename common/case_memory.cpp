#include "common/case_memory.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "common/input_limits.hpp"

namespace capbench {

namespace {

std::uint64_t param_u64(const json& p, const char* key) {
  const auto it = p.find(key);
  if (it == p.end() || !it->is_number()) return 0;
  const double v = it->get<double>();
  return v > 0 ? static_cast<std::uint64_t>(std::min(v, 1.8e19)) : 0;
}

// Products in double: 3 x 2^36 elements of 8 bytes is far beyond what a uint64 check needs.
std::uint64_t bytes_of(double v) { return v >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(v); }

double input_element_bytes(const std::string& precision) {
  if (precision == "fp64") return 8;
  if (precision == "fp32" || precision == "tf32") return 4;
  if (precision == "fp16" || precision == "bf16") return 2;
  return 1;  // fp8_e4m3, int8
}

// Outputs: FP8 and INT8 accumulate into wider types.
double output_element_bytes(const std::string& precision) {
  if (precision == "fp8_e4m3" || precision == "int8") return 4;
  return input_element_bytes(precision);
}

}  // namespace

CaseMemory case_memory(const PlannedCase& c, bool cuda) {
  CaseMemory m;
  const json& p = c.params;
  double bytes = 0;
  bool on_device = cuda;
  if (c.benchmark == "gemm") {
    const std::string precision = p.value("precision", "fp64");
    const double mm = double(param_u64(p, "m")), n = double(param_u64(p, "n")), k = double(param_u64(p, "k"));
    bytes = (mm * k + k * n) * input_element_bytes(precision) + mm * n * output_element_bytes(precision);
    m.basis = fmt::format("A, B and C of a {}x{}x{} {} GEMM", param_u64(p, "m"), param_u64(p, "n"),
                          param_u64(p, "k"), precision);
  } else if (c.benchmark == "stream") {
    const std::uint64_t elements = param_u64(p, "elements");  // 0: "auto", sized from the cache at run time
    bytes = 3.0 * double(elements) * (p.value("precision", "fp64") == "fp32" ? 4 : 8);
    m.basis = fmt::format("three arrays of {} elements", elements);
  } else if (c.benchmark == "collective") {
    std::uint64_t largest = 0;
    if (const auto it = p.find("sizes"); it != p.end() && it->is_array())
      for (const auto& s : *it)
        if (s.is_number_integer() && s.get<std::int64_t>() > 0)
          largest = std::max(largest, static_cast<std::uint64_t>(s.get<std::int64_t>()));
    bytes = 2.0 * double(largest);
    m.basis = fmt::format("send and receive buffers of {}", describe_bytes(largest));
  } else if (c.benchmark == "host_device") {
    if (!cuda) return m;  // CUDA only: the CPU backend skips it
    const double b = double(param_u64(p, "bytes"));
    const double both = p.value("direction", "") == "bidir" ? 2 : 1;
    m.host_bytes = bytes_of(both * b);  // pinned or pageable host buffers
    m.device_bytes = bytes_of(both * b);
    m.basis = fmt::format("{} host and device buffers of {}", both == 2 ? "two" : "one", describe_bytes(param_u64(p, "bytes")));
    return m;
  } else if (c.benchmark == "device_copy" || c.benchmark == "p2p") {
    bytes = 2.0 * double(param_u64(p, "bytes"));
    m.basis = fmt::format("source and destination buffers of {}", describe_bytes(param_u64(p, "bytes")));
    if (!cuda) return m;  // CUDA only: the CPU backend skips them
    on_device = true;
  }
  (on_device ? m.device_bytes : m.host_bytes) = bytes_of(bytes);
  return m;
}

std::uint64_t host_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) : 0;
}

std::optional<std::string> first_infeasible_case(const Suite& s, bool cuda, std::uint64_t host_bytes,
                                                 int ranks_sharing, std::uint64_t device_bytes,
                                                 const std::string& device_name) {
  const std::uint64_t per_rank = host_bytes / std::uint64_t(std::max(1, ranks_sharing));
  for (const auto& c : s.plan) {
    const CaseMemory m = case_memory(c, cuda);
    if (host_bytes > 0 && m.host_bytes > per_rank)
      return fmt::format("{}: case {} ({}) cannot fit: its buffers ({}) need {} ({} bytes) of host memory on each "
                         "rank, and {} is available ({} bytes: this host's {} shared by {} ranks)",
                         s.path, c.index + 1, c.id, m.basis, describe_bytes(m.host_bytes), m.host_bytes,
                         describe_bytes(per_rank), per_rank, describe_bytes(host_bytes), std::max(1, ranks_sharing));
    if (device_bytes > 0 && m.device_bytes > device_bytes)
      return fmt::format("{}: case {} ({}) cannot fit: its buffers ({}) need {} ({} bytes) of device memory, and {} "
                         "has {} ({} bytes)",
                         s.path, c.index + 1, c.id, m.basis, describe_bytes(m.device_bytes), m.device_bytes,
                         device_name, describe_bytes(device_bytes), device_bytes);
  }
  return std::nullopt;
}

}  // namespace capbench
