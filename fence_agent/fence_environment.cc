// SPDX-License-Identifier: GPL-2.0-or-later
// The Linux side of FenceEnvironment, in a file of its own so that
// fence_nvme_pr_check, which needs only this and self_check.cc, does not link
// the actions (and with them the metadata and man page text).
#include <iostream>

#include "fence_actions.h"

namespace nvmepr {

FenceEnvironment LinuxFenceEnvironment() {
  FenceEnvironment env;
  env.devices = LinuxDeviceAccess();
  env.read_cluster = ReadClusterMap;
  env.out = &std::cout;
  return env;
}

}  // namespace nvmepr
