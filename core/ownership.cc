#include "ownership.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "parallel.h"

namespace nvmepr {
namespace {

std::size_t Needed(const DeviceList& devices, std::size_t required) {
  return required == 0 ? devices.size() : std::min(required, devices.size());
}

// The partial-success rule: at least `required` devices (0 = all) must have
// succeeded. Failures below the line are warnings; above it, one error that
// names every failed device.
Result<std::size_t> Tally(const DeviceList& devices, const std::vector<Result<void>>& outcomes, std::size_t required,
                          const char* what) {
  const std::size_t needed = Needed(devices, required);
  std::vector<Error> failures;
  for (const auto& outcome : outcomes) {
    if (!outcome) failures.push_back(outcome.error());
  }
  const std::size_t succeeded = devices.size() - failures.size();
  if (succeeded >= needed) {
    for (const Error& e : failures) {
      spdlog::warn("{} ({}: {} of {} devices suffice)", e.message, what, needed, devices.size());
    }
    return succeeded;
  }
  if (failures.size() == 1 && needed == devices.size()) return failures.front();
  return CombineFailures(failures, std::string(what) + " failed on " + std::to_string(failures.size()) + " of " +
                                       std::to_string(devices.size()) + " devices (" + std::to_string(needed) +
                                       " must succeed)");
}

Error AllRegistrantsRefusal(const Device& device, ReservationType type) {
  return Fail(ErrorKind::kUnsupported,
              device.name() + ": holds a " + std::string(TypeName(type)) +
                  " reservation (every registrant may write, e.g. fence_nvme_pr's); nvme_persist needs a "
                  "one-owner reservation: do not use both on the same devices");
}

// Registers `own` (replacing a stale key of this host) and returns the report
// that shows it registered exactly once.
Result<ReservationStatus> JoinOne(Device& device, Key own, Deadline deadline) {
  auto before = device.Report(deadline);
  if (!before) return before.error();
  if (IsAllRegistrants(before->type)) return AllRegistrantsRefusal(device, before->type);
  // Always sent, even when the key shows up already: only the device can tell
  // whether it is this host's registration or another host's with our key.
  auto registered = device.Register({RegisterAction::kRegister, 0, own, false}, deadline);
  if (!registered && registered.error().kind == ErrorKind::kReservationConflict) {
    spdlog::debug("{}: this host holds another key; replacing it with {}", device.name(), FormatKey(own));
    registered = device.Register({RegisterAction::kReplace, 0, own, true}, deadline);
  }
  if (!registered) return registered.error();
  if (!before->IsRegistered(own)) spdlog::info("{}: registered key {}", device.name(), FormatKey(own));
  auto after = device.Report(deadline);
  if (!after) return after.error();
  const auto copies = std::count_if(after->registrants.begin(), after->registrants.end(),
                                    [own](const Registrant& r) { return r.key == own; });
  if (copies != 1) {
    return Fail(ErrorKind::kVerifyFailed, device.name() + ": key " + FormatKey(own) + " is registered by " +
                                              std::to_string(copies) + " hosts after registering it" +
                                              (copies > 1 ? ": every node needs its own key" : ""));
  }
  return after;
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
  auto joined = JoinOne(device, request.own, deadline);
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

Result<void> LeaveOne(Device& device, Key own, Deadline deadline) {
  auto released = ReleaseOne(device, own, deadline);
  if (!released) return released.error();
  if (!released->IsRegistered(own)) return {};
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

// Runs `one` on every device in parallel and applies the partial-success rule.
template <typename Work>
Result<std::size_t> OnEach(const DeviceList& devices, std::size_t required, const char* what, Deadline deadline,
                           Work one) {
  if (devices.empty()) return Fail(ErrorKind::kInvalidArgument, "no devices given");
  return Tally(devices, RunOnEach<void>(devices, deadline, [one](Device& device, std::size_t) { return one(device); }),
               required, what);
}

}  // namespace

Error CombineFailures(const std::vector<Error>& failures, const std::string& summary) {
  if (failures.empty()) return Fail(ErrorKind::kVerifyFailed, summary);
  if (failures.size() == 1) return failures.front();
  const Error* telling = &failures.front();
  for (ErrorKind kind : {ErrorKind::kNotFound, ErrorKind::kInvalidArgument, ErrorKind::kUnsupported}) {
    for (const Error& e : failures) {
      if (e.kind == kind) telling = &e;
    }
  }
  Error combined = *telling;
  combined.message = summary + ": ";
  for (std::size_t i = 0; i < failures.size(); ++i) combined.message += (i ? "; " : "") + failures[i].message;
  return combined;
}

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
  const Key own = request.own;
  return OnEach(devices, request.required, "register", deadline, [own, deadline](Device& device) -> Result<void> {
    auto joined = JoinOne(device, own, deadline);
    if (!joined) return joined.error();
    return {};
  });
}

Result<std::size_t> TakeOwnership(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline) {
  return OnEach(devices, request.required, "acquire", deadline,
                [request, deadline](Device& device) { return TakeOne(device, request, deadline); });
}

Result<std::size_t> ReleaseOwnership(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline) {
  const Key own = request.own;
  return OnEach(devices, request.required, "release", deadline, [own, deadline](Device& device) -> Result<void> {
    auto released = ReleaseOne(device, own, deadline);
    if (!released) return released.error();
    return {};
  });
}

Result<std::size_t> LeaveDevices(const DeviceList& devices, const OwnershipRequest& request, Deadline deadline) {
  const Key own = request.own;
  return OnEach(devices, request.required, "release and unregister", deadline,
                [own, deadline](Device& device) { return LeaveOne(device, own, deadline); });
}

std::vector<Result<Standing>> ReadStandings(const DeviceList& devices, Key own, Deadline deadline) {
  return RunOnEach<Standing>(devices, deadline, [own, deadline](Device& device, std::size_t) -> Result<Standing> {
    auto status = device.Report(deadline);
    if (!status) return status.error();
    return StandingOf(*status, own);
  });
}

}  // namespace nvmepr
