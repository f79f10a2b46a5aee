#include "common/sha256.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace capbench {

struct Sha256::Context {
  EVP_MD_CTX* md = nullptr;
  Context() : md(EVP_MD_CTX_new()) {
    if (!md) throw std::runtime_error("SHA-256: out of memory");
    restart();
  }
  ~Context() { EVP_MD_CTX_free(md); }
  void restart() {
    if (EVP_DigestInit_ex(md, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256: OpenSSL init failed");
  }
};

Sha256::Sha256() : ctx_(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t len) {
  if (len && EVP_DigestUpdate(ctx_->md, data, len) != 1) throw std::runtime_error("SHA-256: OpenSSL update failed");
}

std::array<std::uint8_t, 32> Sha256::digest() {
  std::array<std::uint8_t, 32> out{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_->md, out.data(), &n) != 1 || n != out.size())
    throw std::runtime_error("SHA-256: OpenSSL final failed");
  ctx_->restart();
  return out;
}

std::string Sha256::hex_digest() {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (auto b : digest()) {
    s.push_back(hex[b >> 4]);
    s.push_back(hex[b & 15]);
  }
  return s;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

std::string sha256_file_hex(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw std::runtime_error(path + ": cannot open for reading");
  Sha256 h;
  std::vector<char> buf(std::size_t(1) << 20);
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) h.update(buf.data(), n);
  if (std::ferror(f.get())) throw std::runtime_error(path + ": read error");
  return h.hex_digest();
}

}  // namespace capbench
