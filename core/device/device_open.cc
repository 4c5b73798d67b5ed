// SPDX-License-Identifier: GPL-2.0-or-later
#include "device_open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "block_pr_device.h"
#include "file_descriptor.h"
#include "linux_ioctl.h"
#include "parallel.h"
#include "passthrough_device.h"
#include "regular_file.h"

namespace nvmepr {
namespace {

namespace fs = std::filesystem;

enum class BlockKind { kNvmeNamespace, kMultipathOverNvme };

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// What sysfs says the block device major:minor is. A partition, a device
// that is neither NVMe nor device-mapper over NVMe, is refused here.
// Plain strings and system calls: this runs once per device on the fencing
// path, where std::filesystem's path parsing cost more than the checks.
Result<BlockKind> ClassifyBlockDevice(const std::string& name, dev_t dev) {
  const std::string sys = "/sys/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
  if (::access((sys + "/partition").c_str(), F_OK) == 0) {
    return Fail(ErrorKind::kInvalidArgument,
                name + ": is a partition; reservations apply to the whole namespace, give the namespace device");
  }
  char target[PATH_MAX];
  const ssize_t length = ::readlink(sys.c_str(), target, sizeof target);
  if (length < 0 || static_cast<std::size_t>(length) >= sizeof target) {
    const int err = length < 0 ? errno : ENAMETOOLONG;
    return Fail(ErrorKind::kNotFound, name + ": not known to sysfs (" + std::strerror(err) + ")");
  }
  const std::string_view link(target, static_cast<std::size_t>(length));
  const std::string kernel_name(link.substr(link.rfind('/') + 1));  // npos + 1 == 0: the whole link
  if (StartsWith(kernel_name, "nvme")) return BlockKind::kNvmeNamespace;
  if (StartsWith(kernel_name, "dm-")) {
    std::error_code ec;
    bool any = false;
    for (const auto& slave : fs::directory_iterator(sys + "/slaves", ec)) {
      if (!StartsWith(slave.path().filename().string(), "nvme")) {
        return Fail(ErrorKind::kUnsupported,
                    name + ": device-mapper device over a non-NVMe device (" + slave.path().filename().string() + ")");
      }
      any = true;
    }
    if (any) return BlockKind::kMultipathOverNvme;
    // No device under it: a multipath map whose paths are all gone on this
    // node (or a map without a table). About this node, not the
    // configuration: another node may well have paths.
    if (!ec) {
      return Fail(ErrorKind::kNotFound,
                  name + ": device-mapper device (" + kernel_name +
                      ") with no device under it on this node "
                      "(a multipath device without paths?)",
                  ENOTCONN);
    }
  }
  return Fail(ErrorKind::kUnsupported, name + ": not an NVMe namespace (kernel name " + kernel_name + ")");
}

}  // namespace

bool IsSameDevice(const struct stat& looked, const struct stat& opened) {
  return S_ISBLK(looked.st_mode) && S_ISBLK(opened.st_mode) && looked.st_rdev == opened.st_rdev;
}

Result<void> CheckDistinctDevices(const std::vector<std::string>& names) {
  std::map<dev_t, const std::string*> seen;
  for (const auto& name : names) {
    auto path = ExpandDeviceName(name);
    struct stat st {};
    // What cannot be looked at here is reported, naming it, when it is opened.
    if (!path || ::stat(path->c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) continue;
    auto [it, added] = seen.emplace(st.st_rdev, &name);
    if (!added) {
      return Fail(ErrorKind::kInvalidArgument, "devices " + *it->second + " and " + name + " are the same device (" +
                                                   std::to_string(major(st.st_rdev)) + ":" +
                                                   std::to_string(minor(st.st_rdev)) + "): list each namespace once");
    }
  }
  return {};
}

std::optional<Backend> ParseBackend(std::string_view input) {
  const std::string text = Lower(input);
  if (text == "auto") return Backend::kAuto;
  if (text == "passthrough") return Backend::kPassthrough;
  if (text == "block") return Backend::kBlock;
  return std::nullopt;
}

Result<std::string> ExpandDeviceName(const std::string& name) {
  // A disk ID as the cloud console shows it: "d-" and lower-case alphanumerics.
  const std::string_view id = std::string_view(name).substr(std::min<std::size_t>(2, name.size()));
  if (StartsWith(name, "d-") && !id.empty() &&
      std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c); })) {
    return "/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_" + std::string(id);
  }
  if (!name.empty() && name[0] == '/') return name;
  return Fail(
      ErrorKind::kInvalidArgument,
      "device '" + name + "': give an absolute path (/dev/nvme0n1, /dev/disk/by-id/...) or a cloud disk ID d-xxxx");
}

Result<DevicePtr> OpenLinuxDevice(const std::string& name, Backend backend) {
  auto path = ExpandDeviceName(name);
  if (!path) return path.error();
  // Look before opening: opening a device runs its driver (opening
  // /dev/watchdog arms the watchdog), so a path is opened only once stat (it
  // follows the by-id link) and sysfs say it is a whole NVMe namespace or
  // device-mapper over NVMe.
  struct stat looked {};
  if (::stat(path->c_str(), &looked) != 0) {
    const int err = errno;
    return Fail(err == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo, name + ": cannot open: " + std::strerror(err),
                err);
  }
  if (!S_ISBLK(looked.st_mode)) {
    return Fail(ErrorKind::kInvalidArgument,
                name + ": not a block device (" + std::string(FileTypeName(looked.st_mode)) + "; not opened)");
  }
  auto kind = ClassifyBlockDevice(name, looked.st_rdev);
  if (!kind) return kind.error();
  // O_RDONLY is enough for the ioctls as root and, unlike O_RDWR, never
  // stands in the way of a mount or an exclusive opener.
  FileDescriptor fd(::open(path->c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    const int err = errno;
    return Fail(err == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo, name + ": cannot open: " + std::strerror(err),
                err);
  }
  // The path could name something else by now (udev renames links): the
  // opened file must be the device that was looked at. Only root can change
  // /dev, so this is about races with udev, not about attackers.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !IsSameDevice(looked, st)) {
    return Fail(ErrorKind::kRefused, name + ": changed between stat and open (udev?); try again");
  }

  if (backend != Backend::kBlock && *kind == BlockKind::kNvmeNamespace) {
    const int nsid = ::ioctl(fd.get(), NVME_IOCTL_ID);
    if (nsid > 0) return DevicePtr(std::make_shared<PassthroughDevice>(name, std::move(fd), nsid));
    if (backend == Backend::kPassthrough) {
      return Fail(ErrorKind::kUnsupported, name + ": NVMe passthrough refused (" + std::strerror(errno) + ")", errno);
    }
  } else if (backend == Backend::kPassthrough) {
    return Fail(ErrorKind::kUnsupported, name + ": passthrough needs an NVMe namespace, this is device-mapper");
  }
  return DevicePtr(std::make_shared<BlockPrDevice>(name, std::move(fd)));
}

DeferredDevice::DeferredDevice(std::string name, Backend backend, DeviceOpener opener)
    : name_(std::move(name)), backend_(backend), opener_(std::move(opener)) {}

Result<Device*> DeferredDevice::Opened() {
  std::lock_guard lock(mutex_);
  if (!device_) device_.emplace(opener_(name_, backend_));
  if (!*device_) return device_->error();
  return device_->value().get();
}

Result<void> DeferredDevice::Open() {
  auto device = Opened();
  if (!device) return device.error();
  return {};
}

std::string_view DeferredDevice::backend() const {
  std::lock_guard lock(mutex_);
  return device_ && *device_ ? device_->value()->backend() : std::string_view();
}

Result<Capabilities> DeferredDevice::Identify(Deadline deadline) {
  auto device = Opened();
  if (!device) return device.error();
  return (*device)->Identify(deadline);
}

Result<void> DeferredDevice::Register(const RegisterArgs& args, Deadline deadline) {
  auto device = Opened();
  if (!device) return device.error();
  return (*device)->Register(args, deadline);
}

Result<void> DeferredDevice::Acquire(const AcquireArgs& args, Deadline deadline) {
  auto device = Opened();
  if (!device) return device.error();
  return (*device)->Acquire(args, deadline);
}

Result<void> DeferredDevice::Release(const ReleaseArgs& args, Deadline deadline) {
  auto device = Opened();
  if (!device) return device.error();
  return (*device)->Release(args, deadline);
}

Result<ReservationStatus> DeferredDevice::Report(Deadline deadline) {
  auto device = Opened();
  if (!device) return device.error();
  return (*device)->Report(deadline);
}

Result<std::string> DeferredDevice::HostId(Deadline deadline) {
  auto device = Opened();
  if (!device) return device.error();
  return (*device)->HostId(deadline);
}

DeviceList DeferOpening(const std::vector<std::string>& names, Backend backend, const DeviceOpener& opener) {
  DeviceList devices;
  devices.reserve(names.size());
  for (const auto& name : names) devices.push_back(std::make_shared<DeferredDevice>(name, backend, opener));
  return devices;
}

Result<void> CheckNoNameTwice(const std::vector<std::string>& names) {
  std::set<std::string_view> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) return Fail(ErrorKind::kInvalidArgument, "device " + name + " is listed twice");
  }
  return {};
}

Result<void> DeviceAccess::CheckDistinct(const std::vector<std::string>& names) const {
  if (auto r = CheckNoNameTwice(names); !r) return r;
  return check_distinct ? check_distinct(names) : Result<void>();
}

DeviceAccess LinuxDeviceAccess() { return {OpenLinuxDevice, CheckDistinctDevices}; }

Result<void> OpenNow(const DeviceList& devices, Deadline deadline) {
  auto results = RunOnEach<void>(devices, deadline, [](Device& device, std::size_t) -> Result<void> {
    if (auto* deferred = dynamic_cast<DeferredDevice*>(&device)) return deferred->Open();
    return {};
  });
  for (auto& result : results) {
    if (!result) return result.error();
  }
  return {};
}

}  // namespace nvmepr
