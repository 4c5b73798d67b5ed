// From a device as the administrator names it to an open Device: resolves
// Alibaba Cloud disk IDs and /dev/disk/by-id links, refuses what is not an
// NVMe namespace (or dm-multipath over NVMe), and picks the backend.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "device.h"
#include "result.h"

namespace nvmepr {

/// How commands reach a device. kAuto: passthrough where the device accepts
/// NVMe ioctls (/dev/nvmeXnY), the block PR ioctls elsewhere (dm-multipath).
enum class Backend { kAuto, kPassthrough, kBlock };
std::optional<Backend> ParseBackend(std::string_view text);

/// "d-2ze0abc" -> "/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_2ze0abc";
/// absolute paths are returned as they are; anything else is an error.
Result<std::string> ExpandDeviceName(const std::string& name);

/// Opens one device: resolves, checks it is a whole NVMe namespace (or a
/// device-mapper device over NVMe) and wraps it in the chosen backend.
Result<DevicePtr> OpenLinuxDevice(const std::string& name, Backend backend);

/// Opens a device by name; the agents take one so tests can hand in models.
using DeviceOpener = std::function<Result<DevicePtr>(const std::string& name)>;

/// Splits a "devices" parameter on commas and white space; empty names dropped.
std::vector<std::string> SplitDeviceList(std::string_view text);

}  // namespace nvmepr
