// SPDX-License-Identifier: GPL-2.0-or-later
#include "param_parser.h"

#include <poll.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "text.h"

namespace nvmepr {
namespace {

namespace po = boost::program_options;

std::string Unquote(const std::string& value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

std::string CliName(const std::string& name) {
  std::string cli = name;
  std::replace(cli.begin(), cli.end(), '_', '-');
  return cli;
}

// Stores `value` under the canonical name of `param`.
void Store(ParsedParams& parsed, const AgentSpec& spec, const ParamSpec& param, const std::string& value) {
  const std::string& canonical = param.alias_of.empty() ? param.name : param.alias_of;
  if (!param.alias_of.empty() && spec.FindParam(param.alias_of) == nullptr) return;
  parsed.values[canonical] = value;
}

}  // namespace

void ParsedParams::AddWarning(std::string warning) {
  if (warnings.size() < kMaxParamWarnings) {
    warnings.push_back(std::move(warning));
  } else {
    ++warnings_left_out;
  }
}

std::vector<std::string> ParsedParams::WarningLines() const {
  std::vector<std::string> lines = warnings;
  if (warnings_left_out > 0) {
    lines.push_back(std::to_string(warnings_left_out) + " more warnings about the parameters left out");
  }
  return lines;
}

Result<std::string> ReadInput(int fd, Deadline deadline) {
  std::string text;
  char buffer[4096];
  while (text.size() <= kMaxStdinTotal) {
    if (deadline.Expired()) {
      return Fail(ErrorKind::kTimeout,
                  "stdin did not end within " + std::to_string(kStdinTimeout.count()) +
                      " s (give parameters as name=value lines and close stdin, or use the command line)");
    }
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<std::uint32_t>(deadline.RemainingMs(), 1000)));
    if (ready < 0 && errno != EINTR) {
      return Fail(ErrorKind::kIo, std::string("stdin: ") + std::strerror(errno), errno);
    }
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, kMaxStdinTotal + 1 - text.size()));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return Fail(ErrorKind::kIo, std::string("stdin: ") + std::strerror(errno), errno);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

// Reads one line, but never more than `limit` characters of it: a hostile
// line without a newline must not be read whole. False at the end of input.
bool ReadBoundedLine(std::istream& in, std::string& line, std::size_t limit) {
  line.clear();
  std::streambuf* buffer = in.rdbuf();
  for (;;) {
    const int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) return !line.empty();
    if (c == '\n') return true;
    line.push_back(static_cast<char>(c));
    if (line.size() > limit) return true;
  }
}

Result<ParsedParams> ParseStdin(std::istream& in, const AgentSpec& spec) {
  ParsedParams parsed;
  std::string line;
  std::size_t total = 0;
  int number = 0;
  while (ReadBoundedLine(in, line, kMaxStdinLine)) {
    ++number;
    total += line.size() + 1;
    if (line.size() > kMaxStdinLine || total > kMaxStdinTotal) {
      return Fail(ErrorKind::kInvalidArgument, "stdin line " + std::to_string(number) + ": input too long (limit " +
                                                   std::to_string(kMaxStdinLine) + " bytes a line, " +
                                                   std::to_string(kMaxStdinTotal) + " in all)");
    }
    if (line.find('\0') != std::string::npos) {
      return Fail(ErrorKind::kInvalidArgument, "stdin line " + std::to_string(number) + " contains a NUL byte");
    }
    line = std::string(Trim(line));
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      parsed.AddWarning("stdin line " + std::to_string(number) + " is not name=value; ignored");
      continue;
    }
    std::string name(Trim(std::string_view(line).substr(0, eq)));
    std::replace(name.begin(), name.end(), '-', '_');
    const std::string value = Unquote(std::string(Trim(std::string_view(line).substr(eq + 1))));
    const ParamSpec* param = spec.FindParam(name);
    if (param == nullptr || param->cli_only) {
      parsed.AddWarning("ignoring unknown parameter '" + name.substr(0, 64) + "'");
      continue;
    }
    Store(parsed, spec, *param, value);
  }
  return parsed;
}

namespace {

// "--power_timeout" (a stdin name with "--", as a Kubernetes Fence Agents
// Remediation template may spell it) is read as "--power-timeout". Values
// may follow as the next word ("--name value") for every option, booleans
// included: Boost takes it, and the typing refuses a word that is not a
// boolean.
std::vector<std::string> NormalizeCommandLine(int argc, const char* const argv[]) {
  std::vector<std::string> args;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") options_ended = true;
    if (!options_ended && arg.rfind("--", 0) == 0) {
      const auto equals = arg.find('=');
      std::replace(arg.begin(), equals == std::string::npos ? arg.end() : arg.begin() + equals, '_', '-');
    }
    args.push_back(std::move(arg));
  }
  return args;
}

}  // namespace

Result<ParsedParams> ParseCommandLine(int argc, const char* const argv[], const AgentSpec& spec) {
  const std::vector<std::string> args = NormalizeCommandLine(argc, argv);
  po::options_description options;
  for (const auto& param : spec.params) {
    std::string flags = CliName(param.name);
    if (param.short_flag != 0) flags += std::string(",") + param.short_flag;
    if (param.type == ParamType::kBoolean) {
      options.add_options()(flags.c_str(), po::value<std::string>()->implicit_value("1"), "");
    } else {
      options.add_options()(flags.c_str(), po::value<std::string>(), "");
    }
  }
  po::variables_map vm;
  try {
    // An empty positional description makes stray words an error instead
    // of silently dropped ("-o off node2" must not fence without a target).
    po::store(po::command_line_parser(args).options(options).positional(po::positional_options_description()).run(),
              vm);
  } catch (const po::error& e) {
    return Fail(ErrorKind::kInvalidArgument, std::string(e.what()) + " (see --help)");
  }
  ParsedParams parsed;
  for (const auto& param : spec.params) {
    auto it = vm.find(CliName(param.name));
    if (it != vm.end()) Store(parsed, spec, param, it->second.as<std::string>());
  }
  return parsed;
}

Result<bool> ParseBoolean(const std::string& name, const std::string& value) {
  const std::string lower = Lower(value);
  if (lower == "1" || lower == "yes" || lower == "on" || lower == "true" || lower == "y") return true;
  if (lower == "0" || lower == "no" || lower == "off" || lower == "false" || lower == "n" || lower.empty()) {
    return false;
  }
  return Fail(ErrorKind::kInvalidArgument,
              name + "='" + value.substr(0, 40) + "': expected a boolean (1/yes/on/true or 0/no/off/false)");
}

Result<long long> ParseSecondsAsMs(const std::string& name, const std::string& value) {
  double seconds = -1;
  const char* begin = value.data();
  const char* end = value.data() + value.size();
  auto [stop, ec] = std::from_chars(begin, end, seconds);
  if (ec != std::errc() || stop != end || !std::isfinite(seconds) || seconds < 0 || seconds > 86400) {
    return Fail(ErrorKind::kInvalidArgument,
                name + "='" + value.substr(0, 40) + "': expected a number of seconds from 0 to 86400");
  }
  return static_cast<long long>(std::llround(seconds * 1000));
}

std::string UsageText(const AgentSpec& spec) {
  std::ostringstream out;
  out << "Usage: " << spec.name << " [options]   (or parameters as name=value lines on stdin)\n\n"
      << spec.shortdesc << "\n\nOptions:\n";
  for (const auto& param : spec.params) {
    if (!param.alias_of.empty()) continue;
    std::string flags = param.short_flag ? std::string("-") + param.short_flag + ", " : "    ";
    flags += "--" + CliName(param.name);
    if (param.type != ParamType::kBoolean) flags += "=" + (param.value_name.empty() ? "[value]" : param.value_name);
    out << "  " << flags;
    out << std::string(flags.size() < 34 ? 34 - flags.size() : 1, ' ') << param.shortdesc;
    if (!param.default_value.empty()) out << " (default: " << param.default_value << ")";
    out << "\n";
  }
  out << "\nActions:";
  for (const auto& action : spec.actions) {
    if (action.advertised) out << " " << action.name;
  }
  out << "\n";
  return out.str();
}

}  // namespace nvmepr
