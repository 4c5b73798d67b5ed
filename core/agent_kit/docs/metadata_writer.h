// SPDX-License-Identifier: GPL-2.0-or-later
// Metadata XML (what Pacemaker, pcs and stonith_admin read) and the man page,
// both written from an agent's table.
#pragma once

#include <string>

#include "param_spec.h"

namespace nvmepr {

/// The command-line form of a parameter as fence-agents metadata and usage
/// show it: "-d, --devices=[devices]" (no value for a boolean).
std::string GetoptText(const ParamSpec& param);

/// The fence-agents metadata format (fence-agents lib/metadata.rng): root
/// resource-agent, longdesc, vendor-url, parameters with getopt and content,
/// actions. Written with libxml2.
std::string FenceAgentMetadata(const AgentSpec& spec);

/// A man(7) page: NAME, SYNOPSIS, DESCRIPTION, PARAMETERS, ACTIONS, EXIT STATUS.
std::string ManPage(const AgentSpec& spec, const std::string& exit_status_text);

}  // namespace nvmepr
