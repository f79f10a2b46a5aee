#pragma once
// Samples one GPU through NVML on a background thread for the length of a case.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/cuda/nvml.hpp"

namespace capbench {

class TelemetrySampler {
 public:
  // bus_id in NVML's form ("0000:3b:00.0"); interval between samples in seconds.
  TelemetrySampler(std::string bus_id, double interval_s);
  ~TelemetrySampler();
  void start();
  // Stops sampling and returns the summary, or {"available": false, "reason": ...}.
  json stop();

 private:
  void loop();
  std::string bus_id_;
  double interval_s_;
  Nvml* nvml_ = nullptr;
  Nvml::Device device_ = nullptr;
  std::string unavailable_;
  EccCounts ecc_before_;
  std::vector<TelemetrySample> samples_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool running_ = false;
};

}  // namespace capbench
