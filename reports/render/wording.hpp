#pragma once
// The words every report output uses for what it shows: what the devices are called, human
// labels for the keys of the results and the GPU database, margins and ratios a person reads.
// The rules (docs/methodology.md, "How reports word figures") live here, in one place, so the
// HTML, the Markdown and the statement cannot drift apart.
#include <cstdint>
#include <optional>
#include <string>

#include "reports/capacity/capacity.hpp"

namespace capbench {

// "GPU" on the CUDA backend, "CPU" on the CPU backend: a CPU rank is never called a GPU.
std::string device_noun(const Analysis& a);
// Text written for GPUs (criteria descriptions, failure lines) with "GPU" read as "CPU" on the
// CPU backend, whole words only.
std::string device_words(const Analysis& a, const std::string& text);
// "1 GPU", "8 GPUs", "2 CPUs".
std::string device_count(const Analysis& a, std::int64_t n);
// The same, with the ranks where there were more ranks than devices: "1 GPU (2 ranks)".
std::string device_count(const Analysis& a, std::int64_t devices, std::int64_t ranks);
// A table cell's count of devices: "2", or "1 (2 ranks)" where ranks shared a device.
std::string device_tally(std::int64_t devices, std::int64_t ranks);
// "1 GPU", "2,060 GPUs" for a count of declared GPUs (always GPUs: the inventory is of them).
std::string count_of(std::int64_t n, const std::string& noun);
// 2060 -> "2,060".
std::string grouped(std::int64_t n);

// The report's title: "Capacity report — <system>", or "CPU rehearsal of the capacity chain"
// for a run on the CPU backend, which measured no GPU.
std::string report_title(const Analysis& a);
// The verdict as shown at the top: on the CPU backend never a plain ACCEPTED, since no GPU
// system was accepted; "CPU REHEARSAL · CRITERIA MET" and the like instead.
std::string shown_status(const Analysis& a, const std::string& overall);

// Human labels for internal keys.
std::string precision_label(const std::string& key);    // "fp8_e4m3" -> "FP8 (E4M3)"
std::string peak_figure_label(const std::string& key);  // "fp64_tensor" -> "FP64 tensor-core peak"
std::string benchmark_label(const std::string& key);    // "host_device" -> "host link"
// "sw_power_cap" -> "software power cap"
std::string throttle_label(const std::string& key);
// The first letter in upper case: "one rank: ..." -> "One rank: ...".
std::string sentence_case(std::string s);
// "h2d_bandwidth" -> "host to device"
std::string metric_label(const std::string& name);
// "host_device/h2d/pinned" -> "host to device, pinned host memory, 1 GiB", "gemm/fp64/8192x8192x8192"
// -> "GEMM FP64, 8192×8192×8192"; ids of benchmarks it does not know as they are.
std::string case_label(const ReportCase& c);
// "collective/all_reduce/fp32/out_of_place" -> "all-reduce, FP32, out of place"
std::string collective_label(const CollectiveSeries& s);

// A criterion's margin in words: "12.3 % above the threshold", "4.0 % below", "3.0 × 10⁸ times
// the threshold" where a percentage would be unreadable. `lower_is_better` criteria (a ceiling)
// read "under the ceiling" / "over the ceiling".
std::string margin_words(const std::optional<double>& margin, bool lower_is_better);
// A ratio: "0.97 ×", "12.5 ×", "3.0 × 10⁸ ×".
std::string ratio_words(double ratio);
// 3.0e8 -> "3.0 × 10⁸" (two significant digits and a superscript power of ten).
std::string scientific_words(double v);

}  // namespace capbench
