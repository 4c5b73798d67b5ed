// SPDX-License-Identifier: GPL-2.0-or-later
// The watchdog check: is this node still registered on the devices it was
// unfenced on? A node that was frozen while it was fenced misses Pacemaker's
// "you were fenced" notification and rejoins the cluster as if nothing had
// happened; storage fencing does not reboot it. Run by watchdog(8) from
// /etc/watchdog.d/, this check fails once the node's key is gone, and the
// watchdog reboots the node (the role fence_scsi_check plays for fence_scsi).
#pragma once

#include <string>

#include "fence_actions.h"

namespace nvmepr {

enum class SelfCheckOutcome {
  kNotUnfenced,  ///< nothing saved since boot: nothing to guard
  kRegistered,   ///< the key is on every saved device
  kFenced,       ///< another registrant removed the key from a device: reboot
  kAnomaly,      ///< the key is missing where nobody else is registered or no
                 ///< reservation remains (cleared, re-created): not a fence, no reboot
  kUnknown,      ///< a device could not be read: no verdict, no reboot
};

struct SelfCheckResult {
  SelfCheckOutcome outcome;
  std::string message;  ///< for the log; empty when registered
};

/// Reads the state `on` saved under store_path and the devices' registrants.
/// Never changes a device. kFenced only on the evidence a fence leaves: on a
/// device where this node's key is gone, a reservation remains and other
/// registrants hold it (a peer's preempt-and-abort removes the victim and
/// keeps its own registration and the reservation). A device that was
/// cleared or created anew (no reservation, or nobody registered) is not
/// that evidence: kAnomaly, logged, no reboot (fence_scsi_check also answers
/// 0 there). An unreadable device gives kUnknown, never kFenced: a transient
/// I/O error must not reboot a healthy node.
SelfCheckResult CheckSelfRegistration(const std::string& store_path, FenceEnvironment& env, Deadline deadline);

}  // namespace nvmepr
