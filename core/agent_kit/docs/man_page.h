// SPDX-License-Identifier: GPL-2.0-or-later
// man(7) pages of the OCF resource agent and of plain commands (the watchdog
// check), written at build time by agent_docs/ next to the metadata; the
// fence agent's page comes from metadata_writer.h.
#pragma once

#include <string>
#include <vector>

#include "command_page.h"
#include "param_spec.h"

namespace nvmepr {

std::string CommandManPage(const CommandPage& page);

/// One parameter of either agent's page: `.TP`, `term` in bold, then
/// `roff_text` (already escaped: each agent says its own notes) and what the
/// row says of the value (default, choices), the same way on every page.
std::string ManParamEntry(const std::string& term, const std::string& roff_text, const ParamSpec& param);

/// Section 7 as resource-agents documents its agents: NAME, SYNOPSIS,
/// DESCRIPTION, PARAMETERS (OCF_RESKEY_<name>), ACTIONS with their default
/// timeouts and intervals, EXIT STATUS, SEE ALSO.
std::string OcfManPage(const AgentSpec& spec, const std::vector<ManEntry>& exit_status, const std::string& see_also);

}  // namespace nvmepr
