// SPDX-License-Identifier: GPL-2.0-or-later
// Running a helper program (crm_attribute, corosync-cmapctl) directly, never through a shell,
// with its output captured and its run time bounded by a deadline.
#pragma once

#include <string>
#include <vector>

#include "deadline.h"
#include "result.h"

namespace nvmepr {

struct ProgramResult {
  int exit_status = 0;  ///< the exit status; 128 + N when killed by signal N
  std::string output;   ///< stdout and stderr together, at most 64 KiB
};

/// The only directories a helper program is looked up in, and the PATH it
/// gets, whatever PATH the agent inherited: a fencing agent runs as root and
/// must not run a `corosync-cmapctl` that a writable directory in the
/// caller's PATH provides. Debian's default PATH for root.
inline constexpr const char* kSafePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Runs argv[0] (an absolute path, or looked up in kSafePath) with argv,
/// stdin from /dev/null, PATH=kSafePath, SIGPIPE at its default, in a process
/// group of its own. Fails with kNotFound when the program cannot be run,
/// kTimeout (after killing its whole process group) when it outlives
/// `deadline`. A non-zero exit status is a result, not an error.
Result<ProgramResult> RunProgram(const std::vector<std::string>& argv, Deadline deadline);

/// Where RunProgram finds `program`: itself if absolute, else the first
/// executable regular file named so in kSafePath; empty when there is none.
std::string FindProgram(const std::string& program);

}  // namespace nvmepr
