#pragma once
// Limits on what capbench and capreport read from outside, checked while reading, so that no
// file can exhaust memory or the stack (docs/reliability.md, "Limits on input"). Generous for
// real use: the largest suite, system description or GPU database is a few kB; a results file
// of 100,000 ranks is a few GB.
#include <cstddef>
#include <cstdint>
#include <string>

namespace capbench {

// Configuration files: suites, system descriptions, criteria, GPU databases.
inline constexpr std::uint64_t kMaxConfigBytes = std::uint64_t(16) << 20;  // 16 MiB
inline constexpr int kMaxConfigDepth = 64;                                 // nested objects and arrays
inline constexpr std::size_t kMaxConfigElements = 2'000'000;               // values in one file

// Results files (a suite's content is nested inside, two levels down).
inline constexpr std::uint64_t kMaxResultsBytes = std::uint64_t(64) << 30;  // 64 GiB
inline constexpr int kMaxResultsDepth = 100;
inline constexpr std::size_t kMaxSamplesPerMetric = 1'000'000;  // a suite allows 100,000 iterations
// Values held at once while reading (each takes 16 bytes and more as a document): one rank
// result (a few metrics of at most 100,000 samples), and everything outside the rank results
// (identities: about 15 values a rank, so 1.5 million at 100,000 ranks).
inline constexpr std::size_t kMaxRankResultValues = 8'000'000;
inline constexpr std::size_t kMaxResultsOtherValues = 16'000'000;
inline constexpr std::size_t kMaxRankResultBytes = std::size_t(1) << 30;  // text of one rank result

// A byte count as people read it: "16 MiB".
std::string describe_bytes(std::uint64_t bytes);

// The whole file, refused past `max_bytes` (by its size, and again while reading, for pipes
// and files that grow): ConfigError naming the file and the limit.
std::string read_file_bounded(const std::string& path, std::uint64_t max_bytes, const std::string& kind);

}  // namespace capbench
