// SPDX-License-Identifier: GPL-2.0-or-later
#include "safety_invariants.h"

#include <algorithm>

namespace nvmepr::property {
namespace {

int NodeOf(const std::string& host) { return host.rfind("node", 0) == 0 ? std::atoi(host.c_str() + 4) : 0; }

// A key that belongs to another node than `node`: its derived or map key.
std::optional<int> OwnerOfOtherNodesKey(Key key, int node, int nodes) {
  for (int m = 1; m <= nodes; ++m) {
    if (m != node && (key == SimCluster::DerivedKey(m) || key == SimCluster::MapKey(m))) return m;
  }
  return std::nullopt;
}

std::string NsName(const SimCluster& cluster, int ns) {
  return ns == cluster.data_namespace() ? std::string("the data disk") : "disk" + std::to_string(ns);
}

bool ReadOnly(const Step& step) {
  if (step.kind == StepKind::kFenceRead || step.kind == StepKind::kCheck) return true;
  if (step.kind != StepKind::kPersist) return false;
  if (step.action == "monitor" || step.action == "validate-all") return true;
  // The refusals (I7): argument and configuration errors, not unimplemented here, missing here.
  return step.exit == 2 || step.exit == 3 || step.exit == 5 || step.exit == 6;
}

}  // namespace

SafetyLedger::SafetyLedger(const SimCluster& cluster) : nodes_(cluster.nodes()) {}

std::vector<std::string> SafetyLedger::Violations(const Step& step, const Snapshot& before, const Snapshot& after,
                                                  const SimCluster& cluster) const {
  std::vector<std::string> found;
  const bool agent = step.kind != StepKind::kAdmin;

  for (int ns = 0; ns < static_cast<int>(before.size()); ++ns) {
    // I1: registrations disappear only for the reasons listed.
    for (const auto& [host, key] : before[ns].registrations) {
      auto now = after[ns].registrations.find(host);
      if (now != after[ns].registrations.end()) {
        if (now->second != key && NodeOf(host) != step.actor) {
          found.push_back("I1: " + host + "'s key on " + NsName(cluster, ns) + " changed from " +
                          SimCluster::KeyText(key) + " to " + SimCluster::KeyText(now->second) + " by node" +
                          std::to_string(step.actor));
        }
        continue;
      }
      const int owner = NodeOf(host);
      const bool fence_registration =
          owner >= 1 && owner <= cluster.nodes() && nodes_[owner - 1].fence_registered.count(ns) > 0;
      bool allowed = false;
      if (step.kind == StepKind::kAdmin && step.admin_namespace == ns) allowed = true;
      if (step.kind == StepKind::kFenceOff && step.victim && *step.victim == key) allowed = true;
      if (step.kind == StepKind::kPersist && step.actor == owner && step.persist_state_before &&
          (step.action == "stop" || step.action == "demote") && !fence_registration) {
        allowed = true;
      }
      if (step.kind == StepKind::kPersist && step.actor != owner &&
          (step.action == "start" || step.action == "promote") && before[ns].holder == host &&
          !RegistrantsMayWrite(before[ns].type) && !fence_registration) {
        allowed = true;
      }
      if (!allowed) {
        found.push_back("I1: " + host + "'s registration (key " + SimCluster::KeyText(key) +
                        (fence_registration ? ", made by fence_nvme_pr on" : "") + ") on " + NsName(cluster, ns) +
                        " was removed by node" + std::to_string(step.actor) + "'s " + step.action);
      }
    }
    // I2: no agent step gives a node's registration another node's key.
    if (agent) {
      for (const auto& [host, key] : after[ns].registrations) {
        auto was = before[ns].registrations.find(host);
        if (was != before[ns].registrations.end() && was->second == key) continue;
        if (auto other = OwnerOfOtherNodesKey(key, NodeOf(host), cluster.nodes())) {
          found.push_back("I2: " + host + "'s registration on " + NsName(cluster, ns) + " now holds node" +
                          std::to_string(*other) + "'s key " + SimCluster::KeyText(key));
        }
      }
    }
  }

  // I3: a successful off leaves the victim unable to write.
  if (step.kind == StepKind::kFenceOff && step.exit == 0) {
    for (int ns : step.namespaces) {
      std::vector<std::string> victims;
      for (const auto& [host, key] : before[ns].registrations) {
        if (step.victim && key == *step.victim) victims.push_back(host);
      }
      if (step.victim_node) {
        const std::string host = SimCluster::Host(*step.victim_node);
        auto it = before[ns].registrations.find(host);
        const bool attributable = !step.victim_by_map || it == before[ns].registrations.end() ||
                                  it->second == SimCluster::DerivedKey(*step.victim_node);
        if (attributable) victims.push_back(host);
      }
      for (const auto& host : victims) {
        if (NodeOf(host) != step.actor && CanWrite(after[ns], host)) {
          found.push_back("I3: off exited 0 but " + host + " can still write to " + NsName(cluster, ns));
        }
      }
    }
  }

  // I4: the watchdog check says fenced only on evidence of a fence.
  if (step.kind == StepKind::kCheck && step.check == SelfCheckOutcome::kFenced) {
    const std::string me = SimCluster::Host(step.actor);
    const NodeGhost& ghost = nodes_[step.actor - 1];
    bool evidence = false;
    for (int ns : step.namespaces) {
      const NamespaceSnapshot& s = after[ns];
      const bool gone = s.registrations.count(me) == 0;
      const bool others =
          std::any_of(s.registrations.begin(), s.registrations.end(), [&](const auto& r) { return r.first != me; });
      if (gone && s.type != ReservationType::kNone && others &&
          (ghost.targeted_since_on || ghost.admin_since_on.count(ns) > 0)) {
        evidence = true;
      }
    }
    if (!evidence) {
      found.push_back("I4: " + me + "'s watchdog check says it was fenced (it would reboot) but no device shows " +
                      "its key removed by another registrant after an off or an administrator's act");
    }
  }

  // I5: a node not registered everywhere changes nothing with off.
  if (step.kind == StepKind::kFenceOff) {
    const std::string me = SimCluster::Host(step.actor);
    const bool everywhere = std::all_of(step.namespaces.begin(), step.namespaces.end(),
                                        [&](int ns) { return before[ns].registrations.count(me) > 0; });
    if (!everywhere && before != after) {
      found.push_back("I5: node" + std::to_string(step.actor) +
                      " is not registered on every device of its off, yet the off changed the reservations");
    }
  }

  // I6: every action ends within its limit.
  if (step.limit.count() > 0 && step.took > step.limit + std::chrono::milliseconds(1000)) {
    found.push_back("I6: " + step.action + " took " + std::to_string(step.took.count()) + " ms, limit " +
                    std::to_string(step.limit.count()) + " ms");
  }

  // I7: refusals and reads change nothing.
  if (ReadOnly(step) && before != after) {
    found.push_back("I7: " + step.action + " (exit " + std::to_string(step.exit) +
                    ") should change nothing, but the reservations changed");
  }
  return found;
}

void SafetyLedger::Record(const Step& step, const Snapshot& before, const Snapshot& after) {
  for (int n = 1; n <= static_cast<int>(nodes_.size()); ++n) {
    NodeGhost& ghost = nodes_[n - 1];
    const std::string host = SimCluster::Host(n);
    if (step.kind == StepKind::kFenceOn && step.actor == n) {
      // A failed `on` saves no state: no watchdog check guards what it left.
      if (step.exit == 0) {
        ghost.targeted_since_on = false;
        ghost.admin_since_on.clear();
        for (int ns : step.namespaces) {
          if (after[ns].registrations.count(host)) ghost.fence_registered.insert(ns);
        }
      }
    }
    if (step.kind == StepKind::kFenceOff) {
      bool targeted = step.victim_node == n;
      for (const auto& s : before) {
        auto it = s.registrations.find(host);
        if (step.victim && it != s.registrations.end() && it->second == *step.victim) targeted = true;
      }
      if (targeted) ghost.targeted_since_on = true;
    }
    if (step.kind == StepKind::kAdmin && step.admin_namespace >= 0) ghost.admin_since_on.insert(step.admin_namespace);
    // A state file rewritten or a device link moved under the node: the
    // check trusts what `on` saved; whoever changes it takes the verdict over.
    if (step.kind == StepKind::kAdmin && step.admin_namespace < 0 && step.actor == n) {
      for (int ns = 0; ns < static_cast<int>(after.size()); ++ns) ghost.admin_since_on.insert(ns);
    }
    for (auto it = ghost.fence_registered.begin(); it != ghost.fence_registered.end();) {
      it = after[*it].registrations.count(host) ? std::next(it) : ghost.fence_registered.erase(it);
    }
  }
}

}  // namespace nvmepr::property
