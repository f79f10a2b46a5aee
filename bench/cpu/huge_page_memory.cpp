#include "bench/cpu/huge_page_memory.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace capbench {

void* huge_page_allocate(std::size_t bytes, bool* advised) {
  // aligned_alloc wants a multiple of the alignment.
  const std::size_t rounded = (std::max<std::size_t>(bytes, 1) + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* p = std::aligned_alloc(kHugePageBytes, rounded);
  if (!p) throw std::bad_alloc();
  bool ok = false;
#ifdef MADV_HUGEPAGE
  // Before the first touch, so that the page faults fill it with huge pages.
  if (bytes >= kHugePageBytes) ok = madvise(p, rounded, MADV_HUGEPAGE) == 0;
#endif
  if (advised) *advised = ok;
  return p;
}

void huge_page_free(void* p) noexcept { std::free(p); }

std::string transparent_huge_page_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(in, line)) return "unknown";
  // "always [madvise] never": the bracketed word is the mode.
  const auto open = line.find('['), close = line.find(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return "unknown";
  return line.substr(open + 1, close - open - 1);
}

}  // namespace capbench
