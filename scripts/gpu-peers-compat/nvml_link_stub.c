/* Link-only stand-in for the driver's libnvidia-ml.so.1, with the entry points nvml.h beside it
 * declares. scripts/device-kit.sh links BabelStream and nvbandwidth against it on a machine
 * with no NVIDIA driver, to prove the device kit builds them before device time is spent.
 * Every call fails as uninitialised; a peer linked here is never run: on the device the real
 * library (same soname) is linked and loaded. */
#include "nvml.h"

nvmlReturn_t nvmlInit_v2(void) { return NVML_ERROR_UNINITIALIZED; }
const char* nvmlErrorString(nvmlReturn_t result) {
  (void)result;
  return "NVML link stub: no driver on this machine";
}
nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  (void)version;
  (void)length;
  return NVML_ERROR_UNINITIALIZED;
}
nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* pciBusId, nvmlDevice_t* device) {
  (void)pciBusId;
  (void)device;
  return NVML_ERROR_UNINITIALIZED;
}
nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device) {
  (void)uuid;
  (void)device;
  return NVML_ERROR_UNINITIALIZED;
}
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int* clock) {
  (void)device;
  (void)type;
  (void)clock;
  return NVML_ERROR_UNINITIALIZED;
}
nvmlReturn_t nvmlDeviceSetCpuAffinity(nvmlDevice_t device) {
  (void)device;
  return NVML_ERROR_UNINITIALIZED;
}
