// SPDX-License-Identifier: GPL-2.0-or-later
#include "ownership.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "outcome.h"
#include "parallel.h"
#include "registration.h"

namespace nvmepr {
namespace {

Error ForeignTypeRefusal(const Device& device, ReservationType type) {
  return Fail(ErrorKind::kUnsupported,
              device.name() + ": holds a " + std::string(TypeName(type)) +
                  " reservation (every registrant may write, e.g. fence_nvme_pr's); nvme_persist needs a "
                  "one-owner reservation: do not use both on the same devices");
}

// Before a registering action changes anything: every device readable and
// under no reservation nvme_persist must not touch (IsOneOwner).
Result<void> CheckNoForeignReservation(const DeviceList& devices, Deadline deadline) {
  auto checks = RunOnEach<void>(devices, deadline, [deadline](Device& device, std::size_t) -> Result<void> {
    auto status = device.Report(deadline);
    if (!status) return {};  // the action reads it again and reports it
    if (status->type != ReservationType::kNone && !IsOneOwner(status->type)) {
      return ForeignTypeRefusal(device, status->type);
    }
    return {};
  });
  return CombineRefusals(checks, "refused");
}

// Registers `keys.own` by the rules both agents share (core/reservation_logic/registration.h)
// and returns the report that shows it registered exactly once.
Result<ReservationStatus> JoinOne(Device& device, const OwnKeys& keys, Deadline deadline) {
  auto before = device.Report(deadline);
  if (!before) return before.error();
  if (before->type != ReservationType::kNone && !IsOneOwner(before->type)) {
    return ForeignTypeRefusal(device, before->type);
  }
  return RegisterOwnKey(device, keys, deadline);
}

// One command that makes `own` the holder, given the device's current state.
Result<void> AcquireOne(Device& device, const ReservationStatus& status, const OwnershipRequest& request,
                        Deadline deadline) {
  const Standing standing = StandingOf(status, request.own);
  if (status.type == ReservationType::kNone) {
    spdlog::debug("{}: acquiring {} with key {}", device.name(), TypeName(request.type), FormatKey(request.own));
    return device.Acquire({AcquireAction::kAcquire, request.type, request.own, 0}, deadline);
  }
  if (standing.holds) {
    if (status.type == request.type) return {};
    // A holder preempting its own key changes the type and keeps the reservation.
    spdlog::info("{}: changing our reservation from {} to {}", device.name(), TypeName(status.type),
                 TypeName(request.type));
    return device.Acquire({AcquireAction::kPreempt, request.type, request.own, request.own}, deadline);
  }
  if (!standing.holder) {
    return Fail(ErrorKind::kVerifyFailed, device.name() + ": a " + std::string(TypeName(status.type)) +
                                              " reservation exists but the report names no holder");
  }
  const AcquireAction action = request.preempt_abort ? AcquireAction::kPreemptAndAbort : AcquireAction::kPreempt;
  spdlog::info("{}: key {} holds the reservation; taking it over with {} (key {})", device.name(),
               FormatKey(*standing.holder), request.preempt_abort ? "preempt-and-abort" : "preempt",
               FormatKey(request.own));
  return device.Acquire({action, request.type, request.own, *standing.holder}, deadline);
}

Result<void> TakeOne(Device& device, const OwnershipRequest& request, Deadline deadline) {
  auto joined = JoinOne(device, {request.own, request.previous}, deadline);
  if (!joined) return joined.error();
  auto acquired = AcquireOne(device, *joined, request, deadline);
  // A conflict: another node changed the reservation at the same moment. The
  // read-back tells who won.
  if (!acquired && acquired.error().kind != ErrorKind::kReservationConflict) return acquired;
  auto after = device.Report(deadline);
  if (!after) return after.error();
  const Standing standing = StandingOf(*after, request.own);
  if (!standing.holds || after->type != request.type) {
    std::string message = device.name() + ": key " + FormatKey(request.own) + " does not hold a " +
                          std::string(TypeName(request.type)) + " reservation after acquiring it";
    if (standing.holder) {
      message += " (key " + FormatKey(*standing.holder) + " holds " + std::string(TypeName(after->type)) + ")";
    }
    if (!acquired) message += ": " + acquired.error().message;
    return Fail(ErrorKind::kVerifyFailed, message);
  }
  spdlog::info("{}: key {} holds the {} reservation", device.name(), FormatKey(request.own), TypeName(after->type));
  return {};
}

// Releases the reservation if `own` holds it; returns the final report.
Result<ReservationStatus> ReleaseOne(Device& device, Key own, Deadline deadline) {
  auto status = device.Report(deadline);
  if (!status) return status.error();
  if (!StandingOf(*status, own).holds) return status;
  if (auto r = device.Release({ReleaseAction::kRelease, status->type, own}, deadline); !r) return r.error();
  auto after = device.Report(deadline);
  if (!after) return after.error();
  if (StandingOf(*after, own).holds) {
    return Fail(ErrorKind::kVerifyFailed,
                device.name() + ": key " + FormatKey(own) + " still holds the reservation after releasing it");
  }
  spdlog::info("{}: released the {} reservation of key {}", device.name(), TypeName(status->type), FormatKey(own));
  return after;
}

Result<void> LeaveOne(Device& device, Key own, bool keep_registered, Deadline deadline) {
  auto released = ReleaseOne(device, own, deadline);
  if (!released) return released.error();
  if (!released->IsRegistered(own)) return {};
  if (keep_registered) {
    spdlog::info("{}: key {} stays registered: fence_nvme_pr unfenced this node on this device with it", device.name(),
                 FormatKey(own));
    return {};
  }
  if (released->type != ReservationType::kNone && !IsOneOwner(released->type)) {
    spdlog::warn("{}: key {} stays registered: the device holds a {} reservation, whose registrations are "
                 "not nvme_persist's to remove (fence_nvme_pr's?)",
                 device.name(), FormatKey(own), TypeName(released->type));
    return {};
  }
  auto unregistered = device.Register({RegisterAction::kUnregister, own, 0, false}, deadline);
  if (!unregistered && unregistered.error().kind == ErrorKind::kUnsupported) {
    spdlog::warn("{}; key {} stays registered without the reservation, which grants no write access",
                 unregistered.error().message, FormatKey(own));
    return {};
  }
  if (!unregistered) return unregistered;
  auto after = device.Report(deadline);
  if (!after) return after.error();
  if (after->IsRegistered(own)) {
    return Fail(ErrorKind::kVerifyFailed,
                device.name() + ": key " + FormatKey(own) + " is still registered after unregistering it");
  }
  spdlog::info("{}: unregistered key {}", device.name(), FormatKey(own));
  return {};
}

// Runs `one` on every device in parallel and applies the partial-success rule
// (core/reservation_logic/outcome.h). When `registers`, the registration rules are checked on
// every device first, so that a refusal changes nothing anywhere.
template <typename Work>
Result<std::size_t> OnEach(const DeviceList& devices, const OwnershipRequest& request, const char* what, bool registers,
                           Deadline deadline, Work one) {
  if (devices.empty()) return Fail(ErrorKind::kInvalidArgument, "no devices given");
  if (registers) {
    if (auto r = CheckNoForeignReservation(devices, deadline); !r) return r.error();
    if (auto r = CheckRegistrableEverywhere(devices, {request.own, request.previous}, deadline); !r) return r.error();
  }
  return CombineOutcomes(RunOnEach<void>(devices, deadline, [one](Device& device, std::size_t) { return one(device); }),
                         request.required, what);
}

}  // namespace

Standing StandingOf(const ReservationStatus& status, Key own) {
  Standing standing;
  standing.type = status.type;
  standing.registered = status.IsRegistered(own);
  if (status.type != ReservationType::kNone && !IsAllRegistrants(status.type)) {
    standing.holder = status.HolderKey();
    standing.holds = standing.holder && *standing.holder == own;
  }
  return standing;
}

Result<std::size_t> JoinDevices(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline) {
  const OwnKeys keys{request.own, request.previous};
  return OnEach(devices, request, "register", true, deadline, [keys, deadline](Device& device) -> Result<void> {
    auto joined = JoinOne(device, keys, deadline);
    if (!joined) return joined.error();
    return {};
  });
}

Result<std::size_t> TakeOwnership(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline) {
  return OnEach(devices, request, "acquire", true, deadline,
                [request, deadline](Device& device) { return TakeOne(device, request, deadline); });
}

Result<std::size_t> ReleaseOwnership(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline) {
  const Key own = request.own;
  return OnEach(devices, request, "release", false, deadline, [own, deadline](Device& device) -> Result<void> {
    auto released = ReleaseOne(device, own, deadline);
    if (!released) return released.error();
    return {};
  });
}

Result<std::size_t> LeaveDevices(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline) {
  const Key own = request.own;
  const std::set<std::string> keep = request.keep_registered;
  return OnEach(devices, request, "release and unregister", false, deadline, [own, keep, deadline](Device& device) {
    return LeaveOne(device, own, keep.count(device.name()) > 0, deadline);
  });
}

std::vector<Result<Standing>> ReadStandings(const DeviceList& devices, Key own, Deadline deadline) {
  return RunOnEach<Standing>(devices, deadline, [own, deadline](Device& device, std::size_t) -> Result<Standing> {
    auto view = ReadHostView(device, deadline);
    if (!view) return view.error();
    Standing standing = StandingOf(view->status, own);
    standing.host_id = view->host_id;
    standing.this_host_key = view->this_host_key;
    return standing;
  });
}

}  // namespace nvmepr
