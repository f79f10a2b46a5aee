#pragma once
// Large host arrays on transparent huge pages: a GEMM's matrices (hundreds of MiB) on 4 KiB
// pages cost the BLAS kernel TLB misses while it packs panels (measured: 10-15 % of an fp64
// GEMM at n = 4096 on a Xeon). Where the kernel's THP mode is "madvise" (Debian's default)
// nothing is on huge pages unless asked; the allocator asks for every array of 2 MiB or more.
#include <cstddef>
#include <new>
#include <string>

namespace capbench {

constexpr std::size_t kHugePageBytes = std::size_t(2) << 20;

// 2 MiB-aligned memory, advised MADV_HUGEPAGE when at least one huge page long; nullptr-free:
// throws std::bad_alloc. `advised` says whether the advice was taken.
void* huge_page_allocate(std::size_t bytes, bool* advised = nullptr);
void huge_page_free(void* p) noexcept;

// The kernel's THP mode from /sys/kernel/mm/transparent_hugepage/enabled ("always",
// "madvise", "never"), or "unknown".
std::string transparent_huge_page_mode();

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(huge_page_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t) noexcept { huge_page_free(p); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const HugePageAllocator<U>&) const noexcept { return false; }
};

}  // namespace capbench
