// SPDX-License-Identifier: GPL-2.0-or-later
// A namespace reached through the block layer's reservation ioctls
// (<linux/pr.h>), for devices where NVMe passthrough is refused, such as
// dm-multipath over NVMe. Reports need IOC_PR_READ_KEYS and
// IOC_PR_READ_RESERVATION (Linux 6.19+). The block layer cannot unregister
// (old_key -> 0 is a replace) and always asks for persist-through-power-loss.
#pragma once

#include <string>

#include "device.h"
#include "file_descriptor.h"
#include "linux_ioctl.h"

namespace nvmepr {

class BlockPrDevice : public Device {
 public:
  /// `ioctl` is how requests are made (tests hand in a fake device).
  BlockPrDevice(std::string name, FileDescriptor fd, IoctlFunction ioctl = LinuxIoctl);

  const std::string& name() const override { return name_; }
  std::string_view backend() const override { return "block"; }
  /// The block layer cannot identify; reports support for every type once a
  /// reservation read works (the device then implements reservations).
  Result<Capabilities> Identify(Deadline deadline) override;
  Result<void> Register(const RegisterArgs& args, Deadline deadline) override;
  Result<void> Acquire(const AcquireArgs& args, Deadline deadline) override;
  Result<void> Release(const ReleaseArgs& args, Deadline deadline) override;
  /// Registrants and the holder's key; no host IDs, and only the holder
  /// returned by IOC_PR_READ_RESERVATION is marked as holding.
  Result<ReservationStatus> Report(Deadline deadline) override;

 private:
  Result<void> Call(unsigned long request, void* arg, Deadline deadline, const char* what);

  std::string name_;
  FileDescriptor fd_;
  IoctlFunction ioctl_;
};

}  // namespace nvmepr
