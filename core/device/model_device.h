// SPDX-License-Identifier: GPL-2.0-or-later
// An in-memory NVMe namespace shared by several hosts, following the NVMe
// reservation rules, for unit tests of the reservation logic. Each
// ModelDevice is one host's view of a ModelNamespace.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "device.h"

namespace nvmepr {

/// Ways the Linux kernel NVMe target (nvmet) departs from the spec, switchable
/// so tests prove the agent copes with them.
struct TargetDeviations {
  /// D1: a type 1-4 holder preempting another registrant succeeds but changes nothing.
  bool holder_preempt_is_noop = false;
  /// D2: a second registrant acquiring an existing type 5/6 reservation gets a conflict.
  bool all_registrants_acquire_conflicts = false;

  static TargetDeviations LinuxNvmet() { return {true, true}; }
};

class ModelNamespace {
 public:
  explicit ModelNamespace(TargetDeviations deviations = {}, std::uint8_t rescap = 0x7E)
      : deviations_(deviations), rescap_(rescap) {}

  /// Commands as sent by `host`; return 0 or an NVMe status (0x83 conflict...).
  int Register(const std::string& host, const RegisterArgs& args);
  int Acquire(const std::string& host, const AcquireArgs& args);
  int Release(const std::string& host, const ReleaseArgs& args);
  ReservationStatus Report();
  std::uint8_t rescap() const { return rescap_; }

  /// Whether `host` may write now (what a write would get: success or EBADE).
  bool CanWrite(const std::string& host);
  std::optional<Key> KeyOf(const std::string& host);

 private:
  bool IsHolder(const std::string& host) const;
  /// Whether `host` is registered with `key` (CRKEY of Acquire and Release).
  bool HasKey(const std::string& host, Key key) const;
  bool RemoveKey(Key key, const std::string& keep_host);
  void DropReservationIfOrphaned();

  std::mutex mutex_;
  TargetDeviations deviations_;
  std::uint8_t rescap_;
  std::map<std::string, Key> registrations_;  ///< host -> key
  ReservationType type_ = ReservationType::kNone;
  std::string holder_;  ///< host holding a type 1-4 reservation
  std::uint32_t generation_ = 0;
};

/// Fault injection for one host's view.
struct ModelFaults {
  bool unreachable = false;           ///< every command fails with EIO
  std::chrono::milliseconds hang{0};  ///< every command first blocks this long
  bool no_host_id = false;            ///< HostId() says "unknown" (block backend, PCIe without one)
};

class ModelDevice : public Device {
 public:
  /// `host` is the host identity: the registrant's host ID in reports. Two
  /// views with the same `host` are one NVMe host (a cloned /etc/nvme/hostid).
  ModelDevice(std::string name, std::shared_ptr<ModelNamespace> ns, std::string host);

  const std::string& name() const override { return name_; }
  std::string_view backend() const override { return "model"; }
  Result<Capabilities> Identify(Deadline deadline) override;
  Result<void> Register(const RegisterArgs& args, Deadline deadline) override;
  Result<void> Acquire(const AcquireArgs& args, Deadline deadline) override;
  Result<void> Release(const ReleaseArgs& args, Deadline deadline) override;
  Result<ReservationStatus> Report(Deadline deadline) override;
  Result<std::string> HostId(Deadline deadline) override;

  ModelFaults faults;  ///< set by tests before an action

 private:
  Result<void> Check(Deadline deadline, const char* what);
  Result<void> Status(int status, const char* what);

  std::string name_;
  std::shared_ptr<ModelNamespace> ns_;
  std::string host_;
};

}  // namespace nvmepr
