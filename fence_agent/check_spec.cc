// SPDX-License-Identifier: GPL-2.0-or-later
#include "check_spec.h"

#include "command_page.h"
#include "version.h"

namespace nvmepr {

const char* const kCheckUsage = "usage: fence_nvme_pr_check [test|repair CODE] [--store-path=DIR]";

// Kept out of check_main.cc so the check's binary carries none of this text.
CommandPage CheckCommandPage() {
  CommandPage page;
  page.name = "fence_nvme_pr_check";
  page.section = 8;
  page.version = kVersion;
  page.shortdesc = "watchdog check that reboots a node fenced by fence_nvme_pr";
  page.synopsis = {"[test | repair CODE] [--store-path=DIR]"};
  page.description =
      "A node cut off by fence_nvme_pr keeps running: storage fencing only makes its writes fail. If it was "
      "frozen while it was fenced it misses Pacemaker's notification and may rejoin as if nothing had happened. "
      "fence_nvme_pr_check, run by watchdog(8) from /etc/watchdog.d/, reads the devices this node was unfenced "
      "on (saved by fence_nvme_pr -o on under the store path) and fails once another node has removed this "
      "node's key from any of them (the key gone while a reservation remains and other nodes stay registered); "
      "watchdog(8) then reboots the node. It plays the role of fence_scsi_check for fence_scsi."
      "\n\n"
      "It never changes a device. A device that cannot be read gives no verdict (exit 0 and a warning), never "
      "a reboot; so does a key missing where no reservation or no other registrant remains (a cleared or "
      "re-created disk) or where this host is registered with another key (a stale state file): not a fence. Nothing "
      "is enabled by installing it: link it into /etc/watchdog.d/ and enable watchdog(8) "
      "yourself (ln -s /usr/share/cluster/fence_nvme_pr_check /etc/watchdog.d/fence_nvme_pr_check).";
  page.options = {
      {"test", "What watchdog(8) passes at every interval: check (the default)."},
      {"repair CODE", "What watchdog(8) passes after a failed test: check again."},
      {"--store-path=DIR", "Where fence_nvme_pr saved the unfenced devices (its store_path). Default: "
                           "/run/fence_nvme_pr."},
  };
  page.exit_status = {
      {"0", "Registered, not unfenced since boot, or no verdict (a device could not be read, or the key is "
            "missing without the evidence of a fence)."},
      {"1", "Fenced: another node removed this node's key from a device it was unfenced on."},
      {"2", "Bad arguments."},
  };
  page.files = {
      {"/run/fence_nvme_pr", "State saved by fence_nvme_pr -o on (lost at reboot, so a rebooted node is not "
                             "checked until it is unfenced again)."},
      {"/etc/watchdog.d/", "Where watchdog(8) looks for test programs."},
  };
  page.see_also = "fence_nvme_pr(8), nvme_persist(7), watchdog(8), fence_scsi(8)";
  return page;
}

}  // namespace nvmepr
