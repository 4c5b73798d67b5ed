// SPDX-License-Identifier: GPL-2.0-or-later
// The administrators' reference pages in Markdown (docs/reference/), written
// at build time by agent_docs/ from the same tables as the metadata and the
// man pages, so no parameter or exit code is typed twice.
#pragma once

#include <string>
#include <vector>

#include "command_page.h"
#include "param_spec.h"

namespace nvmepr {

/// Text for a Markdown table cell or paragraph: characters Markdown would
/// read as markup (\ ` * _ at a word's edge, < | [ ]) escaped, line breaks
/// made spaces.
std::string MarkdownEscape(const std::string& text);

/// The fence agent: description, parameters (stdin name, option, default,
/// choices, meaning), actions, exit status.
std::string FenceAgentReference(const AgentSpec& spec, const std::string& exit_status_text);

/// An OCF resource agent: description, parameters (OCF_RESKEY_<name>),
/// actions with their default timeouts and intervals, exit status.
std::string OcfAgentReference(const AgentSpec& spec, const std::vector<ManEntry>& exit_status);

/// A plain command (the watchdog check): synopsis, description, options,
/// exit status, files.
std::string CommandReference(const CommandPage& page);

}  // namespace nvmepr
