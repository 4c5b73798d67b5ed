// SPDX-License-Identifier: GPL-2.0-or-later
#include "registration.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "outcome.h"
#include "parallel.h"

namespace nvmepr {
namespace {

std::size_t CopiesOf(const ReservationStatus& status, Key key) {
  return static_cast<std::size_t>(std::count_if(status.registrants.begin(), status.registrants.end(),
                                                [key](const Registrant& r) { return r.key == key; }));
}

bool IsOurs(Key key, const OwnKeys& keys) { return key == keys.own || (keys.previous && key == *keys.previous); }

// Host IDs are compared only in the same width (a 64-bit report against a
// 128-bit Get Features answer tells nothing).
bool OtherHost(const Registrant& r, const std::string& host_id) {
  return !host_id.empty() && r.host_id.size() == host_id.size() && r.host_id != host_id;
}

Error KeyInUse(const Device& device, Key own) {
  return Fail(ErrorKind::kInvalidArgument, device.name() + ": key " + FormatKey(own) +
                                               " is registered by another host: every node needs its own key");
}

std::string Cause(const std::string& host_id) {
  return "another node probably shares this host's NVMe host identity" +
         (host_id.empty() ? std::string() : " (host ID " + host_id + ")") +
         ": nodes cloned from one image with the same /etc/nvme/hostid and /etc/nvme/hostnqn are one host to "
         "the disk";
}

// Rule 1's refusal. `in_the_way` is the key of this host's registration when
// the controller tells this host's ID.
Error ForeignRegistration(const Device& device, const ReservationStatus& status, const std::string& host_id,
                          std::optional<Key> in_the_way, Key own) {
  std::string key_text;
  if (in_the_way) {
    key_text = "key " + FormatKey(*in_the_way);
  } else {
    key_text = "another key (the controller does not say which; registered:";
    // Appended in two steps: `" " + FormatKey(...)` (operator+ of a literal
    // and a temporary) makes GCC 12 at -O3 report a false -Wrestrict.
    for (const auto& r : status.registrants) {
      key_text += ' ';
      key_text += FormatKey(r.key);
    }
    key_text += ")";
  }
  const std::string stale = in_the_way ? FormatKey(*in_the_way) : std::string("KEY");
  return Fail(ErrorKind::kInvalidArgument,
              device.name() + ": this host's registration holds " + key_text + ", not this node's key " +
                  FormatKey(own) +
                  " nor one this node registered since boot; refusing to take it over, nothing "
                  "changed. Likely cause: " +
                  Cause(host_id) +
                  ". Fix: give every node its own identity "
                  "(uuidgen > /etc/nvme/hostid; nvme gen-hostnqn > /etc/nvme/hostnqn; reconnect), or, if " +
                  stale + " is a stale key of this very node, unregister it (nvme resv-register " + device.name() +
                  " --rrega=1 --crkey=" + stale + ")");
}

}  // namespace

std::optional<Key> ThisHostsKey(const ReservationStatus& status, const std::string& host_id) {
  if (host_id.empty()) return std::nullopt;
  for (const auto& r : status.registrants) {
    if (r.host_id == host_id) return r.key;
  }
  return std::nullopt;
}

Result<HostView> ReadHostView(Device& device, Deadline deadline) {
  HostView view;
  auto status = device.Report(deadline);
  if (!status) return status.error();
  view.status = std::move(*status);
  if (auto id = device.HostId(deadline)) {
    view.host_id = std::move(*id);
  } else {
    spdlog::debug("{}: this host's ID is unknown: {}", device.name(), id.error().message);
  }
  view.this_host_key = ThisHostsKey(view.status, view.host_id);
  return view;
}

Result<void> CheckRegistrable(const Device& device, const HostView& view, const OwnKeys& keys) {
  // A key given to two nodes first: that is the mistake to fix when both show.
  for (const auto& r : view.status.registrants) {
    if (r.key == keys.own && OtherHost(r, view.host_id)) return KeyInUse(device, keys.own);
  }
  if (view.this_host_key && !IsOurs(*view.this_host_key, keys)) {
    return ForeignRegistration(device, view.status, view.host_id, view.this_host_key, keys.own);
  }
  return {};
}

Result<void> CheckRegistrableEverywhere(const DeviceList& devices, const OwnKeys& keys, Deadline deadline) {
  auto checks = RunOnEach<void>(devices, deadline, [keys, deadline](Device& device, std::size_t) -> Result<void> {
    auto view = ReadHostView(device, deadline);
    if (!view) return {};  // the action reads it again and reports it
    return CheckRegistrable(device, *view, keys);
  });
  return CombineRefusals(checks, "registration refused");
}

Result<ReservationStatus> RegisterOwnKey(Device& device, const OwnKeys& keys, Deadline deadline) {
  const Key own = keys.own;
  auto before = device.Report(deadline);
  if (!before) return before.error();
  // Always sent, even when the key shows up already: only the device can tell
  // whether it is this host's registration or another host's with our key.
  auto registered = device.Register({RegisterAction::kRegister, 0, own, false}, deadline);
  spdlog::debug("{}: register {}: {}", device.name(), FormatKey(own), registered ? "ok" : registered.error().message);
  if (!registered && registered.error().kind == ErrorKind::kReservationConflict) {
    // This host holds another key. If ours is on the device, it is someone else's.
    if (CopiesOf(*before, own) > 0) return KeyInUse(device, own);
    if (keys.previous && *keys.previous != own) {
      // The device checks CRKEY against this host's registration: only the
      // key this node registered itself can be replaced.
      registered = device.Register({RegisterAction::kReplace, *keys.previous, own, false}, deadline);
      spdlog::debug("{}: replace {} with {}: {}", device.name(), FormatKey(*keys.previous), FormatKey(own),
                    registered ? "ok" : registered.error().message);
      if (registered) {
        spdlog::info("{}: replaced this node's earlier key {} with {}", device.name(), FormatKey(*keys.previous),
                     FormatKey(own));
      }
    }
    if (!registered && registered.error().kind == ErrorKind::kReservationConflict) {
      auto host_id = device.HostId(deadline);
      const std::string id = host_id ? *host_id : std::string();
      return ForeignRegistration(device, *before, id, ThisHostsKey(*before, id), own);
    }
  }
  if (!registered) return registered.error();
  if (!before->IsRegistered(own)) spdlog::info("{}: registered key {}", device.name(), FormatKey(own));
  auto after = device.Report(deadline);
  if (!after) return after.error();
  const std::size_t copies = CopiesOf(*after, own);
  if (copies > 1) {
    auto undone = device.Register({RegisterAction::kUnregister, own, 0, false}, deadline);
    spdlog::debug("{}: unregister duplicate {}: {}", device.name(), FormatKey(own),
                  undone ? "ok" : undone.error().message);
    return KeyInUse(device, own);
  }
  if (copies == 0) {
    return Fail(ErrorKind::kVerifyFailed,
                device.name() + ": key " + FormatKey(own) + " is not registered after registering it");
  }
  return after;
}

std::string ForeignKeyWarning(const Device& device, const std::string& host_id, Key key, Key own) {
  return device.name() + ": this host's registration (host ID " + host_id + ") holds key " + FormatKey(key) +
         ", not this node's key " + FormatKey(own) + ": " + Cause(host_id) +
         "; unfencing this node will be refused until every node has its own identity";
}

}  // namespace nvmepr
