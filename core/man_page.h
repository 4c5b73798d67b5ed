// man(7) pages of the OCF resource agent and of plain commands (the watchdog
// check), written at build time by agent_docs/ next to the metadata; the
// fence agent's page comes from metadata_writer.h.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "param_spec.h"

namespace nvmepr {

/// A term and what it means: an option, an exit status, a file.
using ManEntry = std::pair<std::string, std::string>;

/// A command that has no parameter table of its own.
struct CommandPage {
  std::string name;
  int section = 8;
  std::string version;
  std::string shortdesc;
  std::vector<std::string> synopsis;  ///< one line each, after the name
  std::string description;            ///< paragraphs separated by "\n\n"
  std::vector<ManEntry> options;
  std::vector<ManEntry> exit_status;
  std::vector<ManEntry> files;
  std::string see_also;               ///< e.g. "fence_nvme_pr(8), watchdog(8)"
};

std::string CommandManPage(const CommandPage& page);

/// Section 7 as resource-agents documents its agents: NAME, SYNOPSIS,
/// DESCRIPTION, PARAMETERS (OCF_RESKEY_<name>), ACTIONS with their default
/// timeouts and intervals, EXIT STATUS, SEE ALSO.
std::string OcfManPage(const AgentSpec& spec, const std::vector<ManEntry>& exit_status,
                       const std::string& see_also);

}  // namespace nvmepr
