/* The few NVML declarations BabelStream and nvbandwidth include, for building them where the
 * CUDA toolkit was installed without its NVML headers (the cuda-nvml-dev component).
 * scripts/gpu-peers-build.sh adds this folder to the include path only then. Written for
 * capbench from NVML's public API reference: the versioned entry points are those the driver's
 * libnvidia-ml.so.1 exports; the values are NVML's documented enum values. */
#ifndef CAPBENCH_PEERS_NVML_COMPAT_H
#define CAPBENCH_PEERS_NVML_COMPAT_H
#ifdef __cplusplus
extern "C" {
#endif

typedef struct nvmlDevice_st* nvmlDevice_t;
typedef enum nvmlReturn_enum { NVML_SUCCESS = 0, NVML_ERROR_UNINITIALIZED = 1, NVML_ERROR_INVALID_ARGUMENT = 2,
                               NVML_ERROR_NOT_SUPPORTED = 3, NVML_ERROR_UNKNOWN = 999 } nvmlReturn_t;
typedef enum nvmlClockType_enum { NVML_CLOCK_GRAPHICS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2,
                                  NVML_CLOCK_VIDEO = 3 } nvmlClockType_t;
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80

nvmlReturn_t nvmlInit_v2(void);
#define nvmlInit nvmlInit_v2
const char* nvmlErrorString(nvmlReturn_t result);
nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length);
nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* pciBusId, nvmlDevice_t* device);
#define nvmlDeviceGetHandleByPciBusId nvmlDeviceGetHandleByPciBusId_v2
nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device);
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, nvmlClockType_t type, unsigned int* clock);
nvmlReturn_t nvmlDeviceSetCpuAffinity(nvmlDevice_t device);

#ifdef __cplusplus
}
#endif
#endif
