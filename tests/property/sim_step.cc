// SPDX-License-Identifier: GPL-2.0-or-later
#include "sim_step.h"

namespace nvmepr::property {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A hung device and the short deadline that must cut it.
constexpr milliseconds kSlowTimeout{200};
constexpr milliseconds kHang{2000};
constexpr milliseconds kCheckTimeout{200};

std::string N(int node) { return SimCluster::Host(node); }
std::string K(Key key) { return SimCluster::KeyText(key); }

std::string FenceOnLines(const SimStep& s) {
  switch (s.form) {
    case 0:
      return "action=on\nnodename=" + N(s.actor);  // Pacemaker
    case 1:
      return "action=on\nnodename=" + N(s.actor) + "\nplug=" + K(SimCluster::MapKey(s.actor));  // host map
    case 2:
      return "action=on\nplug=" + K(SimCluster::DerivedKey(s.target));  // by hand, a key
    default:
      return "action=on\nplug=" + N(s.target);  // by hand, a name
  }
}

std::string FenceOffLines(const SimStep& s) {
  switch (s.form) {
    case 0:
      return "action=off\nnodename=" + N(s.target);
    case 1:
      return "action=off\nnodename=" + N(s.target) + "\nplug=" + K(SimCluster::MapKey(s.target));
    default:
      return "action=off\nplug=" + K(SimCluster::DerivedKey(s.target));
  }
}

// nvme_persist's configurations: right and wrong ones.
EnvironmentMap PersistParams(const SimSystem& sys, const SimStep& s) {
  EnvironmentMap p;
  const SimCluster& c = sys.cluster;
  switch (s.config) {
    case 0:
      p["OCF_RESKEY_devices"] = SimCluster::DataDevice();
      break;  // its own disk
    case 1:
      p["OCF_RESKEY_devices"] = c.FenceDevices();
      break;  // the fence disks
    case 2:
      p["OCF_RESKEY_devices"] = SimCluster::DataDevice();
      p["OCF_RESKEY_key"] = "0x77";
      break;    // one key for all
    default: {  // a shifted key map
      std::string map;
      for (int n = 1; n <= c.nodes(); ++n) {
        map += (n > 1 ? ";" : "") + N(n) + ":" + K(SimCluster::DerivedKey(n % c.nodes() + 1));
      }
      p["OCF_RESKEY_devices"] = SimCluster::DataDevice();
      p["OCF_RESKEY_key"] = map;
    }
  }
  if (s.promotable) {
    p["OCF_RESKEY_CRM_meta_clone_max"] = std::to_string(c.nodes());
    p["OCF_RESKEY_CRM_meta_promoted_max"] = "1";
  }
  return p;
}

const char* PersistConfigWords(int config) {
  switch (config) {
    case 0:
      return "devices=/dev/data";
    case 1:
      return "devices=<the fence disks>";
    case 2:
      return "devices=/dev/data key=0x77 (one key for every node)";
    default:
      return "devices=/dev/data key=<a map giving each node the next node's key>";
  }
}

}  // namespace

std::string Describe(const SimStep& s) {
  const std::string on = N(s.actor) + ": ";
  switch (s.kind) {
    case SimStep::kFenceOn: {
      std::string lines = FenceOnLines(s);
      for (auto& c : lines) c = c == '\n' ? ' ' : c;
      return on + "fence_nvme_pr " + lines;
    }
    case SimStep::kFenceOff: {
      std::string lines = FenceOffLines(s);
      for (auto& c : lines) c = c == '\n' ? ' ' : c;
      return on + "fence_nvme_pr " + lines +
             (s.slow ? " (namespace " + std::to_string(s.ns) + " hangs past power_timeout)" : "");
    }
    case SimStep::kFenceRead:
      return on + "fence_nvme_pr action=" + s.action + " nodename=" + N(s.target);
    case SimStep::kPersist:
      return on + "nvme_persist " + s.action + " " + PersistConfigWords(s.config) +
             (s.promotable ? " (promotable)" : "");
    case SimStep::kCheck:
      return on + "fence_nvme_pr_check";
    case SimStep::kClear:
      return "admin: nvme resv-release --rrela=1 (clear) on namespace " + std::to_string(s.ns);
    case SimStep::kRecreate:
      return "admin: namespace " + std::to_string(s.ns) + " deleted and created again";
    case SimStep::kHandRegister:
      return on + "admin: nvme resv-register --nrkey=" + K(s.key) + " on namespace " + std::to_string(s.ns);
    case SimStep::kStaleState:
      return on + "admin: fence state file rewritten with key " + K(s.key);
    case SimStep::kRepoint:
      return on + "admin: /dev/disk" + std::to_string(s.dev) + " now leads to namespace " + std::to_string(s.ns);
  }
  return "?";
}

std::vector<std::string> Execute(SimSystem& sys, const SimStep& s) {
  SimCluster& c = sys.cluster;
  Step step;
  step.actor = s.actor;
  step.words = Describe(s);
  step.persist_state_before = c.PersistStateExists(s.actor);
  const Snapshot before = c.Snap();
  const auto start = Clock::now();
  switch (s.kind) {
    case SimStep::kFenceOn:
      step.kind = StepKind::kFenceOn;
      step.action = "on";
      step.namespaces = c.ResolveAll(s.actor, c.FenceDevices());
      step.exit = c.Fence(s.actor, FenceOnLines(s));
      break;
    case SimStep::kFenceOff:
      step.kind = StepKind::kFenceOff;
      step.action = "off";
      step.namespaces = c.ResolveAll(s.actor, c.FenceDevices());
      step.victim = s.form == 1 ? SimCluster::MapKey(s.target) : SimCluster::DerivedKey(s.target);
      step.victim_node = s.target;
      step.victim_by_map = s.form == 1;
      if (s.slow) {
        c.SetHang(s.actor, s.ns, kHang);
        step.limit = kSlowTimeout;
      } else {
        step.limit = milliseconds(20000);
      }
      step.exit = c.Fence(s.actor, FenceOffLines(s), s.slow ? kSlowTimeout : milliseconds{});
      c.SetHang(s.actor, s.ns, milliseconds{0});
      break;
    case SimStep::kFenceRead:
      step.kind = StepKind::kFenceRead;
      step.action = s.action;
      step.namespaces = c.ResolveAll(s.actor, c.FenceDevices());
      step.exit = c.Fence(s.actor, "action=" + s.action + "\nnodename=" + N(s.target));
      break;
    case SimStep::kPersist: {
      step.kind = StepKind::kPersist;
      step.action = s.action;
      const EnvironmentMap params = PersistParams(sys, s);
      step.namespaces = c.ResolveAll(s.actor, params.at("OCF_RESKEY_devices"));
      step.exit = c.Persist(s.actor, s.action, params).code;
      break;
    }
    case SimStep::kCheck:
      step.kind = StepKind::kCheck;
      step.action = "fence_nvme_pr_check";
      step.namespaces = c.ResolveAll(s.actor, c.FenceDevices());
      step.limit = kCheckTimeout;
      step.check = c.Check(s.actor, kCheckTimeout);
      break;
    default:
      step.kind = StepKind::kAdmin;
      step.action = "administrator";
      if (s.kind == SimStep::kClear) {
        c.Clear(s.ns);
        step.admin_namespace = s.ns;
      } else if (s.kind == SimStep::kRecreate) {
        c.Recreate(s.ns);
        step.admin_namespace = s.ns;
      } else if (s.kind == SimStep::kHandRegister) {
        c.HandRegister(s.actor, s.ns, s.key);
        step.admin_namespace = s.ns;
      } else if (s.kind == SimStep::kStaleState) {
        c.StaleFenceState(s.actor, s.key);
      } else if (s.kind == SimStep::kRepoint) {
        c.Repoint(s.actor, s.dev, s.ns);
      }
  }
  step.took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  const Snapshot after = c.Snap();
  auto violations = sys.ledger.Violations(step, before, after, c);
  sys.ledger.Record(step, before, after);
  return violations;
}

}  // namespace nvmepr::property
