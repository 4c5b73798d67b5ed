#include "debug_file.h"

#include <fcntl.h>

#include "regular_file.h"

namespace nvmepr {

Result<FileDescriptor> OpenDebugFile(const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return Fail(ErrorKind::kInvalidArgument, "debug_file '" + path.substr(0, 80) + "': must be an absolute path");
  }
  return OpenRegularFile(AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT, 0600, "debug_file " + path);
}

}  // namespace nvmepr
