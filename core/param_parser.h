// Reading an agent's parameters from Pacemaker's stdin protocol or from the
// command line into one map of canonical names to values. Either way the same
// table decides what is known; typing and meaning are the agent's business.
#pragma once

#include <istream>
#include <map>
#include <string>
#include <vector>

#include "param_spec.h"
#include "result.h"

namespace nvmepr {

struct ParsedParams {
  std::map<std::string, std::string> values;  ///< canonical name -> value
  std::vector<std::string> warnings;          ///< one line each, for the log
};

/// Limits on what stdin may hold, so hostile input cannot exhaust memory.
inline constexpr std::size_t kMaxStdinLine = 64 * 1024;
inline constexpr std::size_t kMaxStdinTotal = 1024 * 1024;

/// Pacemaker's protocol: "name=value" lines; blank and '#' lines skipped;
/// '-' in names means '_'; one layer of quotes stripped; the last value wins.
/// Unknown names are warnings, never failures (Pacemaker sends extras).
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
