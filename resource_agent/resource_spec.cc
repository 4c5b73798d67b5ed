// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_spec.h"

#include "device_open.h"
#include "reservation.h"
#include "version.h"

namespace nvmepr {
namespace {

ParamSpec OcfParam(std::string name, ParamType type, std::string default_value, std::string shortdesc,
                   std::string longdesc) {
  return Param(std::move(name), 0, type, std::move(default_value), "", std::move(shortdesc))
      .Longdesc(std::move(longdesc));
}

std::vector<ParamSpec> Params() {
  ParamSpec devices =
      OcfParam("devices", ParamType::kString, "", "Shared NVMe namespaces this resource owns",
               "NVMe namespaces, comma or space separated: /dev/nvmeXnY, /dev/disk/by-id/... links, or Alibaba Cloud "
               "disk IDs d-xxxx. Give names that are the same on every node (/dev/disk/by-id/...), not /dev/nvmeXnY, "
               "whose numbering differs between nodes. Partitions, non-NVMe devices and namespaces without "
               "reservations are refused.");
  devices.Required().Unique();
  ParamSpec type =
      OcfParam("reservation_type", ParamType::kSelect, "write-exclusive", "Reservation the owner holds",
               "write-exclusive: every node may read, only the owner writes. exclusive-access: only the owner reads "
               "or writes. The types where every registrant may write are not offered: registered standbys could "
               "write.");
  // The owner's reservation types: one writer. The types where every
  // registrant may write are left out (registered standbys could write).
  for (const TypeInfo& row : kTypes) {
    if (!row.one_owner) continue;
    type.choices.emplace_back(row.name);
    for (auto& spelling : TypeSpellings(row.type)) type.spellings.push_back(std::move(spelling));
  }
  ParamSpec backend = OcfParam("device_backend", ParamType::kSelect, "auto", "How commands reach the devices",
                               "passthrough: NVMe commands through the NVMe ioctls; block: the kernel's block "
                               "reservation ioctls (dm-multipath over NVMe; reading needs Linux 6.19+; cannot "
                               "unregister, so stop leaves the key registered without the reservation); auto: "
                               "passthrough where the device accepts it.");
  backend.Choices(BackendNames());
  return {
      devices,
      OcfParam("key", ParamType::kString, "", "This node's reservation key (default: derived from Corosync)",
               "This node's key, 64-bit hex (0x optional), or a map node1:key1;node2:key2 from which this node's "
               "entry is taken (by Pacemaker's node name, else the host name). Every node needs its own key; 0 is "
               "refused. Default: derived from Corosync as fence_nvme_pr does: FNV-1a of totem.cluster_name in the "
               "high 32 bits, the node's nodeid in the low 32 bits."),
      type,
      OcfParam("required_devices", ParamType::kString, "all", "How many devices must succeed",
               "Number of devices on which an action must succeed (start, promote, monitor), from 1 to the number "
               "of devices, or all. Devices below the line are logged as warnings."),
      OcfParam("preempt_abort", ParamType::kBoolean, "true", "Take over with preempt-and-abort",
               "Take the reservation from another holder with preempt-and-abort (true), which also aborts the old "
               "holder's queued commands, or with a plain preempt (false). Either way the old holder's key is "
               "removed and its next write fails."),
      backend,
      OcfParam("store_path", ParamType::kString, "/run/nvme_persist", "Directory for the state file and lock",
               "Where this node remembers that the resource runs here, with its key and devices, and keeps the "
               "lock that serializes actions. On /run, so a rebooted node believes nothing runs.")
          .AbsolutePath(),
      OcfParam("promotion_score", ParamType::kInteger, "1000", "Promotion score of a node that sees every device",
               "Promotable clone only: the promotion score (node attribute master-<resource>) of a node that reads "
               "every device. A node that reads fewer gets a proportional share; one that reads fewer than "
               "required_devices gets none and is never promoted.")
          .Range(1, 1000000),
  };
}

}  // namespace

const AgentSpec& ResourceAgentSpec() {
  static const AgentSpec spec = [] {
    AgentSpec s;
    s.name = "nvme_persist";
    s.version = kVersion;
    s.shortdesc = "Exclusive write access to shared NVMe namespaces with NVMe reservations";
    s.longdesc = "nvme_persist gives the node where it runs exclusive write access to shared NVMe namespaces with an "
                 "NVMe persistent reservation. As a primitive, start registers this node's key and acquires the "
                 "reservation (write-exclusive by default); if another node holds it, start takes it over with "
                 "preempt-and-abort in the same command, so a frozen former owner cannot write any more (its writes "
                 "fail with a reservation conflict). monitor reads every device and fails when the reservation was "
                 "taken away while the resource ran here; stop releases and unregisters. As a promotable clone, "
                 "started instances are registered, the promoted one holds the reservation (promote takes it over "
                 "from a stale holder, demote releases it), and promotion scores favour nodes that see every device.";
    s.params = Params();
    s.actions = {
        Action("start", "Primitive: register and take the reservation (preempting a stale holder). Promotable "
                        "clone: register, unpromoted.")
            .Timeout(30),
        Action("stop", "Release the reservation and unregister; idempotent.").Timeout(30),
        Action("promote", "Take the reservation, preempting a stale holder.").Timeout(30),
        Action("demote", "Release the reservation, stay registered.").Timeout(30),
        Action("monitor", "Read every device: running, promoted, degraded, stopped or lost.").Timeout(20, 10).Depth(0),
        Action("monitor", "").Timeout(20, 9, "Promoted").Depth(0),
        Action("monitor", "").Timeout(20, 11, "Unpromoted").Depth(0),
        // Each instance reads the devices itself; a notification carries nothing it needs.
        Action("notify", "Nothing to do: each instance reads the devices itself.").Timeout(5),
        Action("validate-all", "Check the parameters (OCF_CHECK_LEVEL 10: also the key and devices).").Timeout(20),
        Action("meta-data", "Print the metadata XML.").Timeout(5),
    };
    return s;
  }();
  return spec;
}

}  // namespace nvmepr
