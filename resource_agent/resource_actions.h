// SPDX-License-Identifier: GPL-2.0-or-later
// The resource agent's actions, on top of core/. Everything outside the
// process (devices, Corosync, crm_attribute, the host name, stdout) comes in
// through ResourceEnvironment, so tests run the same actions against
// in-memory namespaces shared by several simulated nodes.
#pragma once

#include <string>
#include <vector>

#include "ocf_environment.h"
#include "ocf_exit.h"
#include "resource_environment.h"

namespace nvmepr {

/// Runs request.action and returns its exit code and, on failure, the reason.
/// Logs one summary line per action.
/// An unknown action is OCF_ERR_UNIMPLEMENTED (3), with a "did you mean".
OcfOutcome RunResourceAction(const OcfRequest& request, ResourceEnvironment& env);

/// The actions RunResourceAction has code for, for the test that every one
/// of them is in the table (and so in the metadata) and every row has code.
std::vector<std::string> HandledResourceActions();

}  // namespace nvmepr
