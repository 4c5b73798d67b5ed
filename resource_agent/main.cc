// SPDX-License-Identifier: GPL-2.0-or-later
// nvme_persist, an OCF resource agent: the action (argv[1]) and the
// environment Pacemaker sets -> logging -> action -> exit code, with the
// reason for a failure as the last "ocf-exit-reason:" line on stderr.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "clean_text.h"
#include "log.h"
#include "ocf_environment.h"
#include "ocf_exit.h"
#include "resource_actions.h"
#include "resource_spec.h"

namespace {

// "usage: nvme_persist {start|stop|...}", from the table.
std::string Usage(const nvmepr::AgentSpec& spec) {
  std::string actions;
  for (const auto& action : spec.actions) {
    if (!action.advertised || (actions + "|").find("|" + action.name + "|") != std::string::npos) continue;
    actions += "|" + action.name;
  }
  return "usage: " + spec.name + " {" + actions.substr(1) + "}\n" +
         "OCF resource agent: parameters come from OCF_RESKEY_<name> variables; see meta-data.\n";
}

nvmepr::OcfOutcome Run(int argc, char** argv) {
  using namespace nvmepr;
  const AgentSpec& spec = ResourceAgentSpec();
  // OCF: the action is the first argument; anything after it is ignored.
  const std::string action = argc > 1 ? argv[1] : "";
  if (action == "usage" || action == "help" || action == "--help" || action == "-h") {
    std::cout << Usage(spec);
    return {kOcfSuccess, ""};
  }
  // meta-data must work whatever the environment holds.
  const EnvironmentMap env_vars = action == "meta-data" ? EnvironmentMap() : ProcessEnvironment();
  auto request = ParseOcfRequest(action, env_vars, spec);
  // stderr: warnings, errors and the ocf-exit-reason line; the informational
  // lines too where ocf_log would write them there (log.cc says why).
  LogOptions log_options;
  log_options.ident = spec.name;
  log_options.verbose = request && request->debug;  // HA_debug=1
  log_options.info_on_stderr = isatty(STDERR_FILENO) == 1 || OcfLogsToStderr(env_vars);
  SetUpLogging(log_options);
  if (!request) {
    spdlog::error("{}: {}", action, request.error().message);
    return {ExitForError(request.error()), request.error().message};
  }
  // meta-data runs as nobody from pcs and ocf-tester: it says nothing else.
  if (action != "meta-data") {
    for (const auto& warning : request->params.WarningLines()) spdlog::warn("{}", warning);
  }
  ResourceEnvironment env = LinuxResourceEnvironment();
  return RunResourceAction(*request, env);
}

void Finish(const nvmepr::OcfOutcome& outcome) {
  std::cout.flush();
  spdlog::default_logger()->flush();
  if (outcome.code != nvmepr::kOcfSuccess && !outcome.reason.empty()) {
    std::cerr << nvmepr::ExitReasonLine(outcome.reason) << std::endl;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A reader of stdout or stderr that went away (a closed pipe) must not kill
  // the agent in the middle of an action: writes fail with EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  nvmepr::OcfOutcome outcome{nvmepr::kOcfErrGeneric, "unexpected error"};
  try {
    outcome = Run(argc, argv);
  } catch (const std::exception& e) {
    outcome.reason = std::string("unexpected error: ") + e.what();
    std::cerr << "error: " << nvmepr::CleanText(outcome.reason) << "\n";
  } catch (...) {
    std::cerr << "error: unexpected error\n";
  }
  Finish(outcome);
  // Worker threads stuck in a device past the deadline must not hold the
  // exit code back: leave without running static destructors.
  std::_Exit(outcome.code);
}
