// SPDX-License-Identifier: GPL-2.0-or-later
// fence_nvme_pr: parameters (stdin from Pacemaker, or the command line) ->
// logging -> action -> exit status.
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <exception>
#include <iostream>
#include <sstream>

#include "agent_spec.h"
#include "fence_actions.h"
#include "fence_options.h"
#include "log.h"
#include "param_parser.h"
#include "version.h"

namespace {

int Run(int argc, char** argv) {
  using namespace nvmepr;
  const AgentSpec& spec = FenceAgentSpec();
  SetUpLogging({spec.name, false, false, "", false});

  // Pacemaker runs fence agents with no arguments and parameters on stdin,
  // which must end within kStdinTimeout (power_timeout is not known yet).
  Result<ParsedParams> parsed = Fail(ErrorKind::kInvalidArgument, "no parameters");
  if (argc > 1) {
    parsed = ParseCommandLine(argc, argv, spec);
  } else if (auto input = ReadInput(STDIN_FILENO, Deadline::After(kStdinTimeout)); !input) {
    parsed = input.error();
  } else {
    std::istringstream in(*input);
    parsed = ParseStdin(in, spec);
  }
  if (!parsed) {
    spdlog::error("{}", parsed.error().message);
    return kExitFailure;
  }
  auto options = ToFenceOptions(*parsed);
  if (!options) {
    spdlog::error("{}", options.error().message);
    return kExitFailure;
  }
  // stderr: warnings and errors only, everything with verbose (log.cc says why).
  SetUpLogging({spec.name, options->verbose, options->quiet, options->debug_file, false});
  // --help and --version start no syslog thread (1 ms of a 21 ms --version
  // in the benchmark VM); an action without it takes ~7 ms longer there.
  if (!options->help && !options->version) ConnectSyslogInBackground();
  for (const auto& warning : parsed->WarningLines()) spdlog::warn("{}", warning);

  if (options->help) {
    std::cout << UsageText(spec) << "\nExit status: " << kFenceExitStatusText << "\n";
    return kExitSuccess;
  }
  if (options->version) {
    std::cout << spec.name << " " << kVersion << "\n";
    return kExitSuccess;
  }
  FenceEnvironment env = LinuxFenceEnvironment();
  return RunFenceAction(*options, env);
}

}  // namespace

int main(int argc, char** argv) {
  // One malloc arena for all threads: each device worker would otherwise
  // create its own (a 64 MB mapping, trimmed, page-faulted in) for the few
  // small allocations it makes, which costs more than the work it does.
  mallopt(M_ARENA_MAX, 1);
  // A reader of stdout or stderr that went away (a closed pipe) must not kill
  // the agent in the middle of a fence: writes fail with EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const int status = Run(argc, argv);
    std::cout.flush();
    // Worker threads stuck in a device past the deadline must not hold the
    // exit status back: leave without running static destructors.
    std::_Exit(status);
  } catch (const std::exception& e) {
    spdlog::error("fence_nvme_pr: unexpected error: {}", e.what());
  } catch (...) {
    spdlog::error("fence_nvme_pr: unexpected error");
  }
  std::_Exit(nvmepr::kExitFailure);
}
