#pragma once
// Rank 0's progress line: case i of N, its name, elapsed and an estimate of the time left.
#include <chrono>
#include <cstdio>
#include <string>

namespace capbench {

class Progress {
 public:
  Progress(int total, std::FILE* out) : total_(total), out_(out), t0_(std::chrono::steady_clock::now()) {}
  void start_case(int index, const std::string& id);
  void end_case(int index, const std::string& id, const std::string& status, double wall_s);
  static std::string format_duration(double seconds);

 private:
  double elapsed() const;
  int total_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace capbench
