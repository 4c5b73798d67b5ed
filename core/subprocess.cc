#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "file_descriptor.h"

extern char** environ;

namespace nvmepr {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;

// Reads `fd` until end of file or the deadline; true if the deadline passed.
bool ReadUntilEof(int fd, Deadline deadline, std::string& output) {
  char buffer[4096];
  for (;;) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<std::uint32_t>(deadline.RemainingMs(), 60000)));
    if (ready == 0) {
      // poll may wake a little before the deadline; never fall through to a blocking read.
      if (deadline.Expired()) return true;
      continue;
    }
    if (ready < 0 && errno == EINTR) continue;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    output.append(buffer, std::min(static_cast<std::size_t>(n), kMaxOutput - std::min(kMaxOutput, output.size())));
  }
}

}  // namespace

Result<ProgramResult> RunProgram(const std::vector<std::string>& argv, Deadline deadline) {
  if (argv.empty()) return Fail(ErrorKind::kInvalidArgument, "no program to run");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Fail(ErrorKind::kIo, "pipe: " + std::string(std::strerror(errno)), errno);
  }
  FileDescriptor read_end(pipe_fds[0]);
  FileDescriptor write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end = FileDescriptor();
  if (spawned != 0) {
    return Fail(spawned == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                "cannot run " + argv[0] + ": " + std::strerror(spawned), spawned);
  }

  ProgramResult result;
  const bool timed_out = ReadUntilEof(read_end.get(), deadline, result.output);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return Fail(ErrorKind::kTimeout, argv[0] + " did not finish in time; killed");
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace nvmepr
