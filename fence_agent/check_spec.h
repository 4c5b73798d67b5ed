// SPDX-License-Identifier: GPL-2.0-or-later
// What fence_nvme_pr_check is, for its usage message and its man page (the
// page is written at build time by agent_docs/; the check itself holds no
// document code).
#pragma once

namespace nvmepr {

struct CommandPage;

/// "usage: fence_nvme_pr_check [test|repair CODE] [--store-path=DIR]"
extern const char* const kCheckUsage;

/// fence_nvme_pr_check(8).
CommandPage CheckCommandPage();

}  // namespace nvmepr
