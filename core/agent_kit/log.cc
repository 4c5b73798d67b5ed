// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <syslog.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "clean_text.h"
#include "debug_file.h"
#include "regular_file.h"

namespace nvmepr {
namespace {

// Passes every line to `inner` cleaned by CleanText: whatever a message
// quotes (parameters, device and node names, a helper's output), no sink
// ever writes a control character or an unbounded line.
class CleanLineSink final : public spdlog::sinks::sink {
 public:
  explicit CleanLineSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) { set_level(inner_->level()); }

  void log(const spdlog::details::log_msg& msg) override {
    const std::string clean = CleanText(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    inner_->log(copy);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  spdlog::sink_ptr inner_;
};

// spdlog's file sinks open the file themselves (fopen: following symbolic
// links, blocking on a FIFO, inherited by child programs, parent directories
// created); this one writes to a descriptor opened by OpenDebugFile. One
// write(2) per line on an O_APPEND descriptor: lines of concurrent runs do
// not interleave. A failed write is dropped: logging never fails an action.
class DescriptorSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit DescriptorSink(FileDescriptor fd) : fd_(std::move(fd)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    (void)WriteAll(fd_.get(), std::string_view(line.data(), line.size()), "debug_file");
  }
  void flush_() override {}

 private:
  FileDescriptor fd_;
};

}  // namespace

std::vector<spdlog::sink_ptr> CleanLines(std::vector<spdlog::sink_ptr> sinks) {
  for (auto& sink : sinks) sink = std::make_shared<CleanLineSink>(std::move(sink));
  return sinks;
}

// What reaches stderr, and why (Pacemaker 2.1 and 3.0 read alike here):
// - fence_nvme_pr: pacemaker-fenced logs every line of a fence agent's
//   stderr as a warning ("fence_nvme_pr[PID] stderr: [ ... ]",
//   lib/fencing/st_actions.c log_action), whatever the exit status, so
//   stderr gets warnings and errors only, as fence-agents do (everything with
//   verbose, as theirs). The informational lines (what was fenced, on how
//   many devices, how long) go to syslog/journal, where crm_report and
//   sos report collect them. The one-line result of on and off also goes to
//   stdout (fence_actions.cc), as fence-agents print "Success: Powered OFF":
//   the fencer logs a successful action's stdout at debug level only
//   (daemons/fenced/fenced_commands.c log_async_result), so it never shows
//   as a warning, and a by-hand run still sees what happened. stdout of
//   list, list-status, status and metadata is data Pacemaker parses.
// - nvme_persist: as ocf_log (resource-agents' ocf-shellfuncs) does, which
//   under pacemaker-execd (HA_LOGFACILITY or HA_LOGFILE set) writes to
//   syslog, never stderr, and writes everything to stderr when stderr is a
//   terminal or neither is set (a by-hand run, ocf-tester, crm_resource
//   --force-*): info_on_stderr (resource_agent/main.cc). execd logs an OCF
//   agent's stderr at info level and the controller raises it to notice
//   only when the action failed, so its warnings, errors and the
//   ocf-exit-reason line stay on stderr. HA_debug=1 is verbose.
// - fence_nvme_pr_check: its only lines, "fenced" (error) and "no verdict"
//   (warning), keep going to both: syslog/journal, next to watchdog(8)'s
//   own lines about the failed test and the reboot, which is where its
//   users look; and stderr, for a by-hand run and for wherever watchdog(8)
//   keeps a test binary's output (that depends on its version and
//   configuration).
SinkLevels LevelsFor(const LogOptions& options) {
  using spdlog::level::level_enum;
  const level_enum to_stderr = options.quiet            ? spdlog::level::err
                               : options.verbose        ? spdlog::level::debug
                               : options.info_on_stderr ? spdlog::level::info
                                                        : spdlog::level::warn;
  return {to_stderr, options.verbose ? spdlog::level::debug : spdlog::level::info};
}

void SetUpLogging(const LogOptions& options) {
  std::vector<spdlog::sink_ptr> sinks;
  const SinkLevels levels = LevelsFor(options);

  auto to_stderr = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  to_stderr->set_level(levels.to_stderr);
  to_stderr->set_pattern("%^%l%$: %v");
  sinks.push_back(to_stderr);

  auto to_syslog = std::make_shared<spdlog::sinks::syslog_sink_mt>(options.ident, LOG_PID, LOG_DAEMON, true);
  to_syslog->set_level(levels.to_syslog);
  to_syslog->set_pattern("%v");
  sinks.push_back(to_syslog);

  std::string file_problem;
  if (!options.debug_file.empty()) {
    if (auto fd = OpenDebugFile(options.debug_file); fd) {
      auto to_file = std::make_shared<DescriptorSink>(std::move(*fd));
      to_file->set_level(spdlog::level::debug);
      to_file->set_pattern("%Y-%m-%d %H:%M:%S.%e [%P] %l: %v");
      sinks.push_back(to_file);
    } else {
      file_problem = fd.error().message;
    }
  }

  sinks = CleanLines(std::move(sinks));
  auto logger = std::make_shared<spdlog::logger>(options.ident, sinks.begin(), sinks.end());
  // The logger formats every message at or above its own level before the
  // sinks filter: at the lowest sink level, debug lines (one per device and
  // command) cost nothing unless some sink shows them.
  spdlog::level::level_enum lowest = spdlog::level::off;
  for (const auto& sink : sinks) lowest = std::min(lowest, sink->level());
  logger->set_level(lowest);
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  if (!file_problem.empty()) {
    spdlog::warn("{}; continuing without it", file_problem);
  }
}

void ConnectSyslogInBackground() {
  try {
    // glibc's syslog lock makes this safe against a syslog() at the same time.
    std::thread([] {
      tzset();
      openlog(nullptr, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    }).detach();
  } catch (const std::system_error&) {
    // No thread: the first syslog line connects, as usual.
  }
}

}  // namespace nvmepr
