// SPDX-License-Identifier: GPL-2.0-or-later
// A simulated cluster for the safety property test: N nodes share D fence
// disks and one data disk (in-memory NVMe namespaces, core/device/model_device.h);
// each node has its own state directories and its own view of the device
// names, and runs the real agents' actions in-process (fence_nvme_pr's
// RunFenceAction, nvme_persist's RunResourceAction, the watchdog check's
// CheckSelfRegistration), as Pacemaker, an administrator or watchdog(8) would.
// The administrator's own acts (nvme-cli, a re-created disk, a moved device
// link, a stale state file) change the namespaces or files directly.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model_device.h"
#include "ocf_environment.h"
#include "ocf_exit.h"
#include "reservation.h"
#include "self_check.h"

namespace nvmepr::property {

/// One namespace as the invariants see it.
struct NamespaceSnapshot {
  ReservationType type = ReservationType::kNone;
  std::map<std::string, Key> registrations;  ///< host -> key
  std::string holder;                        ///< the holder of a one-owner (1-4) reservation
  bool operator==(const NamespaceSnapshot&) const = default;
};
using Snapshot = std::vector<NamespaceSnapshot>;  ///< by namespace index

/// Whether `host` could write to the namespace (what its next write gets).
bool CanWrite(const NamespaceSnapshot& ns, const std::string& host);

class SimCluster {
 public:
  /// `nodes` nodes "node1".."nodeN" in Corosync cluster "sim" (nodeid = N),
  /// `disks` fence disks /dev/disk0.. and the data disk /dev/data.
  /// `nvmet`: the namespaces behave as Linux nvmet does (its deviations).
  SimCluster(int nodes, int disks, bool nvmet);
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  int nodes() const { return nodes_; }
  int disks() const { return disks_; }
  int data_namespace() const { return disks_; }
  int namespaces() const { return disks_ + 1; }

  static std::string Host(int node) { return "node" + std::to_string(node); }
  /// The key Corosync derives for a node, and the one pcmk_host_map gives it.
  static Key DerivedKey(int node);
  static Key MapKey(int node) { return 0x100 + static_cast<Key>(node); }
  /// "0x..." as an administrator writes it.
  static std::string KeyText(Key key);
  /// fence_nvme_pr's devices= (every fence disk), nvme_persist's data disk.
  std::string FenceDevices() const;
  static std::string DataDevice() { return "/dev/data"; }

  /// The namespace a device name leads to on `node` now, or -1.
  int Resolve(int node, const std::string& name) const;
  /// The namespaces a comma-separated device list leads to on `node`.
  std::vector<int> ResolveAll(int node, const std::string& names) const;

  Snapshot Snap() const;

  /// Runs fence_nvme_pr on `node` with these stdin lines (after devices= and
  /// store_path=); `timeout` overrides power_timeout when nonzero.
  int Fence(int node, const std::string& stdin_lines, std::chrono::milliseconds timeout = {});
  /// Runs nvme_persist's `action` on `node` as Pacemaker would; `params`
  /// are OCF_RESKEY_ values (devices, key...), instance "db".
  OcfOutcome Persist(int node, const std::string& action, const EnvironmentMap& params);
  /// Runs the watchdog check on `node` (its deadline: `timeout`).
  SelfCheckOutcome Check(int node, std::chrono::milliseconds timeout);

  // The administrator's acts.
  /// nvme resv-release --rrela=1 by a registered host: every key goes.
  void Clear(int ns);
  /// The disk deleted and created again: a blank namespace.
  void Recreate(int ns);
  /// nvme resv-register by hand on `node`'s host.
  void HandRegister(int node, int ns, Key key);
  /// fence_nvme_pr's state file on `node` rewritten with `key`.
  void StaleFenceState(int node, Key key);
  /// /dev/disk<dev> on `node` now leads to namespace `ns` (a moved link).
  void Repoint(int node, int dev, int ns);
  /// Every command `node` sends to namespace `ns` first blocks this long (0: none).
  void SetHang(int node, int ns, std::chrono::milliseconds hang);

  std::string FenceStore(int node) const { return dir_ + "/fence" + std::to_string(node); }
  std::string PersistStore(int node) const { return dir_ + "/persist" + std::to_string(node); }
  /// Whether nvme_persist remembers running on `node` (its state file exists).
  bool PersistStateExists(int node) const;

 private:
  Result<DevicePtr> Open(int node, const std::string& name);

  int nodes_;
  int disks_;
  TargetDeviations deviations_;
  std::string dir_;
  std::vector<std::shared_ptr<ModelNamespace>> namespaces_;
  std::vector<std::vector<int>> device_map_;  ///< node-1 -> /dev/disk<i> -> namespace
  std::map<std::pair<int, int>, std::chrono::milliseconds> hangs_;
};

}  // namespace nvmepr::property
