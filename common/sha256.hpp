#pragma once
// SHA-256 (FIPS 180-4), so a results file names the exact suite it ran and a report names
// the exact results file it was made from. OpenSSL's implementation: it uses the CPU's SHA
// instructions where present, so hashing a multi-gigabyte results file costs about a second.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace capbench {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // Ends the hash; the object then starts over.
  std::array<std::uint8_t, 32> digest();
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

std::string sha256_hex(std::string_view data);
// Throws std::runtime_error naming the file when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace capbench
