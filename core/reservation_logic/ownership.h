// SPDX-License-Identifier: GPL-2.0-or-later
// Exclusive ownership of shared namespaces, the reservation logic of the
// resource agent: while the resource runs on a node, that node's key holds a
// one-owner reservation (write-exclusive or exclusive-access) on the devices;
// everybody else may at most read. Taking ownership preempts a stale holder in
// the same command, so a standby taking over from a frozen primary cuts it off
// at once. Every change is read back, all devices in parallel under one
// deadline; a device counts only when its read-back shows the wanted state,
// and an action succeeds when at least `required` devices do.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "deadline.h"
#include "device.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

struct OwnershipRequest {
  Key own = 0;  ///< this node's key
  /// The reservation to hold: a one-owner type (1-4). Types 1 and 2 keep
  /// registered standbys from writing; the resource agent allows only those.
  ReservationType type = ReservationType::kWriteExclusive;
  bool preempt_abort = true;  ///< take over with preempt-and-abort (else plain preempt)
  std::size_t required = 0;   ///< devices that must succeed; 0 = all of them
  /// A key this node registered itself since boot (the state file's): the
  /// only other key of this host registering may replace (core/reservation_logic/registration.h).
  std::optional<Key> previous;
  /// Devices (by name) where this node's registration also serves fencing
  /// (fence_nvme_pr unfenced them with the same key): leaving releases the
  /// reservation there but keeps the registration, or the watchdog check
  /// would see this node fenced.
  std::set<std::string> keep_registered;
};

/// This node's standing on one device, from its Reservation Report.
struct Standing {
  bool registered = false;  ///< our key is registered
  bool holds = false;       ///< our key holds a one-owner reservation
  ReservationType type = ReservationType::kNone;
  std::optional<Key> holder;         ///< the holder's key, whoever it is
  std::string host_id;               ///< this host's ID, "" when the controller does not tell it
  std::optional<Key> this_host_key;  ///< the key of this host's registration, when known
};

/// Reads one report into a Standing. An all-registrants reservation (types 5
/// and 6) is nobody's exclusive ownership: `holds` stays false under it.
Standing StandingOf(const ReservationStatus& status, Key own);

/// nvme_persist's reservations are the one-owner types 1 and 2. Any other
/// reservation on a device (3-6: every registrant may write, as
/// fence_nvme_pr's) is not ours to join, take over or leave: registering
/// would grant write access, preempting its holder would cut off a node's
/// fencing registration. JoinDevices and TakeOwnership read every device
/// first and refuse (kUnsupported, OCF 6) before anything changed.

/// Registers `own` on every device (idempotent) by the rules of
/// core/reservation_logic/registration.h, the fence agent's: a registration of this host that
/// holds a key other than `own` and `previous` refuses the action on every
/// device before anything changed (kInvalidArgument, OCF 6), a key another
/// host uses is refused, a duplicate undone; then checks `own` is registered
/// exactly once. Registering changes no
/// access rights under a one-owner reservation; it is what a promotable
/// clone's unpromoted instance does. Refuses (kUnsupported) a device under an
/// all-registrants reservation, where registering would grant write access.
/// Returns on how many devices it succeeded.
Result<std::size_t> JoinDevices(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline);

/// Registers `own` (as JoinDevices does) and acquires the reservation of
/// `request.type` on every device. Where another key holds a one-owner reservation, preempts it (with
/// abort unless `preempt_abort` is false) in the same command, which also
/// unregisters the old holder. A reservation of ours with another type is
/// changed. Success per device only when the read-back shows `own` holding a
/// reservation of `request.type`.
Result<std::size_t> TakeOwnership(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline);

/// Releases the reservation wherever `own` holds it; stays registered.
/// Success per device when the read-back shows `own` not holding.
Result<std::size_t> ReleaseOwnership(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline);

/// Releases and unregisters `own` (idempotent). Keeps the registration
/// (released only) where it serves more than this resource: a device in
/// `keep_registered`, or one under a reservation of type 3-6 (fence_nvme_pr's).
/// The block backend has no unregister: there the key stays registered
/// without the reservation, which under types 1 and 2 grants nothing; a
/// warning says so.
Result<std::size_t> LeaveDevices(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline);

/// Every device's standing for `own`, or the error reading it, in device order
/// (with this host's registration where the controller tells this host's ID).
std::vector<Result<Standing>> ReadStandings(const DeviceList& devices, Key own, Deadline deadline);

}  // namespace nvmepr
