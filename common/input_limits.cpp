#include "common/input_limits.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "common/config_node.hpp"

namespace capbench {

std::string describe_bytes(std::uint64_t bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.4g} {}", v, units[u]);
}

std::string read_file_bounded(const std::string& path, std::uint64_t max_bytes, const std::string& kind) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ConfigError(path, "", "cannot open the file for reading");
  const auto too_large = [&](const std::string& size) {
    return ConfigError(path, "", fmt::format("the file is {}, above the limit of {} for {} (docs/reliability.md)",
                                             size, describe_bytes(max_bytes), kind));
  };
  struct stat st {};
  if (::fstat(::fileno(f.get()), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<std::uint64_t>(st.st_size) > max_bytes)
    throw too_large(describe_bytes(static_cast<std::uint64_t>(st.st_size)));
  std::string text;
  char block[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(block, 1, sizeof block, f.get());
    if (n == 0) break;
    if (text.size() + n > max_bytes) throw too_large("more than " + describe_bytes(max_bytes));
    text.append(block, n);
  }
  if (std::ferror(f.get())) throw ConfigError(path, "", "read error");
  return text;
}

}  // namespace capbench
