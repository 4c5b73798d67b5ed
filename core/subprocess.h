// Running a helper program (crm_attribute) directly, never through a shell,
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

/// Runs argv[0] (looked up in PATH) with argv, stdin from /dev/null. Fails
/// with kNotFound when the program cannot be run, kTimeout (after killing it)
/// when it outlives `deadline`. A non-zero exit status is a result, not an error.
Result<ProgramResult> RunProgram(const std::vector<std::string>& argv, Deadline deadline);

}  // namespace nvmepr
