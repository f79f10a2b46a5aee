#include "reports/render/wording.hpp"

#include <cctype>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "reports/render/report.hpp"

namespace capbench {

std::string device_noun(const Analysis& a) { return a.cpu_backend ? "CPU" : "GPU"; }

std::string device_words(const Analysis& a, const std::string& text) {
  if (!a.cpu_backend) return text;
  std::string out = text;
  auto is_word = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  for (std::size_t at = out.find("GPU"); at != std::string::npos; at = out.find("GPU", at + 3)) {
    const bool starts = at == 0 || !is_word(out[at - 1]);
    const std::size_t end = at + 3;
    const bool ends = end == out.size() || !is_word(out[end]) || (out[end] == 's' && (end + 1 == out.size() || !is_word(out[end + 1])));
    if (starts && ends) out.replace(at, 3, "CPU");
  }
  return out;
}

std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string count_of(std::int64_t n, const std::string& noun) {
  return grouped(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string device_count(const Analysis& a, std::int64_t n) { return count_of(n, device_noun(a)); }

std::string device_count(const Analysis& a, std::int64_t devices, std::int64_t ranks) {
  return device_count(a, devices) + (ranks > devices ? " (" + count_of(ranks, "rank") + ")" : "");
}

std::string device_tally(std::int64_t devices, std::int64_t ranks) {
  return grouped(devices) + (ranks > devices ? " (" + count_of(ranks, "rank") + ")" : "");
}

std::string report_title(const Analysis& a) {
  const std::string where = a.system ? " — " + a.system->name : std::string();
  if (a.cpu_backend) return "CPU rehearsal of the capacity chain" + where;
  return "Capacity report" + where;
}

std::string shown_status(const Analysis& a, const std::string& overall) {
  if (!a.cpu_backend) return overall;
  if (overall == "ACCEPTED") return "CPU REHEARSAL · CRITERIA MET";
  if (overall == "NOT ACCEPTED") return "CPU REHEARSAL · CRITERIA NOT MET";
  return "CPU REHEARSAL · " + overall;
}

std::string precision_label(const std::string& key) {
  static const std::map<std::string, std::string> labels{
      {"fp64", "FP64"}, {"fp32", "FP32"},       {"tf32", "TF32"},         {"fp16", "FP16"},
      {"bf16", "BF16"}, {"fp8_e4m3", "FP8 (E4M3)"}, {"fp8_e5m2", "FP8 (E5M2)"}, {"int8", "INT8"},
      {"fp8_e4m3_fast_accum", "FP8 (E4M3), fast accumulation"}};
  const auto it = labels.find(key);
  return it == labels.end() ? key : it->second;
}

std::string peak_figure_label(const std::string& key) {
  static const std::map<std::string, std::string> labels{
      {"fp64", "FP64 peak (no tensor cores)"},
      {"fp64_tensor", "FP64 tensor-core peak"},
      {"fp32", "FP32 peak"},
      {"tf32", "TF32 tensor-core peak, dense"},
      {"fp16", "FP16 tensor-core peak, dense"},
      {"bf16", "BF16 tensor-core peak, dense"},
      {"fp8", "FP8 tensor-core peak, dense"},
      {"int8", "INT8 tensor-core peak, dense"},
      {"memory_bandwidth_tb_s", "datasheet memory bandwidth"}};
  const auto it = labels.find(key);
  return it == labels.end() ? key : it->second;
}

std::string benchmark_label(const std::string& key) {
  static const std::map<std::string, std::string> labels{
      {"gemm", "dense matrix multiply (GEMM)"}, {"stream", "memory bandwidth (STREAM)"},
      {"device_copy", "device memory copy"},    {"host_device", "host link"},
      {"p2p", "peer-to-peer copy"},             {"collective", "collective"}};
  const auto it = labels.find(key);
  return it == labels.end() ? key : it->second;
}

std::string throttle_label(const std::string& key) {
  static const std::map<std::string, std::string> labels{
      {"sw_power_cap", "software power cap"},         {"hw_slowdown", "hardware slowdown"},
      {"hw_thermal_slowdown", "hardware thermal slowdown"}, {"sw_thermal_slowdown", "software thermal slowdown"},
      {"hw_power_brake_slowdown", "power brake"},      {"sync_boost", "sync boost"},
      {"applications_clocks_setting", "application clock setting"}, {"gpu_idle", "idle"}};
  const auto it = labels.find(key);
  if (it != labels.end()) return it->second;
  std::string out = key;
  for (auto& ch : out)
    if (ch == '_') ch = ' ';
  return out;
}

std::string sentence_case(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string metric_label(const std::string& name) {
  static const std::map<std::string, std::string> labels{
      {"h2d_bandwidth", "host to device"},   {"d2h_bandwidth", "device to host"},
      {"bidir_bandwidth", "both directions at once"}, {"copy_bandwidth", "copy (bytes read + written)"},
      {"triad_bandwidth", "STREAM triad"},   {"busbw", "bus bandwidth"},
      {"algbw", "algorithm bandwidth"},      {"throughput", "throughput"},
      {"p2p_bandwidth", "peer-to-peer copy"}};
  const auto it = labels.find(name);
  if (it != labels.end()) return it->second;
  std::string out = name;
  for (auto& ch : out)
    if (ch == '_') ch = ' ';
  return out;
}

std::string case_label(const ReportCase& c) {
  if (c.benchmark == "host_device") {
    const std::string dir = c.params.value("direction", "");
    const std::string mem = c.params.value("memory", "");
    const std::string d = dir == "h2d" ? "host to device" : dir == "d2h" ? "device to host" : dir == "bidir" ? "both directions" : dir;
    return d + (mem.empty() ? "" : ", " + mem + " host memory") +
           (c.params.contains("bytes") ? ", " + format_bytes(c.params.value("bytes", 0.0)) : "");
  }
  if (c.benchmark == "gemm" && c.params.contains("m")) {
    const double duration = c.params.value("duration_s", 0.0);
    return fmt::format("GEMM {}, {}×{}×{}{}", precision_label(c.params.value("precision", "")), c.params.value("m", 0),
                       c.params.value("n", 0), c.params.value("k", 0),
                       duration > 0 ? fmt::format(", sustained {:g} s", duration) : "");
  }
  if (c.benchmark == "stream") return "STREAM " + precision_label(c.params.value("precision", ""));
  if (c.benchmark == "collective") {
    CollectiveSeries s;
    s.case_id = c.id;
    s.operation = c.params.value("operation", "");
    s.dtype = c.params.value("dtype", "");
    s.in_place = c.params.value("in_place", false);
    return collective_label(s);
  }
  if (c.benchmark == "device_copy" || c.benchmark == "p2p")
    return benchmark_label(c.benchmark) + (c.params.contains("bytes") ? ", " + format_bytes(c.params.value("bytes", 0.0)) : "");
  return c.id;
}

std::string collective_label(const CollectiveSeries& s) {
  std::string op = s.operation.empty() ? s.case_id : s.operation;
  for (auto& ch : op)
    if (ch == '_') ch = '-';
  if (op == "alltoall") op = "all-to-all";
  std::string out = op;
  if (!s.dtype.empty()) out += ", " + precision_label(s.dtype);
  out += s.in_place ? ", in place" : ", out of place";
  return out;
}

std::string scientific_words(double v) {
  static const char* superscript[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  if (!std::isfinite(v) || v == 0) return fmt::format("{:g}", v);
  int e = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  double m = v / std::pow(10.0, e);
  if (std::fabs(m) >= 9.95) {  // 9.96 rounds to 10.0: carry into the exponent
    m /= 10;
    ++e;
  }
  std::string power;
  if (e < 0) power = "⁻";
  for (char d : std::to_string(std::abs(e))) power += superscript[d - '0'];
  return fmt::format("{:.1f} × 10{}", m, power);
}

std::string ratio_words(double ratio) {
  if (!std::isfinite(ratio)) return "n/a";
  if (std::fabs(ratio) >= 1000) return scientific_words(ratio) + " ×";
  if (std::fabs(ratio) >= 10) return fmt::format("{:.0f} ×", ratio);
  return fmt::format("{:.2f} ×", ratio);
}

std::string margin_words(const std::optional<double>& margin, bool lower_is_better) {
  if (!margin) return "—";
  const double m = *margin;
  if (!std::isfinite(m)) return "n/a";
  if (std::fabs(m) < 0.0005) return lower_is_better ? "at the ceiling" : "at the threshold";
  if (lower_is_better)
    return fmt::format("{:.1f} % {} the ceiling", std::fabs(m) * 100, m > 0 ? "under" : "over");
  const double ratio = 1 + m;  // measured over threshold
  if (ratio >= 10) {
    const std::string times = ratio >= 1000 ? scientific_words(ratio) : fmt::format("{:.0f}", ratio);
    return times + " times the threshold";
  }
  return fmt::format("{:.1f} % {} the threshold", std::fabs(m) * 100, m > 0 ? "above" : "below");
}

}  // namespace capbench
