// SPDX-License-Identifier: GPL-2.0-or-later
// The agents' metadata XML and man pages, written at build time by
// generate_agent_docs (linked against libxml2) and compiled into the agents
// as text, so the agents themselves need no XML library.
#pragma once

#include <string_view>

namespace nvmepr::docs {

extern const std::string_view kFenceAgentMetadata;     ///< fence_nvme_pr -o metadata
extern const std::string_view kFenceAgentManPage;      ///< fence_nvme_pr -o manpage
extern const std::string_view kResourceAgentMetadata;  ///< nvme_persist meta-data

}  // namespace nvmepr::docs
