// SPDX-License-Identifier: GPL-2.0-or-later
// The fence agent's actions, on top of core/. Everything outside the process
// (devices, Corosync, stdout) comes in through FenceEnvironment, so tests run
// the same actions against in-memory namespaces.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "corosync.h"
#include "device_open.h"
#include "fence_options.h"

namespace nvmepr {

/// Exit statuses of a fence agent.
enum FenceExit { kExitSuccess = 0, kExitFailure = 1, kExitStatusOff = 2 };

struct FenceEnvironment {
  DeviceAccess devices;  ///< opening, and refusing a device named twice
  std::function<Result<ClusterMap>(Deadline)> read_cluster;
  std::ostream* out;  ///< stdout: metadata, list, status, the result of on and off
};

/// The real thing: Linux devices, corosync-cmapctl, std::cout.
FenceEnvironment LinuxFenceEnvironment();

/// Runs options.action and returns the exit status. Logs one summary line.
int RunFenceAction(const FenceOptions& options, FenceEnvironment& env);

/// The actions RunFenceAction has code for, for the test that every one of
/// them is in the table and every row has code.
std::vector<std::string> HandledFenceActions();

}  // namespace nvmepr
