// SPDX-License-Identifier: GPL-2.0-or-later
#include "fencing.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "gate.h"
#include "outcome.h"
#include "parallel.h"
#include "registration.h"

namespace nvmepr {
namespace {

// Every device must succeed (the rule of core/reservation_logic/outcome.h with required = all).
Result<void> AllSucceeded(const std::vector<Result<void>>& results, std::string_view what) {
  if (auto combined = CombineOutcomes(results, 0, what); !combined) return combined.error();
  return {};
}

template <typename T>
Result<std::vector<T>> AllValues(std::vector<Result<T>> results, std::string_view what = "read") {
  std::vector<Result<void>> outcomes;
  std::vector<T> values;
  for (auto& r : results) {
    if (r) {
      values.push_back(std::move(*r));
      outcomes.emplace_back();
    } else {
      outcomes.emplace_back(r.error());
    }
  }
  if (auto all = AllSucceeded(outcomes, what); !all) return all.error();
  return values;
}

Error LostOwnKey(const Device& device, Key own) {
  return Fail(ErrorKind::kRefused, device.name() + ": this node's key " + FormatKey(own) +
                                       " is not registered: this node has been fenced (or was never "
                                       "unfenced) and must not fence others");
}

Result<void> CreateReservationIfNone(Device& device, const ReservationStatus& status, Key own,
                                     ReservationType requested, Deadline deadline) {
  if (status.type != ReservationType::kNone) return {};
  auto type = ChooseType(device, requested, deadline);
  if (!type) return type.error();
  auto acquired = device.Acquire({AcquireAction::kAcquire, *type, own, 0}, deadline);
  spdlog::debug("{}: acquire {} with key {}: {}", device.name(), TypeName(*type), FormatKey(own),
                acquired ? "ok" : acquired.error().message);
  // A conflict means another node created a reservation at the same moment;
  // the read-back decides whether the device is protected.
  if (!acquired && acquired.error().kind != ErrorKind::kReservationConflict) return acquired;
  return {};
}

std::size_t CopiesOf(const ReservationStatus& status, Key key) {
  return static_cast<std::size_t>(std::count_if(status.registrants.begin(), status.registrants.end(),
                                                [key](const Registrant& r) { return r.key == key; }));
}

Result<void> UnfenceOne(Device& device, const OwnKeys& keys, ReservationType requested, Deadline deadline) {
  const Key own = keys.own;
  auto status = RegisterOwnKey(device, keys, deadline);
  if (!status) return status.error();
  if (auto created = CreateReservationIfNone(device, *status, own, requested, deadline); !created) {
    return created;
  }
  if (status->type == ReservationType::kNone) {
    status = device.Report(deadline);
    if (!status) return status.error();
  } else if (requested != ReservationType::kNone && status->type != requested) {
    spdlog::warn("{}: keeping the existing {} reservation (reservation_type asks for {})", device.name(),
                 TypeName(status->type), TypeName(requested));
  }
  if (CopiesOf(*status, own) != 1) {
    return Fail(ErrorKind::kVerifyFailed, device.name() + ": key " + FormatKey(own) + " is registered " +
                                              std::to_string(CopiesOf(*status, own)) + " times after registering it");
  }
  if (status->type == ReservationType::kNone) {
    return Fail(ErrorKind::kVerifyFailed, device.name() + ": no reservation after acquiring one");
  }
  spdlog::debug("{}: registered {}, reservation {}", device.name(), FormatKey(own), TypeName(status->type));
  return {};
}

// The Linux NVMe target ignores PRKEY when a type 1-4 holder preempts another
// registrant (the command succeeds, nothing changes). For the registrants-only
// types, turn the reservation into the all-registrants type with the same
// access rules (every registrant writes, others only read) by preempting our
// own key, under which a preempt removes the victim whoever sends it.
// Under types 1 and 2 that detour would let the registered victim write, so
// we fail loudly instead.
Result<void> WorkAroundHolderPreempt(Device& device, ReservationType type, Key own, Key victim, Deadline deadline) {
  const TypeInfo* row = FindType(type);
  const ReservationType widened = row ? row->all_registrants_twin : ReservationType::kNone;
  if (widened == ReservationType::kNone) {
    return Fail(ErrorKind::kVerifyFailed,
                device.name() + ": the device ignored our preempt of key " + FormatKey(victim) +
                    " because this node holds the " + std::string(TypeName(type)) +
                    " reservation (a known Linux nvmet deviation); the victim cannot write but stays "
                    "registered. Use reservation_type=write-exclusive-all-registrants");
  }
  spdlog::warn("{}: device ignored the holder's preempt of {}; changing the reservation from {} to {} "
               "(same access rules) to remove it",
               device.name(), FormatKey(victim), TypeName(type), TypeName(widened));
  if (auto r = device.Acquire({AcquireAction::kPreemptAndAbort, widened, own, own}, deadline); !r) return r;
  return device.Acquire({AcquireAction::kPreemptAndAbort, widened, own, victim}, deadline);
}

Result<void> FenceOne(Device& device, const ReservationStatus& before, Key own, Key victim, ReservationType requested,
                      Deadline deadline) {
  if (before.IsRegistered(victim)) {
    ReservationType type = before.type;
    if (type == ReservationType::kNone) {
      auto chosen = ChooseType(device, requested, deadline);
      if (!chosen) return chosen.error();
      type = *chosen;
    }
    auto preempted = device.Acquire({AcquireAction::kPreemptAndAbort, type, own, victim}, deadline);
    spdlog::debug("{}: preempt-and-abort {} with {} ({}): {}", device.name(), FormatKey(victim), FormatKey(own),
                  TypeName(type), preempted ? "ok" : preempted.error().message);
    if (!preempted && preempted.error().kind != ErrorKind::kReservationConflict) return preempted;
    // A conflict: most likely another node removed our key a moment ago. The
    // read-back below tells which.
  }

  auto after = device.Report(deadline);
  if (!after) return after.error();
  const bool holder_case = !IsAllRegistrants(before.type) && before.Holds(own);
  if (after->IsRegistered(victim) && after->IsRegistered(own) && holder_case) {
    if (auto r = WorkAroundHolderPreempt(device, before.type, own, victim, deadline); !r) return r;
    after = device.Report(deadline);
    if (!after) return after.error();
  }
  if (after->type == ReservationType::kNone && after->IsRegistered(own)) {
    if (auto r = CreateReservationIfNone(device, *after, own, requested, deadline); !r) return r;
    after = device.Report(deadline);
    if (!after) return after.error();
  }

  if (!after->IsRegistered(own)) return LostOwnKey(device, own);
  if (after->IsRegistered(victim)) {
    return Fail(ErrorKind::kVerifyFailed,
                device.name() + ": key " + FormatKey(victim) + " is still registered after preempt-and-abort");
  }
  if (after->type == ReservationType::kNone) {
    return Fail(ErrorKind::kVerifyFailed, device.name() + ": no reservation protects the device");
  }
  spdlog::debug("{}: key {} removed; {} reservation in place", device.name(), FormatKey(victim), TypeName(after->type));
  return {};
}

}  // namespace

Result<ReservationType> ChooseType(Device& device, ReservationType requested, Deadline deadline) {
  auto caps = device.Identify(deadline);
  if (!caps) return caps.error();
  if (!caps->reservations) {
    return Fail(ErrorKind::kUnsupported, device.name() + ": the namespace does not support reservations");
  }
  if (requested != ReservationType::kNone) {
    if (caps->Supports(requested)) return requested;
    return Fail(ErrorKind::kUnsupported,
                device.name() + ": reservation type " + std::string(TypeName(requested)) + " not supported");
  }
  // reservation_type=auto: the types with an auto_rank, in rank order.
  std::vector<const TypeInfo*> ranked;
  for (const auto& row : kTypes) {
    if (row.auto_rank > 0) ranked.push_back(&row);
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const TypeInfo* a, const TypeInfo* b) { return a->auto_rank < b->auto_rank; });
  std::string tried;
  for (const TypeInfo* row : ranked) {
    if (caps->Supports(row->type)) return row->type;
    tried += (tried.empty() ? "" : " nor ") + std::string(row->name);
  }
  return Fail(ErrorKind::kUnsupported, device.name() + ": supports neither " + tried);
}

namespace {

// A write-exclusive or exclusive-access reservation (types 1 and 2) gives
// one holder the disk, as nvme_persist does: joining it would make this
// node's fencing registration the holder's to take (a takeover preempts the
// holder's key, and with it the node's fencing). Kept only where
// reservation_type asks for exactly that type.
Result<void> CheckNoOneOwnerReservation(const DeviceList& devices, ReservationType requested, Deadline deadline) {
  auto checks = RunOnEach<void>(devices, deadline, [requested, deadline](Device& device, std::size_t) -> Result<void> {
    auto status = device.Report(deadline);
    if (!status) return {};  // the action reads it again and reports it
    const ReservationType type = status->type;
    if (!IsOneOwner(type) || type == requested) return {};
    return Fail(ErrorKind::kInvalidArgument,
                device.name() + ": holds a " + std::string(TypeName(type)) +
                    " reservation (one owner, e.g. nvme_persist's): fencing needs a reservation every registered "
                    "node may write under; do not use fence_nvme_pr and nvme_persist on the same devices "
                    "(or set reservation_type=" +
                    std::string(TypeName(type)) + " if this is intended)");
  });
  return CombineRefusals(checks, "unfence refused");
}

}  // namespace

Result<void> Unfence(const DeviceList& devices, Key own, ReservationType type, Deadline deadline,
                     std::optional<Key> previous) {
  if (devices.empty()) return Fail(ErrorKind::kInvalidArgument, "no devices given");
  const OwnKeys keys{own, previous};
  // First every device is read: a registration that is not ours, or our key
  // under another host, refuses the whole action before anything changed;
  // so does a one-owner reservation fence_nvme_pr was not asked to keep.
  if (auto checked = CheckNoOneOwnerReservation(devices, type, deadline); !checked) return checked;
  if (auto checked = CheckRegistrableEverywhere(devices, keys, deadline); !checked) return checked;
  return AllSucceeded(RunOnEach<void>(devices, deadline,
                                      [keys, type, deadline](Device& device, std::size_t) {
                                        return UnfenceOne(device, keys, type, deadline);
                                      }),
                      "unfence");
}

namespace {

// One fence, shared by its device workers: one thread per device, started
// once for the whole fence (a thread start costs about as much as an NVMe
// command under emulation), that may outlive Fence() on a timeout. The
// workers read the devices; once every device has answered and shows this
// node's key, worker 0 fences device 0, and the others fence theirs once
// device 0 is done. When two nodes fence each other at once, exactly one
// wins device 0 and the loser stops there. Waits are Gates, so that opening
// one sets all waiting workers going at once.
struct FenceRun {
  FenceRun(const DeviceList& devices, Key own, Key victim, ReservationType type, Deadline deadline)
      : devices(devices),
        own(own),
        victim(victim),
        type(type),
        deadline(deadline),
        before(devices.size()),
        after(devices.size()) {}

  static constexpr int kGo = 1, kStop = 2;

  const DeviceList devices;
  const Key own, victim;
  const ReservationType type;
  const Deadline deadline;

  Gate all_read;     // kGo: every device answered and shows our key (device 0's worker waits)
  Gate first_done;   // kGo: device 0 fenced; kStop: failed or refused (the other workers wait)
  std::mutex mutex;  // guards what follows
  std::vector<std::optional<Result<ReservationStatus>>> before;  // each device's first report
  std::size_t reports_in = 0;
  std::vector<std::optional<Result<void>>> after;  // each device's fence, read back
  std::atomic<std::size_t> next_read{0};           // the next device to read
};

bool EveryDeviceShowsKey(const FenceRun& run) {
  return std::all_of(run.before.begin(), run.before.end(),
                     [&](const auto& report) { return report && *report && (*report)->IsRegistered(run.own); });
}

// Reads the devices nobody has read yet, one after the other. Threads come
// up one by one (about 0.7 ms each under emulation); letting the first ones
// read every device ends the read step long before the last one starts.
void ReadUnreadDevices(FenceRun& run) {
  for (;;) {
    const std::size_t d = run.next_read.fetch_add(1);
    if (d >= run.devices.size()) return;
    auto report = run.devices[d]->Report(run.deadline);
    std::optional<bool> all_good;  // set by whoever reads the last device
    {
      std::lock_guard lock(run.mutex);
      run.before[d].emplace(std::move(report));
      if (++run.reports_in == run.devices.size()) all_good = EveryDeviceShowsKey(run);
    }
    if (all_good) {
      run.all_read.Open(*all_good ? FenceRun::kGo : FenceRun::kStop);
      if (!*all_good) run.first_done.Open(FenceRun::kStop);
    }
  }
}

// Worker i fences device i (after helping to read all devices).
void FenceWorker(FenceRun& run, std::size_t i, int start_error) {
  Device& device = *run.devices[i];
  if (start_error) {
    std::lock_guard lock(run.mutex);
    run.after[i].emplace(NoThread(device, start_error));
    if (i == 0) run.first_done.Open(FenceRun::kStop);
    return;
  }
  ReadUnreadDevices(run);

  if (i == 0) {
    if (run.all_read.Wait(run.deadline) != FenceRun::kGo) return;
    auto fenced = FenceOne(device, **run.before[0], run.own, run.victim, run.type, run.deadline);
    const bool ok = fenced.has_value();
    {
      std::lock_guard lock(run.mutex);
      run.after[0].emplace(std::move(fenced));
    }
    run.first_done.Open(ok ? FenceRun::kGo : FenceRun::kStop);
    return;
  }
  if (run.first_done.Wait(run.deadline) != FenceRun::kGo) return;
  // before[] is complete (device 0 went ahead) and no longer changes.
  auto fenced = FenceOne(device, **run.before[i], run.own, run.victim, run.type, run.deadline);
  std::lock_guard lock(run.mutex);
  run.after[i].emplace(std::move(fenced));
}

void Sight(FenceRun& run, FenceSighting& seen) {
  std::lock_guard lock(run.mutex);
  seen.victim_everywhere = std::all_of(run.before.begin(), run.before.end(), [&run](const auto& report) {
    return report && *report && (*report)->IsRegistered(run.victim);
  });
  for (const auto& report : run.before) {
    if (!report || !*report) continue;
    for (const auto& registrant : (*report)->registrants) {
      if (registrant.key == run.victim) {
        seen.victim_registered = true;
      } else if (registrant.key != run.own &&
                 std::find(seen.others.begin(), seen.others.end(), registrant.key) == seen.others.end()) {
        seen.others.push_back(registrant.key);
      }
    }
  }
}

// What a finished (or timed-out) run means, in the order an operator needs:
// a device that could not be read, then our own key missing (nothing was
// changed in either case), then device 0, then every device's read-back.
Result<void> Outcome(FenceRun& run) {
  std::lock_guard lock(run.mutex);
  const std::size_t n = run.devices.size();
  std::vector<Result<void>> reads;
  for (std::size_t i = 0; i < n; ++i) {
    if (!run.before[i]) {
      reads.emplace_back(NoAnswer(*run.devices[i], run.deadline));
    } else if (!*run.before[i]) {
      reads.emplace_back(run.before[i]->error());
    } else {
      reads.emplace_back();
    }
  }
  if (auto all = AllSucceeded(reads, "read"); !all) return all;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(*run.before[i])->IsRegistered(run.own)) return LostOwnKey(*run.devices[i], run.own);
  }
  if (!run.after[0]) return NoAnswer(*run.devices[0], run.deadline);
  if (!*run.after[0]) return *run.after[0];  // the other devices were left alone
  std::vector<Result<void>> fenced;
  for (std::size_t i = 0; i < n; ++i) {
    fenced.push_back(run.after[i] ? *run.after[i] : Result<void>(NoAnswer(*run.devices[i], run.deadline)));
  }
  return AllSucceeded(fenced, "fence");
}

}  // namespace

Result<void> Fence(const DeviceList& devices, Key own, Key victim, ReservationType type, Deadline deadline,
                   FenceSighting* seen) {
  if (devices.empty()) return Fail(ErrorKind::kInvalidArgument, "no devices given");
  if (victim == own) {
    return Fail(ErrorKind::kInvalidArgument, "refusing to fence key " + FormatKey(own) + ": it is this node's own key");
  }
  auto run = std::make_shared<FenceRun>(devices, own, victim, type, deadline);
  RunWorkers(devices.size(), deadline, [run](std::size_t i, int start_error) { FenceWorker(*run, i, start_error); });
  if (seen) Sight(*run, *seen);
  return Outcome(*run);
}

Result<std::vector<ReservationStatus>> ReadAll(const DeviceList& devices, Deadline deadline) {
  return AllValues(RunOnEach<ReservationStatus>(
      devices, deadline, [deadline](Device& device, std::size_t) { return device.Report(deadline); }));
}

Result<KeyPresence> FindKey(const DeviceList& devices, Key key, Deadline deadline) {
  auto reports = ReadAll(devices, deadline);
  if (!reports) return reports.error();
  KeyPresence presence;
  presence.devices = devices.size();
  for (const auto& report : *reports) presence.registered_on += report.IsRegistered(key) ? 1 : 0;
  return presence;
}

Result<std::vector<HostRegistration>> CheckSupport(const DeviceList& devices, ReservationType type, Deadline deadline) {
  return AllValues(
      RunOnEach<HostRegistration>(devices, deadline,
                                  [type, deadline](Device& device, std::size_t) -> Result<HostRegistration> {
                                    auto chosen = ChooseType(device, type, deadline);
                                    if (!chosen) return chosen.error();
                                    auto view = ReadHostView(device, deadline);
                                    if (!view) return view.error();
                                    return HostRegistration{view->host_id, view->this_host_key};
                                  }),
      "check");
}

}  // namespace nvmepr
