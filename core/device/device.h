// SPDX-License-Identifier: GPL-2.0-or-later
// Device: one NVMe namespace that supports reservations, as seen by this host.
// The only seam between the reservation logic and the outside world: the
// Linux backends talk ioctls, ModelDevice (tests) keeps the state in memory.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

class Device {
 public:
  virtual ~Device() = default;

  /// The device as the user named it (what every message shows).
  virtual const std::string& name() const = 0;
  /// "passthrough", "block" or "model": how commands reach the namespace.
  virtual std::string_view backend() const = 0;

  /// Whether and which reservations the namespace supports.
  virtual Result<Capabilities> Identify(Deadline deadline) = 0;
  /// Each command fails with kReservationConflict on NVMe status 0x83, kNvmeStatus
  /// on any other device status, kIo on a system call error, kTimeout past `deadline`.
  virtual Result<void> Register(const RegisterArgs& args, Deadline deadline) = 0;
  virtual Result<void> Acquire(const AcquireArgs& args, Deadline deadline) = 0;
  virtual Result<void> Release(const ReleaseArgs& args, Deadline deadline) = 0;
  virtual Result<ReservationStatus> Report(Deadline deadline) = 0;

  /// This host's identifier as the controller knows it (the Host ID the
  /// Reservation Report shows for this host's registration), in the report's
  /// spelling (hex, Registrant::host_id). "" when the controller has none
  /// (all zeros: Linux never sets one on PCIe) or the backend cannot ask
  /// (the block ioctls); then this host's registration cannot be told apart
  /// in a report. Errors only for a failed command.
  virtual Result<std::string> HostId(Deadline deadline) {
    (void)deadline;
    return std::string();
  }
};

/// Devices are shared with worker threads that may outlive a timed-out action.
using DevicePtr = std::shared_ptr<Device>;
using DeviceList = std::vector<DevicePtr>;

}  // namespace nvmepr
