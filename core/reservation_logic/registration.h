// SPDX-License-Identifier: GPL-2.0-or-later
// Registering this node's own key on a device: the one primitive both agents
// use (fence_nvme_pr's `on`, nvme_persist's start, promote and demote), with
// the rules that keep a registration from ever hurting another node.
//
// NVMe keeps one registration per host (per Host ID, covering every
// controller of that host), and reservation commands act on the sender's
// registration. Two nodes cloned from one image share /etc/nvme/hostid and
// hostnqn and so look like ONE host to the device: the second node's
// register would replace the first node's key, the first node could no longer
// write, and its watchdog would reboot it. So:
//   1. A registration this node cannot prove to be its own is never taken
//      over. The proof is the key this node saved under store_path when it
//      registered it since boot (`previous`): it is replaced with Replace and
//      CRKEY = that key, without IEKEY, so the device itself checks that this
//      host's registration holds exactly that key. Any other key in this
//      host's registration: refused (kInvalidArgument: a configuration error,
//      OCF 6), nothing changed, the message names the key in the way, the
//      likely cause (a shared NVMe host identity) and the fix.
//   2. A key another host has registered is never registered again (keys are
//      matched by value: a later preempt of it would remove both hosts). A
//      duplicate the read-back shows is undone at once.
//   3. Success only when the read-back shows the key registered exactly once.
// This host's registration is found in a report by the Host ID the
// controller gives for this host (Device::HostId: Get Features Host
// Identifier, the Connect hostid on fabrics). Where it gives none (the block
// backend; a PCIe controller without one) the device's own answers decide: a
// plain Register conflicts exactly when this host holds another key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "deadline.h"
#include "device.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

/// The keys of this node a registration deals with.
struct OwnKeys {
  Key own = 0;                  ///< the key to register
  std::optional<Key> previous;  ///< a key this node registered itself since boot (saved under store_path)
};

/// What a device says about this host before anything is changed.
struct HostView {
  ReservationStatus status;
  std::string host_id;               ///< "" when the controller does not tell it
  std::optional<Key> this_host_key;  ///< the key of this host's registration, when known
};

/// Reads the report and this host's ID (a failed Get Features is only logged:
/// the host is then unknown, as on a controller without one).
Result<HostView> ReadHostView(Device& device, Deadline deadline);

/// The checks of rules 1 and 2 that need no change: refuses when this host's
/// registration (known by its Host ID) holds a key other than `keys.own` and
/// `keys.previous`, or when `keys.own` is registered under another Host ID.
Result<void> CheckRegistrable(const Device& device, const HostView& view, const OwnKeys& keys);

/// CheckRegistrable on every device at once, before an action changes
/// anything: the refusal (naming every device concerned) when any device
/// refuses. A device that cannot be read is left to the action itself.
Result<void> CheckRegistrableEverywhere(const DeviceList& devices, const OwnKeys& keys, Deadline deadline);

/// Registers `keys.own` for this host by the rules above; returns the report
/// read back after it, which shows the key registered exactly once.
Result<ReservationStatus> RegisterOwnKey(Device& device, const OwnKeys& keys, Deadline deadline);

/// The key of this host's registration in `status`, when `host_id` is known.
std::optional<Key> ThisHostsKey(const ReservationStatus& status, const std::string& host_id);

/// The warning monitor and validate-all log for a device whose report shows
/// this host's ID registered with `key`, which is not this node's.
std::string ForeignKeyWarning(const Device& device, const std::string& host_id, Key key, Key own);

}  // namespace nvmepr
