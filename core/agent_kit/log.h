// SPDX-License-Identifier: GPL-2.0-or-later
// Logging for the agents (spdlog): stderr, which Pacemaker captures; syslog
// (facility daemon, ident = the agent's name); and an optional debug file.
// Set up once, from main; everything else just calls spdlog. Which levels
// reach stderr, and why: log.cc, above SinkLevels.
#pragma once

#include <spdlog/common.h>

#include <memory>
#include <string>
#include <vector>

namespace spdlog::sinks {
class sink;
}

namespace nvmepr {

struct LogOptions {
  std::string ident;            ///< program name for syslog
  bool verbose = false;         ///< stderr and syslog show everything, every device command too (debug)
  bool quiet = false;           ///< stderr shows errors only
  std::string debug_file;       ///< empty: none; else every line at debug level
  bool info_on_stderr = false;  ///< stderr shows the informational lines too (not only warnings and errors)
};

/// The lowest level each sink writes.
struct SinkLevels {
  spdlog::level::level_enum to_stderr;
  spdlog::level::level_enum to_syslog;
};

/// stderr: warnings and errors (errors only with quiet; informational lines
/// too with info_on_stderr; everything with verbose). syslog: informational
/// lines and up (everything with verbose). The debug file: everything.
SinkLevels LevelsFor(const LogOptions& options);

/// Replaces the default logger. Never fails: a debug file that cannot be
/// opened (debug_file.h says which ones are refused) is reported on stderr
/// and skipped.
void SetUpLogging(const LogOptions& options);

/// Wraps each sink so that every line it writes is cleaned by CleanText
/// (clean_text.h): SetUpLogging does this to all of its sinks.
std::vector<std::shared_ptr<spdlog::sinks::sink>> CleanLines(std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks);

/// The first syslog line reads the time zone and connects to /dev/log
/// (about 2.5 ms under emulation); this does both on a thread of its own, so
/// that they overlap the device work instead of delaying the result. Call
/// after the last SetUpLogging (replacing the logger closes the connection).
void ConnectSyslogInBackground();

}  // namespace nvmepr
