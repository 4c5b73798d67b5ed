// SPDX-License-Identifier: GPL-2.0-or-later
// One step of a random sequence: an agent action on a node, the watchdog
// check, or an administrator's act, with everything needed to run it again
// (so a shrunk sequence reads as words and replays exactly).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "safety_invariants.h"
#include "sim_cluster.h"

namespace nvmepr::property {

struct SimStep {
  enum Kind {
    kFenceOn,       ///< fence_nvme_pr on (form: how the target is named)
    kFenceOff,      ///< fence_nvme_pr off of `target` (slow: one device hangs past the deadline)
    kFenceRead,     ///< fence_nvme_pr `action` (status, list, list-status, monitor, validate-all)
    kPersist,       ///< nvme_persist `action` with configuration `config`
    kCheck,         ///< fence_nvme_pr_check
    kClear,         ///< administrator: nvme resv-release --rrela=1 on namespace `ns`
    kRecreate,      ///< administrator: namespace `ns` deleted and created again
    kHandRegister,  ///< administrator: nvme resv-register of `key` on `actor`'s host, namespace `ns`
    kStaleState,    ///< administrator: `actor`'s fence state file says `key`
    kRepoint,       ///< administrator: /dev/disk<dev> on `actor` now leads to namespace `ns`
  };
  Kind kind = kCheck;
  int actor = 1;
  int target = 1;
  int form = 0;
  std::string action;
  int config = 0;
  bool promotable = false;
  bool slow = false;
  int ns = 0;
  int dev = 0;
  Key key = 0;
};

/// The step in words ("node1: fence_nvme_pr -o on -n 0x...").
std::string Describe(const SimStep& step);
inline std::ostream& operator<<(std::ostream& os, const SimStep& step) { return os << Describe(step); }

/// The simulated cluster and its ghost state, for one sequence.
struct SimSystem {
  SimSystem(int nodes, int disks, bool nvmet) : cluster(nodes, disks, nvmet), ledger(cluster) {}
  SimCluster cluster;
  SafetyLedger ledger;
};

/// Runs the step, checks every invariant and records it; the violations.
std::vector<std::string> Execute(SimSystem& system, const SimStep& step);

}  // namespace nvmepr::property
