// SPDX-License-Identifier: GPL-2.0-or-later
// A namespace reached with NVMe passthrough (NVME_IOCTL_IO_CMD) on its block
// device: every reservation command and option of the spec, extended reports,
// per-command timeouts. Needs CAP_SYS_ADMIN.
#pragma once

#include <cstdint>
#include <string>

#include "device.h"
#include "file_descriptor.h"
#include "linux_ioctl.h"
#include "nvme_command.h"

namespace nvmepr {

class PassthroughDevice : public Device {
 public:
  /// Takes an open fd of /dev/nvmeXnY and the nsid NVME_IOCTL_ID returned.
  /// `ioctl` is how commands are sent (tests hand in a fake device).
  PassthroughDevice(std::string name, FileDescriptor fd, std::uint32_t nsid, IoctlFunction ioctl = LinuxIoctl);

  const std::string& name() const override { return name_; }
  std::string_view backend() const override { return "passthrough"; }
  Result<Capabilities> Identify(Deadline deadline) override;
  Result<void> Register(const RegisterArgs& args, Deadline deadline) override;
  Result<void> Acquire(const AcquireArgs& args, Deadline deadline) override;
  Result<void> Release(const ReleaseArgs& args, Deadline deadline) override;
  Result<ReservationStatus> Report(Deadline deadline) override;
  /// Get Features, Host Identifier.
  Result<std::string> HostId(Deadline deadline) override;

 private:
  /// Sends `cmd`; returns 0, or the Error for an errno or a device status.
  Result<void> Submit(NvmeCommand& cmd, bool admin, Deadline deadline, const char* what);
  Result<ReservationStatus> ReportLayout(bool extended, Deadline deadline);

  std::string name_;
  FileDescriptor fd_;
  std::uint32_t nsid_;
  IoctlFunction ioctl_;
  bool extended_report_ = true;  ///< cleared when the controller refuses EDS
};

}  // namespace nvmepr
