// SPDX-License-Identifier: GPL-2.0-or-later
// Everything one action of the resource agent needs, resolved lazily and
// once: the deadline, this node's key, the devices, the state file, and the
// promotion score. Shared by the actions in resource_actions.cc and
// resource_monitor.cc.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ocf_environment.h"
#include "ocf_exit.h"
#include "ownership.h"
#include "resource_environment.h"
#include "resource_options.h"
#include "resource_state.h"

namespace nvmepr {

/// The devices an action can work with, and why the others cannot be used.
struct UsableDevices {
  DeviceList devices;
  std::vector<Error> failures;  ///< one per device left out, naming it
};

class ResourceContext {
 public:
  ResourceContext(const OcfRequest& request, const ResourceOptions& options, ResourceEnvironment& env);

  const OcfRequest& request() const { return request_; }
  const ResourceOptions& options() const { return options_; }
  Deadline deadline() const { return deadline_; }
  const ResourceStateFile& state_file() const { return state_file_; }

  /// What this node remembers about the resource (nullopt: not running here).
  Result<std::optional<ResourceState>> LoadState() const { return state_file_.Load(); }

  /// This node's key: key= (this node's entry of a map), else the key saved
  /// when the resource started here, else derived from Corosync. With
  /// `prefer_saved` the saved key comes first: stop must remove the key that
  /// was registered, whatever key= says now.
  Result<Key> OwnKey(const std::optional<ResourceState>& state, bool prefer_saved = false);

  /// Opens every device (and, with `check_support`, checks it supports the
  /// configured reservation type), all at once in worker threads, within the
  /// action's deadline. Fails when fewer than `required` are usable, with the
  /// most telling error; otherwise the others are warnings. A device listed
  /// twice (by number) fails it when `required` > 0, else is a warning.
  Result<UsableDevices> OpenDevices(bool check_support, std::size_t required);

  /// The ownership request for `own` with the configured type and preempt
  /// mode. `state` gives the key this node registered itself since boot, the
  /// only other key of this host registering may replace.
  OwnershipRequest Ownership(Key own, std::size_t required,
                             const std::optional<ResourceState>& state = std::nullopt) const;

  /// Whether the resource runs as a promotable clone: Pacemaker says so, the
  /// monitor is role-specific, or this node promoted/demoted it before.
  bool Promotable(const std::optional<ResourceState>& state) const;

  /// Refuses clone setups in which two nodes would fight over the devices.
  Result<void> CheckCloneSetup() const;

  /// Sets this node's promotion score for `visible` readable devices, or
  /// deletes it (nullopt). Only when run by Pacemaker (CRM_meta_on_node set);
  /// failures (no crm_attribute, no cluster) are warnings.
  void UpdatePromotionScore(std::optional<std::size_t> visible);

  /// The configured devices that fence_nvme_pr unfenced this node on with
  /// `own` (its saved state under the environment's fence_store_path): their
  /// registration serves fencing too, and stop must leave it in place.
  std::set<std::string> FenceRegisteredDevices(Key own) const;

  /// Saves `role` with the key and devices; an error if the file cannot be written.
  Result<void> SaveState(ResourceRole role, Key own) const;

 private:
  Result<void> CheckNotAnotherNodesKey(Key key);

  const OcfRequest& request_;
  const ResourceOptions& options_;
  ResourceEnvironment& env_;
  Deadline deadline_;
  ResourceStateFile state_file_;
};

/// The outcome of a failed action: logs it and picks the exit code for the error.
OcfOutcome Failed(const std::string& action, const Error& error);

}  // namespace nvmepr
