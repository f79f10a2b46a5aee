#pragma once
// NVML as capbench calls it: loaded at run time (dlopen) and initialised once per process,
// for both the health stage (bench/health/nvml_probe.cpp) and the CUDA backend's telemetry
// and energy (bench/cuda/nvml.cpp). capbench builds without nvml.h: the few types, values and
// signatures it uses are declared here, NVML's enums passed as int and handles as void*.
//
// Checked (2026-12-01) against NVIDIA's public nvml.h of NVML 13.3.29 and of NVML 12.2.140,
// the copies in NVIDIA/go-nvml, gen/nvml/nvml.h, commits 8b8585b and 075f45f: every function
// name with its _v2/_v3 suffix, argument list, struct layout, enum value, unit and bit mask
// below. capbench passes no versioned struct (NVML_STRUCT_VERSION), so no version word needs
// to match. nvmlDeviceGetTemperature and nvmlDeviceGetCurrentClocksThrottleReasons are
// deprecated in NVML 13 and still exported there.
// tests/tools/fake_nvml answers with these same declarations.
#include <string>

namespace capbench::nvml {

// nvmlReturn_t
inline constexpr int kSuccess = 0, kErrorInvalidArgument = 2, kErrorNotSupported = 3, kErrorNotFound = 6,
                     kErrorInsufficientSize = 7, kErrorTimeout = 10, kErrorUnknown = 999;
// nvmlMemoryErrorType_t and nvmlEccCounterType_t
inline constexpr int kEccCorrected = 0, kEccUncorrected = 1;
inline constexpr int kCounterVolatile = 0, kCounterAggregate = 1;
// nvmlPageRetirementCause_t
inline constexpr int kRetiredMultipleSingleBit = 0, kRetiredDoubleBit = 1;
// nvmlClockType_t and nvmlTemperatureSensors_t
inline constexpr int kClockSm = 1, kClockMem = 2;
inline constexpr int kTemperatureGpu = 0;
// NVML_NVLINK_MAX_LINKS: 18 up to NVML 12, 36 in NVML 13. Links past a GPU's own answer
// NVML_ERROR_INVALID_ARGUMENT and are skipped.
inline constexpr unsigned kMaxNvlinks = 36;
// nvmlNvLinkErrorCounter_t: DL replay 0, recovery 1, CRC flit 2, CRC data 3, ECC data 4 (newer
// drivers; a kind a driver does not know answers an error and is left out of the sum).
inline constexpr int kNvlinkErrorCounters = 5;
// nvmlEventTypeXidCriticalError
inline constexpr unsigned long long kEventXidCritical = 0x8;
// The vendor half of nvmlPciInfo_t::pciDeviceId (device id in the upper 16 bits).
inline constexpr unsigned kVendorNvidia = 0x10de;

// nvmlPciInfo_t, as nvmlDeviceGetPciInfo_v3 fills it.
struct PciInfo {
  char bus_id_legacy[16];  // NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE
  unsigned domain, bus, device, pci_device_id, pci_subsystem_id;
  char bus_id[32];  // NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE
};

// nvmlEventData_t
struct EventData {
  void* device;
  unsigned long long event_type, event_data;
  unsigned gpu_instance_id, compute_instance_id;
};

// Every NVML entry point capbench calls; a null pointer is one the library lacks.
struct Api {
  int (*init)() = nullptr;                                   // nvmlInit_v2
  int (*count)(unsigned*) = nullptr;                         // nvmlDeviceGetCount_v2
  int (*by_index)(unsigned, void**) = nullptr;               // nvmlDeviceGetHandleByIndex_v2
  int (*by_pci_bus_id)(const char*, void**) = nullptr;       // nvmlDeviceGetHandleByPciBusId_v2
  int (*driver_version)(char*, unsigned) = nullptr;          // nvmlSystemGetDriverVersion
  int (*cuda_driver_version)(int*) = nullptr;                // nvmlSystemGetCudaDriverVersion(_v2)
  int (*name)(void*, char*, unsigned) = nullptr;             // nvmlDeviceGetName
  int (*uuid)(void*, char*, unsigned) = nullptr;             // nvmlDeviceGetUUID
  int (*serial)(void*, char*, unsigned) = nullptr;           // nvmlDeviceGetSerial
  int (*pci_info)(void*, PciInfo*) = nullptr;                // nvmlDeviceGetPciInfo_v3 (or _v2)
  int (*vbios)(void*, char*, unsigned) = nullptr;            // nvmlDeviceGetVbiosVersion
  int (*pcie_gen)(void*, unsigned*) = nullptr;               // nvmlDeviceGetCurrPcieLinkGeneration
  int (*pcie_gen_max)(void*, unsigned*) = nullptr;           // nvmlDeviceGetMaxPcieLinkGeneration
  int (*pcie_width)(void*, unsigned*) = nullptr;             // nvmlDeviceGetCurrPcieLinkWidth
  int (*pcie_width_max)(void*, unsigned*) = nullptr;         // nvmlDeviceGetMaxPcieLinkWidth
  int (*ecc_mode)(void*, int*, int*) = nullptr;              // nvmlDeviceGetEccMode
  int (*total_ecc)(void*, int, int, unsigned long long*) = nullptr;  // nvmlDeviceGetTotalEccErrors
  int (*retired_pages)(void*, int, unsigned*, unsigned long long*) = nullptr;  // nvmlDeviceGetRetiredPages
  int (*retired_pending)(void*, int*) = nullptr;             // nvmlDeviceGetRetiredPagesPendingStatus
  int (*remapped_rows)(void*, unsigned*, unsigned*, unsigned*, unsigned*) = nullptr;  // nvmlDeviceGetRemappedRows
  int (*persistence)(void*, int*) = nullptr;                 // nvmlDeviceGetPersistenceMode
  int (*power_limit)(void*, unsigned*) = nullptr;            // nvmlDeviceGetPowerManagementLimit, mW
  int (*power_limit_default)(void*, unsigned*) = nullptr;    // nvmlDeviceGetPowerManagementDefaultLimit, mW
  int (*clock_reasons)(void*, unsigned long long*) = nullptr;  // nvmlDeviceGetCurrentClocksEventReasons
  int (*clock_info)(void*, int, unsigned*) = nullptr;        // nvmlDeviceGetClockInfo
  int (*max_clock_info)(void*, int, unsigned*) = nullptr;    // nvmlDeviceGetMaxClockInfo
  int (*power_usage)(void*, unsigned*) = nullptr;            // nvmlDeviceGetPowerUsage, mW
  int (*temperature)(void*, int, unsigned*) = nullptr;       // nvmlDeviceGetTemperature
  int (*total_energy)(void*, unsigned long long*) = nullptr;  // nvmlDeviceGetTotalEnergyConsumption, mJ
  int (*nvlink_state)(void*, unsigned, int*) = nullptr;      // nvmlDeviceGetNvLinkState
  int (*nvlink_errors)(void*, unsigned, int, unsigned long long*) = nullptr;  // nvmlDeviceGetNvLinkErrorCounter
  int (*event_set_create)(void**) = nullptr;                 // nvmlEventSetCreate
  int (*register_events)(void*, unsigned long long, void*) = nullptr;  // nvmlDeviceRegisterEvents
  int (*event_wait)(void*, EventData*, unsigned) = nullptr;  // nvmlEventSetWait_v2 (or the first)
  int (*event_set_free)(void*) = nullptr;                    // nvmlEventSetFree
};

// The process's NVML (bench/health/nvml_library.hpp names the file): loaded and initialised
// on the first call, the same answer after. Null when it cannot be; then *why says why.
const Api* api(std::string* why = nullptr);

}  // namespace capbench::nvml
