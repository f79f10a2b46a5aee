// System description loader (reports/system_config: target, inventory, declared figures).
#include "reports/system/gpu_database.hpp"
#include "reports/system/system_config.hpp"
#include "tests/fuzz/fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const capbench::GpuDatabase db = capbench::GpuDatabase::built_in();
  try {
    (void)capbench::load_system_config(fuzz_input_file(data, size), db);
  } catch (const capbench::ConfigError&) {
  }
  return 0;
}
