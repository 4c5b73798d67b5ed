// SPDX-License-Identifier: GPL-2.0-or-later
// The resource agent's one table of parameters and actions.
#pragma once

#include "param_spec.h"

namespace nvmepr {

/// Parameters and actions of nvme_persist; the environment parser, the option
/// checks and the metadata come from here.
const AgentSpec& ResourceAgentSpec();

}  // namespace nvmepr
