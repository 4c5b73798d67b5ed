// SPDX-License-Identifier: GPL-2.0-or-later
// The safety promise of fence-nvme-pr, written as predicates over the
// simulated cluster (sim_cluster.h) before and after every step. The property
// test (safety_property_test.cc) runs random sequences of steps and checks
// every invariant after each one; the VM scenarios (tests/fence/safety.sh)
// replay the sequences it found on real kernel reservations.
//
//   I1  A node's registration disappears only when
//       (a) an `off` targeted that node's key,
//       (b) that node itself ran an nvme_persist stop or demote of a resource
//           it started (its own saved state), on a registration that does
//           not also serve fencing (one fence_nvme_pr `on` made),
//       (c) another node's nvme_persist start or promote took over a
//           one-owner reservation the node held for nvme_persist (not for
//           fencing), or
//       (d) the administrator acted on that disk.
//   I2  No agent step leaves a node's registration holding another node's
//       key (its Corosync-derived key or its pcmk_host_map key) that it did
//       not hold before: a later fence of that node would cut both off.
//   I3  `off` exits 0 only if no host that was registered with the victim's
//       key, nor the victim node itself, can write to any device of the
//       `off` (as that node's device names lead now). One limit: with a
//       pcmk_host_map key, a victim node registered under a key that is
//       neither that key nor its Corosync-derived one (an administrator's
//       stray registration) cannot be told from another node's map key;
//       off then warns, naming the unknown keys, and is not held to I3.
//   I4  fence_nvme_pr_check says "fenced" only when (a) on a device it was
//       unfenced on, this node's key is gone while a reservation remains and
//       other registrants hold it, and (b) since this node's last `on`, an
//       `off` targeted it or the administrator acted on that device (or
//       rewrote the node's state file, or moved its device links: the
//       check trusts what `on` saved). A cleared or blank disk is not
//       evidence of being fenced.
//   I5  A node that is not registered on every device of its own `off`
//       (it was fenced, or never unfenced) changes nothing: it cannot fence
//       a survivor.
//   I6  Every action ends within its time limit (power_timeout for
//       fence_nvme_pr, the check's own limit) plus scheduling slack.
//   I7  An action that refuses (nvme_persist's configuration and argument
//       errors 2, 3, 5, 6) or only reads (status, list, monitor,
//       validate-all, the watchdog check) changes nothing on any device.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim_cluster.h"

namespace nvmepr::property {

enum class StepKind {
  kFenceOn,    ///< fence_nvme_pr on
  kFenceOff,   ///< fence_nvme_pr off
  kFenceRead,  ///< status, list, list-status, monitor, validate-all
  kPersist,    ///< an nvme_persist action
  kCheck,      ///< fence_nvme_pr_check
  kAdmin,      ///< the administrator's act on a namespace or a file
};

/// What one step did, as the invariants need it.
struct Step {
  StepKind kind = StepKind::kFenceRead;
  int actor = 0;                   ///< the node it ran on
  std::string action;              ///< the agent's action
  std::string words;               ///< the step in words, for the shrunk sequence
  std::vector<int> namespaces;     ///< where the actor's device list led at the time
  std::optional<Key> victim;       ///< off: the key it was asked to remove, when known
  std::optional<int> victim_node;  ///< off: the node whose key that is, when known
  bool victim_by_map = false;      ///< off: the key came from pcmk_host_map (plug), not Corosync
  int exit = 0;                    ///< exit status (fence) or OCF code (persist)
  SelfCheckOutcome check = SelfCheckOutcome::kUnknown;
  std::chrono::milliseconds took{0};
  std::chrono::milliseconds limit{0};  ///< 0: not timed
  int admin_namespace = -1;            ///< kAdmin: the namespace it touched (-1: none)
  bool persist_state_before = false;   ///< nvme_persist remembered running on the actor
};

/// The ghost state the invariants need beyond the namespaces: which
/// registrations fence_nvme_pr made, and what happened since each `on`.
class SafetyLedger {
 public:
  explicit SafetyLedger(const SimCluster& cluster);

  /// Every invariant for `step`; the violations in words (empty: none).
  std::vector<std::string> Violations(const Step& step, const Snapshot& before, const Snapshot& after,
                                      const SimCluster& cluster) const;
  /// Updates the ghost state after the step.
  void Record(const Step& step, const Snapshot& before, const Snapshot& after);

 private:
  struct NodeGhost {
    std::set<int> fence_registered;  ///< namespaces where `on` registered this node
    bool targeted_since_on = false;  ///< an off targeted this node since its last on
    std::set<int> admin_since_on;    ///< namespaces the administrator touched since then
  };
  std::vector<NodeGhost> nodes_;  ///< index node-1
};

}  // namespace nvmepr::property
