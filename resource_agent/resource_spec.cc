#include "resource_spec.h"

#include "version.h"

namespace nvmepr {
namespace {

OcfParam Param(std::string name, ParamType type, std::string default_value, std::string shortdesc,
               std::string longdesc) {
  OcfParam p;
  p.name = std::move(name);
  p.type = type;
  p.default_value = std::move(default_value);
  p.shortdesc = std::move(shortdesc);
  p.longdesc = std::move(longdesc);
  return p;
}

OcfAction Action(std::string name, int timeout_s, int interval_s = 0, std::string role = "") {
  OcfAction a;
  a.name = std::move(name);
  a.timeout_s = timeout_s;
  a.interval_s = interval_s;
  a.role = std::move(role);
  if (a.name == "monitor") a.depth = 0;
  return a;
}

std::vector<OcfParam> Params() {
  OcfParam devices =
      Param("devices", ParamType::kString, "", "Shared NVMe namespaces this resource owns",
            "NVMe namespaces, comma or space separated: /dev/nvmeXnY, /dev/disk/by-id/... links, or Alibaba Cloud "
            "disk IDs d-xxxx. Give names that are the same on every node (/dev/disk/by-id/...), not /dev/nvmeXnY, "
            "whose numbering differs between nodes. Partitions, non-NVMe devices and namespaces without "
            "reservations are refused.");
  devices.required = true;
  devices.unique = true;
  OcfParam type =
      Param("reservation_type", ParamType::kSelect, "write-exclusive", "Reservation the owner holds",
            "write-exclusive: every node may read, only the owner writes. exclusive-access: only the owner reads "
            "or writes. The types where every registrant may write are not offered: registered standbys could "
            "write.");
  type.choices = {"write-exclusive", "exclusive-access"};
  OcfParam backend = Param("device_backend", ParamType::kSelect, "auto", "How commands reach the devices",
                           "passthrough: NVMe commands through the NVMe ioctls; block: the kernel's block "
                           "reservation ioctls (dm-multipath over NVMe; reading needs Linux 6.19+; cannot "
                           "unregister, so stop leaves the key registered without the reservation); auto: "
                           "passthrough where the device accepts it.");
  backend.choices = {"auto", "passthrough", "block"};
  return {
      devices,
      Param("key", ParamType::kString, "", "This node's reservation key (default: derived from Corosync)",
            "This node's key, 64-bit hex (0x optional), or a map node1:key1;node2:key2 from which this node's "
            "entry is taken (by Pacemaker's node name, else the host name). Every node needs its own key; 0 is "
            "refused. Default: derived from Corosync as fence_nvme_pr does: FNV-1a of totem.cluster_name in the "
            "high 32 bits, the node's nodeid in the low 32 bits."),
      type,
      Param("required_devices", ParamType::kString, "all", "How many devices must succeed",
            "Number of devices on which an action must succeed (start, promote, monitor), from 1 to the number "
            "of devices, or all. Devices below the line are logged as warnings."),
      Param("preempt_abort", ParamType::kBoolean, "true", "Take over with preempt-and-abort",
            "Take the reservation from another holder with preempt-and-abort (true), which also aborts the old "
            "holder's queued commands, or with a plain preempt (false). Either way the old holder's key is "
            "removed and its next write fails."),
      backend,
      Param("store_path", ParamType::kString, "/run/nvme_persist", "Directory for the state file and lock",
            "Where this node remembers that the resource runs here, with its key and devices, and keeps the lock "
            "that serializes actions. On /run, so a rebooted node believes nothing runs."),
      Param("promotion_score", ParamType::kInteger, "1000", "Promotion score of a node that sees every device",
            "Promotable clone only: the promotion score (node attribute master-<resource>) of a node that reads "
            "every device. A node that reads fewer gets a proportional share; one that reads fewer than "
            "required_devices gets none and is never promoted."),
  };
}

}  // namespace

const OcfAgentSpec& ResourceAgentSpec() {
  static const OcfAgentSpec spec = [] {
    OcfAgentSpec s;
    s.name = "nvme_persist";
    s.version = kVersion;
    s.shortdesc = "Exclusive write access to shared NVMe namespaces with NVMe reservations";
    s.longdesc =
        "nvme_persist gives the node where it runs exclusive write access to shared NVMe namespaces with an "
        "NVMe persistent reservation. As a primitive, start registers this node's key and acquires the "
        "reservation (write-exclusive by default); if another node holds it, start takes it over with "
        "preempt-and-abort in the same command, so a frozen former owner cannot write any more (its writes "
        "fail with a reservation conflict). monitor reads every device and fails when the reservation was "
        "taken away while the resource ran here; stop releases and unregisters. As a promotable clone, "
        "started instances are registered, the promoted one holds the reservation (promote takes it over "
        "from a stale holder, demote releases it), and promotion scores favour nodes that see every device.";
    s.params = Params();
    s.actions = {
        Action("start", 30),
        Action("stop", 30),
        Action("promote", 30),
        Action("demote", 30),
        Action("monitor", 20, 10),
        Action("monitor", 20, 9, "Promoted"),
        Action("monitor", 20, 11, "Unpromoted"),
        Action("validate-all", 20),
        Action("meta-data", 5),
    };
    return s;
  }();
  return spec;
}

}  // namespace nvmepr
