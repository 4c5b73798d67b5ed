// SPDX-License-Identifier: GPL-2.0-or-later
// The fence agent's one table of parameters and actions.
#pragma once

#include "param_spec.h"

namespace nvmepr {

/// Parameters and actions of fence_nvme_pr; metadata, man page, --help and
/// both parsers come from here.
const AgentSpec& FenceAgentSpec();

/// What each exit status means, for --help and the man page.
extern const char* const kFenceExitStatusText;

}  // namespace nvmepr
