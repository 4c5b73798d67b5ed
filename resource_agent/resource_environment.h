// SPDX-License-Identifier: GPL-2.0-or-later
// Everything outside the resource agent's process (devices, Corosync,
// crm_attribute, the host name, stdout), as one struct handed to the
// actions, so tests run the same actions against in-memory namespaces shared
// by several simulated nodes. Its own header: ResourceContext (below the
// actions) needs it, and must not include the actions to get it.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "corosync.h"
#include "device_open.h"
#include "subprocess.h"

namespace nvmepr {

struct ResourceEnvironment {
  DeviceAccess devices;  ///< opening, and refusing a device named twice
  /// Corosync's view, to derive this node's key.
  std::function<Result<ClusterMap>(Deadline)> read_cluster;
  /// Runs a helper program (crm_attribute for promotion scores).
  std::function<Result<ProgramResult>(const std::vector<std::string>& argv, Deadline)> run_program;
  /// This host's name, to find its entry in a key=node:key map.
  std::function<std::string()> host_name;
  /// fence_nvme_pr's store_path on this node (its default): stop keeps a
  /// registration that fence_nvme_pr made on the same device with the same key.
  std::string fence_store_path;
  std::ostream* out;  ///< stdout: the metadata
};

/// The real thing: Linux devices, corosync-cmapctl, crm_attribute, std::cout.
ResourceEnvironment LinuxResourceEnvironment();

}  // namespace nvmepr
