// SPDX-License-Identifier: GPL-2.0-or-later
// From a device as the administrator names it to an open Device: resolves
// Alibaba Cloud disk IDs and /dev/disk/by-id links, refuses what is not an
// NVMe namespace (or dm-multipath over NVMe), and picks the backend.
#pragma once

#include <sys/stat.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "device.h"
#include "result.h"
#include "text.h"

namespace nvmepr {

/// How commands reach a device. kAuto: passthrough where the device accepts
/// NVMe ioctls (/dev/nvmeXnY), the block PR ioctls elsewhere (dm-multipath).
enum class Backend { kAuto, kPassthrough, kBlock };
std::optional<Backend> ParseBackend(std::string_view text);
/// The spellings ParseBackend takes, for the parameter tables.
inline std::vector<std::string> BackendNames() { return {"auto", "passthrough", "block"}; }

/// "d-2ze0abc" -> "/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_2ze0abc";
/// absolute paths are returned as they are; anything else is an error.
Result<std::string> ExpandDeviceName(const std::string& name);

/// Opens one device: resolves, checks it is a whole NVMe namespace (or a
/// device-mapper device over NVMe) and wraps it in the chosen backend. Looks
/// before opening: stat and sysfs first, so that nothing but such a block
/// device is ever opened (opening a device runs its driver: /dev/watchdog
/// arms the watchdog); then the opened file must be the device looked at.
Result<DevicePtr> OpenLinuxDevice(const std::string& name, Backend backend);

/// Whether `opened` (fstat) is the block device `looked` (stat) showed.
bool IsSameDevice(const struct stat& looked, const struct stat& opened);

/// Refuses a device list that names one block device twice, compared by
/// device number (/dev//nvme0n1, /dev/nvme0n1 and its by-id links are one):
/// a namespace counted twice would make "fenced on 2 of 2" or
/// required_devices true of one disk. Names that are not block devices are
/// left to OpenLinuxDevice to refuse. Only stat: nothing is opened.
Result<void> CheckDistinctDevices(const std::vector<std::string>& names);

/// Opens a device by name with a backend (OpenLinuxDevice); the agents take
/// one so tests can hand in models.
using DeviceOpener = std::function<Result<DevicePtr>(const std::string& name, Backend backend)>;

/// Refuses a list that names one device twice (CheckDistinctDevices); the
/// agents take one so tests can hand in their own.
using DistinctDevicesCheck = std::function<Result<void>(const std::vector<std::string>& names)>;

/// "device X is listed twice" for the first name `names` repeats.
Result<void> CheckNoNameTwice(const std::vector<std::string>& names);

/// A device that opens itself (through `opener`) on its first command, so
/// that opening and checking a device (open, fstat, sysfs, ioctl) runs in the
/// worker thread that handles it, all devices at once, instead of one after
/// another before the parallel work. name() is the name given; when opening
/// fails, every command returns the opener's error (which names the device).
class DeferredDevice final : public Device {
 public:
  DeferredDevice(std::string name, Backend backend, DeviceOpener opener);

  /// Opens the device unless done already; the opener's error if it failed.
  Result<void> Open();

  const std::string& name() const override { return name_; }
  /// The opened device's backend; "" until opened.
  std::string_view backend() const override;
  Result<Capabilities> Identify(Deadline deadline) override;
  Result<void> Register(const RegisterArgs& args, Deadline deadline) override;
  Result<void> Acquire(const AcquireArgs& args, Deadline deadline) override;
  Result<void> Release(const ReleaseArgs& args, Deadline deadline) override;
  Result<ReservationStatus> Report(Deadline deadline) override;
  Result<std::string> HostId(Deadline deadline) override;

 private:
  Result<Device*> Opened();

  const std::string name_;
  const Backend backend_;
  DeviceOpener opener_;
  mutable std::mutex mutex_;
  std::optional<Result<DevicePtr>> device_;  // set by the first Open()
};

/// One DeferredDevice per name, in order, opened with `backend`.
DeviceList DeferOpening(const std::vector<std::string>& names, Backend backend, const DeviceOpener& opener);

/// How both agents reach their devices: one opener and one check that no
/// device is named twice, so tests hand in models for both.
struct DeviceAccess {
  DeviceOpener open;
  DistinctDevicesCheck check_distinct;  ///< by device number; empty: names only

  /// Refuses a list that names a device twice: by name, then by device
  /// number (check_distinct).
  Result<void> CheckDistinct(const std::vector<std::string>& names) const;
  /// DeferOpening with this opener.
  DeviceList Defer(const std::vector<std::string>& names, Backend backend) const {
    return DeferOpening(names, backend, open);
  }
};

/// The real thing: OpenLinuxDevice and CheckDistinctDevices.
DeviceAccess LinuxDeviceAccess();

/// Opens every DeferredDevice of `devices` now, all in parallel, within
/// `deadline`: for an action that must not change anything unless every device
/// opens. The error of the first device (in list order) that failed.
Result<void> OpenNow(const DeviceList& devices, Deadline deadline);

/// Splits a "devices" parameter on commas and white space; empty names dropped.
inline std::vector<std::string> SplitDeviceList(std::string_view text) { return SplitList(text); }

}  // namespace nvmepr
