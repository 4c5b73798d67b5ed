#include "file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace nvmepr {

Result<FileDescriptor> LockFile(const std::string& path, Deadline deadline, const std::string& holder) {
  auto io_error = [&](const char* what) {
    const int err = errno;
    return Fail(ErrorKind::kIo, std::string(what) + " " + path + ": " + std::strerror(err), err);
  };
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return io_error("opening");
  // flock cannot time out by itself: poll it, briefly, until the deadline.
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return io_error("locking");
    if (deadline.Expired()) {
      return Fail(ErrorKind::kTimeout, "another " + holder + " holds " + path + " past the deadline");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return fd;
}

}  // namespace nvmepr
