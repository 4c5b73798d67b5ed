// SPDX-License-Identifier: GPL-2.0-or-later
// OCF resource agent exit codes (OCF Resource Agent API 1.1) and the one
// place where core errors become them, so every action of a resource agent
// tells Pacemaker the same thing for the same failure.
#pragma once

#include <string>
#include <string_view>

#include "result.h"

namespace nvmepr {

/// Exit codes and what Pacemaker does with them.
enum OcfExit : int {
  kOcfSuccess = 0,             ///< done / running
  kOcfErrGeneric = 1,          ///< soft failure: restart here, or move after migration-threshold
  kOcfErrArgs = 2,             ///< hard: banned from this node
  kOcfErrUnimplemented = 3,    ///< unknown action
  kOcfErrPerm = 4,             ///< hard: insufficient privileges
  kOcfErrInstalled = 5,        ///< hard on this node: something missing here (a device)
  kOcfErrConfigured = 6,       ///< fatal: the configuration is wrong everywhere; stopped cluster-wide
  kOcfNotRunning = 7,          ///< monitor: cleanly stopped
  kOcfRunningPromoted = 8,     ///< monitor: running in the promoted role
  kOcfFailedPromoted = 9,      ///< monitor: failed while promoted (demote, stop, start)
  kOcfDegraded = 190,          ///< monitor (OCF 1.1): running, but not at full strength
  kOcfDegradedPromoted = 191,  ///< monitor (OCF 1.1): running promoted, but not at full strength
};

/// What an action ends with: its exit code and, for failures, the one-line
/// reason Pacemaker shows in crm_mon (the ocf-exit-reason line).
struct OcfOutcome {
  int code = kOcfSuccess;
  std::string reason;
};

/// Maps an error to the exit code its kind calls for: bad parameters and
/// devices unsuited to reservations are configuration errors (6), a device
/// missing on this node is 5, anything that went wrong at run time is 1.
OcfExit ExitForError(const Error& error);

/// "OCF_SUCCESS", "OCF_NOT_RUNNING"... for logs; "OCF_UNKNOWN" otherwise.
std::string_view OcfExitName(int code);

/// The longest exit reason written, in bytes.
inline constexpr std::size_t kMaxExitReasonBytes = 512;

/// The line Pacemaker looks for on stderr: "ocf-exit-reason:" and the reason
/// flattened to one line, cleaned and cut by CleanText (clean_text.h).
std::string ExitReasonLine(std::string_view reason);

}  // namespace nvmepr
