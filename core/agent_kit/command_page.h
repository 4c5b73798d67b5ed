// SPDX-License-Identifier: GPL-2.0-or-later
// The table of a command that has no parameter table of its own (the
// watchdog check): what its man page says. Data only, so the program's own
// table does not pull in the writers (docs/man_page.h writes the page at
// build time).
#pragma once

#include <string>
#include <utility>
#include <vector>

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
  std::string see_also;  ///< e.g. "fence_nvme_pr(8), watchdog(8)"
};

}  // namespace nvmepr
