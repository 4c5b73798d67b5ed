// SPDX-License-Identifier: GPL-2.0-or-later
// The reservation logic of fencing: unfence (join), fence (cut a node off)
// and the read-only queries, over a list of devices, all devices in parallel,
// under one deadline, with every state change read back.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "deadline.h"
#include "device.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

/// Registers `own` on every device (idempotent) by the rules of
/// core/reservation_logic/registration.h, creates a reservation of `type` where none exists
/// (kNone = auto: write-exclusive-all-registrants where supported, else
/// write-exclusive-registrants-only), then reads back: success only when `own`
/// is registered exactly once and a reservation exists on every device.
/// `previous` is a key this node registered itself since boot (saved under
/// store_path): the only other key of this host it may replace. Any other
/// key in this host's registration refuses the action (kInvalidArgument);
/// where the controller tells this host's ID, before anything changed.
Result<void> Unfence(const DeviceList& devices, Key own, ReservationType type, Deadline deadline,
                     std::optional<Key> previous = std::nullopt);

/// What Fence found on the devices before it changed anything (from the
/// reports it reads anyway: no extra command). Lets the caller warn when the
/// victim was registered nowhere while other keys were: a typo in a key map
/// otherwise "fences" a key nobody holds, successfully and silently.
struct FenceSighting {
  bool victim_registered = false;  ///< on at least one device
  bool victim_everywhere = false;  ///< on every device (false: off there already, or a key that names nobody)
  std::vector<Key> others;         ///< keys registered that are neither own nor victim, first seen first
};

/// Removes `victim` from every device with preempt-and-abort.
/// Refuses (kRefused, nothing changed) unless `own` is registered on every
/// device: a node that has been fenced must never fence a survivor. The first
/// device is fenced before the others, so when two nodes fence each other at
/// once exactly one wins it and the loser stops there. Success only when the
/// read-back shows `victim` gone, `own` present and a reservation in place on
/// every device. `type` (kNone = auto) is used only where a reservation has to
/// be created again. With `seen`, also says what the devices showed before
/// (filled from the devices that answered, whether the fence succeeded or not).
Result<void> Fence(const DeviceList& devices, Key own, Key victim, ReservationType type, Deadline deadline,
                   FenceSighting* seen = nullptr);

/// On how many devices `key` is registered.
struct KeyPresence {
  std::size_t registered_on = 0;
  std::size_t devices = 0;
};
/// Fails if any device cannot be read.
Result<KeyPresence> FindKey(const DeviceList& devices, Key key, Deadline deadline);

/// Every device's report, in device order. Fails if any device cannot be read.
Result<std::vector<ReservationStatus>> ReadAll(const DeviceList& devices, Deadline deadline);

/// This host's registration on one device, as far as the controller tells.
struct HostRegistration {
  std::string host_id;     ///< "" when the controller does not tell it
  std::optional<Key> key;  ///< the key this host's registration holds, if any is known
};

/// Checks every device answers and supports reservations (and `type`, unless
/// kNone); on success, this host's registration on each device, in order.
Result<std::vector<HostRegistration>> CheckSupport(const DeviceList& devices, ReservationType type, Deadline deadline);

/// The type auto picks, or `requested` if the device supports it.
Result<ReservationType> ChooseType(Device& device, ReservationType requested, Deadline deadline);

}  // namespace nvmepr
