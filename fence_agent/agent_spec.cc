// SPDX-License-Identifier: GPL-2.0-or-later
#include "agent_spec.h"

#include "device_open.h"
#include "reservation.h"
#include "version.h"

namespace nvmepr {

const char* const kFenceExitStatusText =
    "0: success (for off: the target's key is gone from every device and a reservation protects each; "
    "for status: the target is registered). 1: failure, timeout, refusal or invalid input. "
    "2: status found the target unregistered on every device (off).";

const AgentSpec& FenceAgentSpec() {
  static const AgentSpec spec = [] {
    AgentSpec s;
    s.name = "fence_nvme_pr";
    s.version = kVersion;
    s.shortdesc = "Fence agent for NVMe persistent reservations";
    s.longdesc =
        "fence_nvme_pr cuts a node off shared NVMe namespaces by removing its reservation key with "
        "preempt-and-abort; afterwards every write the node tries fails with a reservation conflict. "
        "Each node registers its own key when it joins (unfencing, action on). A node whose own key is "
        "not registered refuses to fence others. Keys come from pcmk_host_map (node:key) or are "
        "derived from Corosync: FNV-1a of the cluster name in the high 32 bits, the nodeid in the low 32. "
        "Without Corosync (Kubernetes), key_map names every node's key; with it, plug and nodename name a node "
        "of the map (or give one of its keys) and this node's own key must be one of its keys. "
        "reboot (the default action of callers such as Kubernetes Fence Agents Remediation) is carried out as "
        "off, with a log line saying so: fabric fencing cannot power-cycle a node, which stays cut off until "
        "it registers again with on.";
    s.vendor_url = "https://nvmexpress.org";
    // The reservation types as core/device/reservation.cc spells them; auto first.
    std::vector<std::string> types = {"auto"};
    std::vector<std::string> type_spellings;
    for (ReservationType type : kAllTypes) {
      types.emplace_back(TypeName(type));
      for (auto& spelling : TypeSpellings(type)) type_spellings.push_back(std::move(spelling));
    }
    s.actions = {
        Action("on", "Unfence: register this node's key on every device, create the reservation if none "
                     "exists, read back.")
            .OnTarget()
            .Aliases({"enable"}),
        Action("off", "Fence the target: preempt-and-abort its key on every device, read back.").Aliases({"disable"}),
        Action("reboot", "Same as off (fabric fencing cannot reboot).").Hidden(),
        Action("status", "0 if the target's key is registered on some device, 2 if on none."),
        Action("list", "The nodes this device can fence, key,node per line: every Corosync node (registered or "
                       "not), then every other registered key."),
        Action("list-status", "As list, with 'on' (registered on some device) or 'off'.").Aliases({"list_status"}),
        Action("monitor", "Check that every device answers and supports reservations."),
        Action("metadata", "Print the metadata XML.").Aliases({"meta-data"}),
        Action("manpage", "Print the man page.").Hidden(),
        Action("validate-all", "Check every parameter and device.").Aliases({"validate_all"}),
    };
    s.params = {
        Param("action", 'o', ParamType::kString, "", "[action]", "Fencing action (" + AdvertisedActionNames(s) + ")")
            .Required(),
        Param("plug", 'n', ParamType::kString, "", "[id]",
              "Target: a key (with pcmk_host_map node:key) or a Corosync node name"),
        Param("port", 0, ParamType::kString, "", "[id]", "Target (deprecated name of plug)").AliasOf("plug"),
        Param("nodename", 0, ParamType::kString, "", "[nodename]", "Name of the target node, as Pacemaker sends it"),
        Param("devices", 'd', ParamType::kString, "", "[devices]",
              "NVMe namespaces, comma or space separated: /dev/nvmeXnY, /dev/disk/by-id/..., or cloud disk IDs d-xxxx")
            .Required(),
        Param("key", 'k', ParamType::kString, "", "[key]",
              "This node's own key, 64-bit hex (default: saved at unfencing, else derived from Corosync)"),
        Param("key_map", 0, ParamType::kString, "", "[node:key,...]",
              "Every node's key where there is no Corosync (Kubernetes): node1:KEY,node2:KEY (',' ';' or space "
              "between entries). A node or key given twice is refused"),
        Param("reservation_type", 't', ParamType::kSelect, "auto", "[type]",
              "Reservation to create where none exists (auto: write-exclusive-all-registrants where supported, "
              "else write-exclusive-registrants-only)")
            .Choices(types)
            .Spellings(type_spellings),
        Param("device_backend", 'b', ParamType::kSelect, "auto", "[backend]",
              "How commands reach devices: NVMe passthrough, block-layer PR ioctls, or auto")
            .Choices(BackendNames()),
        Param("store_path", 's', ParamType::kString, "/run/fence_nvme_pr", "[path]",
              "Directory for this node's saved key, device list and lock")
            .AbsolutePath(),
        Param("power_timeout", 0, ParamType::kSecond, "20", "[seconds]",
              "Time limit for the whole action, however devices behave")
            .Range(1000, 86400000),
        Param("delay", 0, ParamType::kSecond, "0", "[seconds]", "Wait this long before fencing (off only)"),
        Param("verbose", 'v', ParamType::kBoolean, "0", "", "Log everything on stderr, every device command too"),
        // Not AbsolutePath(): a bad debug_file must never fail an off (a
        // failed fence blocks the cluster). OpenDebugFile refuses it, and
        // logging goes on without it, with a warning (log.cc).
        Param("debug_file", 'D', ParamType::kString, "", "[debugfile]", "Also write a debug log to this file"),
        Param("quiet", 'q', ParamType::kBoolean, "0", "", "Log only errors on stderr"),
        Param("version", 'V', ParamType::kBoolean, "", "", "Print the version and exit").CliOnly(),
        Param("help", 'h', ParamType::kBoolean, "", "", "Print this help and exit").CliOnly(),
    };
    return s;
  }();
  return spec;
}

}  // namespace nvmepr
