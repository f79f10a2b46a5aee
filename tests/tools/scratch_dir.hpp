#pragma once
// Scratch space for unit tests: a directory of the test's own under /tmp, removed when its owner
// goes, so a failed assertion leaves nothing behind.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace capbench::testing {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "capbench-test") {
    std::string tmpl = "/tmp/" + prefix + ".XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp " + tmpl + " failed");
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Writes TEXT to NAME in this directory, byte for byte; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = (path / name).string();
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

  std::filesystem::path path;
};

// A file in this test process's scratch directory, which goes when the process ends.
inline std::string write_scratch_file(const std::string& name, const std::string& text) {
  static const ScratchDir dir;
  return dir.write(name, text);
}

}  // namespace capbench::testing
