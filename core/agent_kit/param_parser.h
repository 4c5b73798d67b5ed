// SPDX-License-Identifier: GPL-2.0-or-later
// Reading an agent's parameters from Pacemaker's stdin protocol or from the
// command line into one map of canonical names to values. Either way the same
// table decides what is known; typing and meaning are the agent's business.
#pragma once

#include <chrono>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include "deadline.h"
#include "param_spec.h"
#include "result.h"

namespace nvmepr {

struct ParsedParams {
  std::map<std::string, std::string> values;  ///< canonical name -> value
  std::vector<std::string> warnings;          ///< one line each, for the log; see AddWarning
  std::size_t warnings_left_out = 0;          ///< beyond kMaxParamWarnings

  /// Adds a warning, or counts it once kMaxParamWarnings are there.
  void AddWarning(std::string warning);
  /// The warnings to log, ending with a count of those left out.
  std::vector<std::string> WarningLines() const;
};

/// Limits on what stdin may hold, so hostile input cannot exhaust memory.
inline constexpr std::size_t kMaxStdinLine = 64 * 1024;
inline constexpr std::size_t kMaxStdinTotal = 1024 * 1024;

/// How long stdin may take to reach end of file. The parameters, power_timeout
/// among them, are not known before: Pacemaker writes them at once and closes
/// stdin, so this only ends a stdin that never closes (a terminal, a stuck
/// writer) with an error instead of a wait. docs/safety.md.
inline constexpr std::chrono::seconds kStdinTimeout{10};

/// At most this many warnings about unknown names or malformed lines; one
/// more line says how many were left out (a flood of unknown parameters must
/// not flood the log).
inline constexpr std::size_t kMaxParamWarnings = 20;

/// Reads `fd` to its end, waiting no longer than `deadline` and reading at
/// most kMaxStdinTotal + 1 bytes (so ParseStdin reports over-long input).
Result<std::string> ReadInput(int fd, Deadline deadline);

/// Pacemaker's protocol: "name=value" lines; blank and '#' lines skipped;
/// '-' in names means '_'; one layer of quotes stripped; the last value wins.
/// Unknown names are warnings, never failures (Pacemaker sends extras), at
/// most kMaxParamWarnings of them.
/// Fails on a NUL byte or an over-long line or input.
Result<ParsedParams> ParseStdin(std::istream& in, const AgentSpec& spec);

/// The command line, fence-agents style (--devices=..., -o off). Unknown
/// options and stray arguments are errors.
Result<ParsedParams> ParseCommandLine(int argc, const char* const argv[], const AgentSpec& spec);

/// Booleans as fence-agents take them: 1/yes/on/true, 0/no/off/false.
Result<bool> ParseBoolean(const std::string& name, const std::string& value);

/// A non-negative number of seconds (decimals allowed), as milliseconds.
Result<long long> ParseSecondsAsMs(const std::string& name, const std::string& value);

/// Usage text for --help, from the table.
std::string UsageText(const AgentSpec& spec);

}  // namespace nvmepr
