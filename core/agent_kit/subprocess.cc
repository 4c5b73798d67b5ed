// SPDX-License-Identifier: GPL-2.0-or-later
#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>
#include <thread>

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

// Whether `pid` has exited (without reaping it) by the deadline. Polls: by
// the time its output has ended a helper has nearly always exited already.
bool ExitsBy(pid_t pid, Deadline deadline) {
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    siginfo_t info{};
    const int rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0 || info.si_pid == pid) return true;  // exited (or not ours to wait for)
    if (deadline.Expired()) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

// The environment of a helper: ours, with PATH replaced by kSafePath.
std::vector<std::string> HelperEnvironment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (std::string_view(*entry).substr(0, 5) != "PATH=") env.emplace_back(*entry);
  }
  env.push_back(std::string("PATH=") + kSafePath);
  return env;
}

}  // namespace

std::string FindProgram(const std::string& program) {
  if (program.empty()) return "";
  if (program.front() == '/') return program;
  if (program.find('/') != std::string::npos) return "";  // relative paths depend on the working directory
  std::string_view dirs = kSafePath;
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    std::string candidate = std::string(dirs.substr(0, colon)) + "/" + program;
    dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

Result<ProgramResult> RunProgram(const std::vector<std::string>& argv, Deadline deadline) {
  if (argv.empty()) return Fail(ErrorKind::kInvalidArgument, "no program to run");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Fail(ErrorKind::kIo, "pipe: " + std::string(std::strerror(errno)), errno);
  }
  FileDescriptor read_end(pipe_fds[0]);
  FileDescriptor write_end(pipe_fds[1]);

  const std::string path = FindProgram(argv[0]);
  if (path.empty()) {
    return Fail(ErrorKind::kNotFound, "cannot run " + argv[0] + ": not found in " + kSafePath, ENOENT);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // A process group of its own, so that at the deadline whatever it started
  // goes too; SIGPIPE back at its default (the agents ignore it, and an
  // ignored signal stays ignored across exec); no signal blocked.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals, no_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  sigemptyset(&no_signals);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings = HelperEnvironment();
  std::vector<char*> env;
  for (auto& entry : env_strings) env.push_back(entry.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  write_end = FileDescriptor();
  if (spawned != 0) {
    return Fail(spawned == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                "cannot run " + path + ": " + std::strerror(spawned), spawned);
  }

  ProgramResult result;
  // A helper that closes its output and lives on must not hold the action
  // either: its exit is awaited until the deadline too.
  const bool timed_out = ReadUntilEof(read_end.get(), deadline, result.output) || !ExitsBy(pid, deadline);
  // The whole group, before the leader is reaped (its group ID cannot be
  // reused until then): a helper's own children must not outlive the action.
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return Fail(ErrorKind::kTimeout, argv[0] + " did not finish in time; killed");
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace nvmepr
