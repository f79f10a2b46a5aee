#pragma once
// Collective operations and their bus-bandwidth factors, by the nccl-tests convention:
// algbw = S / t and busbw = algbw * factor(n), so busbw compares with link speed at any
// rank count. S is what `size_meaning` says.
#include <array>
#include <optional>
#include <string_view>

namespace capbench {

enum class Collective { all_reduce, all_gather, reduce_scatter, alltoall, broadcast, reduce, sendrecv };

enum class BusFactorKind { two_n_minus_one_over_n, n_minus_one_over_n, one };

struct CollectiveInfo {
  Collective op;
  std::string_view key;
  std::string_view size_meaning;  // what S, the message size in a result, counts
  BusFactorKind factor;
};

inline constexpr std::array<CollectiveInfo, 7> kCollectives{{
    {Collective::all_reduce, "all_reduce", "bytes per rank", BusFactorKind::two_n_minus_one_over_n},
    {Collective::all_gather, "all_gather", "total output bytes", BusFactorKind::n_minus_one_over_n},
    {Collective::reduce_scatter, "reduce_scatter", "total input bytes", BusFactorKind::n_minus_one_over_n},
    {Collective::alltoall, "alltoall", "total bytes per rank", BusFactorKind::n_minus_one_over_n},
    {Collective::broadcast, "broadcast", "bytes", BusFactorKind::one},
    {Collective::reduce, "reduce", "bytes", BusFactorKind::one},
    {Collective::sendrecv, "sendrecv", "bytes", BusFactorKind::one},
}};

constexpr const CollectiveInfo& collective_info(Collective op) {
  for (const auto& c : kCollectives)
    if (c.op == op) return c;
  return kCollectives[0];  // unreachable: every enumerator is in the table
}

inline std::optional<Collective> collective_from_key(std::string_view key) {
  for (const auto& c : kCollectives)
    if (c.key == key) return c.op;
  return std::nullopt;
}

constexpr double bus_factor(Collective op, int nranks) {
  const double n = nranks;
  switch (collective_info(op).factor) {
    case BusFactorKind::two_n_minus_one_over_n: return nranks > 0 ? 2.0 * (n - 1) / n : 0.0;
    case BusFactorKind::n_minus_one_over_n: return nranks > 0 ? (n - 1) / n : 0.0;
    case BusFactorKind::one: return 1.0;
  }
  return 1.0;
}

// Bytes / 1e9 / seconds is applied by the report; here everything stays in B/s.
constexpr double algbw_bytes_per_s(double size_bytes, double seconds) { return size_bytes / seconds; }
constexpr double busbw_bytes_per_s(Collective op, int nranks, double size_bytes, double seconds) {
  return algbw_bytes_per_s(size_bytes, seconds) * bus_factor(op, nranks);
}

}  // namespace capbench
