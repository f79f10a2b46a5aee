#include "bench/cuda/telemetry.hpp"

#include <chrono>

namespace capbench {

TelemetrySampler::TelemetrySampler(std::string bus_id, double interval_s)
    : bus_id_(std::move(bus_id)), interval_s_(interval_s) {
  nvml_ = Nvml::get();
  if (!nvml_) {
    unavailable_ = Nvml::unavailable_reason();
    return;
  }
  if (auto d = nvml_->device_by_pci_bus_id(bus_id_)) {
    device_ = *d;
  } else {
    unavailable_ = "NVML has no device at PCI bus id " + bus_id_;
    nvml_ = nullptr;
  }
}

TelemetrySampler::~TelemetrySampler() {
  if (running_) stop();
}

void TelemetrySampler::start() {
  if (!nvml_ || running_) return;
  samples_.clear();
  ecc_before_ = nvml_->volatile_ecc(device_);
  stop_ = false;
  running_ = true;
  thread_ = std::thread([this] { loop(); });
}

void TelemetrySampler::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    lock.unlock();
    const TelemetrySample s = nvml_->sample(device_);
    lock.lock();
    samples_.push_back(s);
    cv_.wait_for(lock, std::chrono::duration<double>(interval_s_), [this] { return stop_; });
  }
}

json TelemetrySampler::stop() {
  if (!nvml_) return {{"available", false}, {"reason", unavailable_}};
  if (!running_) return {{"available", false}, {"reason", "telemetry was not started for this case"}};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  running_ = false;
  return summarize_telemetry(samples_, ecc_before_, nvml_->volatile_ecc(device_), interval_s_);
}

}  // namespace capbench
