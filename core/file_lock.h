// An exclusive lock on a file that waits no longer than a deadline, so two
// runs of an agent on one node take turns.
#pragma once

#include <string>

#include "deadline.h"
#include "file_descriptor.h"
#include "result.h"

namespace nvmepr {

/// Takes an exclusive flock on `path` (created if missing), waiting until
/// `deadline`; held while the returned descriptor lives. `holder` says who
/// else may hold it, for the timeout message.
Result<FileDescriptor> LockFile(const std::string& path, Deadline deadline, const std::string& holder);

}  // namespace nvmepr
