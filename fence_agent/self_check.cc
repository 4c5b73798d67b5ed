// SPDX-License-Identifier: GPL-2.0-or-later
#include "self_check.h"

#include "fencing.h"
#include "keys.h"
#include "parallel.h"
#include "registration.h"
#include "state_store.h"

namespace nvmepr {

SelfCheckResult CheckSelfRegistration(const std::string& store_path, FenceEnvironment& env, Deadline deadline) {
  auto saved = StateStore(store_path).Load();
  if (!saved) return {SelfCheckOutcome::kUnknown, "cannot read the saved state: " + saved.error().message};
  if (!*saved || (*saved)->devices.empty()) return {SelfCheckOutcome::kNotUnfenced, ""};
  const SavedState& state = **saved;

  // Opened by the workers, all at once; a device that cannot be opened or
  // read means no verdict.
  const DeviceList devices = env.devices.Defer(state.devices, Backend::kAuto);
  auto views = RunOnEach<HostView>(devices, deadline,
                                   [deadline](Device& device, std::size_t) { return ReadHostView(device, deadline); });
  std::vector<std::string> fenced_on, blank_on, other_key_on;
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (!views[i]) return {SelfCheckOutcome::kUnknown, views[i].error().message};
    const HostView& view = *views[i];
    if (view.status.IsRegistered(state.key)) continue;
    if (view.this_host_key) {
      // This host is still registered, with another key: a stale or
      // rewritten state file, not a fence (a fence removes the registration).
      other_key_on.push_back(devices[i]->name() + " (" + FormatKey(*view.this_host_key) + ")");
      continue;
    }
    const bool peers_hold_it = view.status.type != ReservationType::kNone && !view.status.registrants.empty();
    (peers_hold_it ? fenced_on : blank_on).push_back(devices[i]->name());
  }
  auto names = [](const std::vector<std::string>& list) {
    std::string text;
    for (const auto& name : list) text += (text.empty() ? "" : ", ") + name;
    return text;
  };
  const std::string key = FormatKey(state.key);
  if (!fenced_on.empty()) {
    return {SelfCheckOutcome::kFenced,
            "this node's key " + key + " was removed from " + names(fenced_on) +
                " while other nodes stay registered under a reservation: it has been fenced and must reboot"};
  }
  if (!other_key_on.empty()) {
    return {SelfCheckOutcome::kAnomaly,
            "the saved key " + key + " is not registered, but this host's registration holds another key on " +
                names(other_key_on) + ": the state under the store path does not match the devices; no reboot"};
  }
  if (!blank_on.empty()) {
    return {SelfCheckOutcome::kAnomaly,
            "this node's key " + key + " is missing from " + names(blank_on) +
                ", where no reservation or no other registrant remains (cleared, or the disk created anew): "
                "not a fence, so no reboot; unfence this node again (fence_nvme_pr -o on) to protect the disk"};
  }
  return {SelfCheckOutcome::kRegistered, ""};
}

}  // namespace nvmepr
