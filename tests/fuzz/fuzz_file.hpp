#pragma once
// The report loaders read a path; the fuzz input goes through one temporary file per process.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

inline std::string fuzz_input_file(const std::uint8_t* data, std::size_t size) {
  // Removed when the fuzzer exits normally (its time is up); a crash leaves it, beside the crash input.
  struct InputFile {
    std::string path = "/tmp/capbench-fuzz-" + std::to_string(::getpid()) + ".json";
    ~InputFile() { std::remove(path.c_str()); }
  };
  static const InputFile input;
  const std::string& path = input.path;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);
  return path;
}
