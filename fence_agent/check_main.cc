// SPDX-License-Identifier: GPL-2.0-or-later
// fence_nvme_pr_check: the watchdog test of a node fenced by fence_nvme_pr.
// Install it in /etc/watchdog.d/ (watchdog(8) runs it as `... test` every
// interval and as `... repair CODE` after a failure) or run it by hand.
//   exit 0  registered, or not unfenced since boot, or no verdict (a device
//           could not be read: logged as a warning, never a reboot)
//   exit 1  fenced: another registrant removed this node's key from a device
//           it was unfenced on (a reservation remains, other nodes registered);
//           a key missing from a cleared or re-created disk is logged, exit 0
//   exit 2  bad arguments (--store-path= must be an absolute path)
// A state file that cannot be read (a FIFO, a symbolic link, an unsafe
// store directory: core/agent_kit/store_directory.h) is "no verdict": exit 0 at once,
// with a warning, never a wait.
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <exception>
#include <string>
#include <string_view>

#include "check_spec.h"
#include "log.h"
#include "self_check.h"

namespace {

constexpr int kUsageError = 2;
// Well inside watchdog(8)'s default test-timeout of 60 s.
constexpr std::chrono::seconds kCheckTimeout{10};

int Run(int argc, char** argv) {
  using namespace nvmepr;
  SetUpLogging({"fence_nvme_pr_check", false, false, "", false});
  std::string store_path = "/run/fence_nvme_pr";  // fence_nvme_pr's store_path default
  bool mode_seen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("--store-path=", 0) == 0 && arg.size() > 13 && arg[13] == '/') {
      store_path = arg.substr(13);
    } else if (!mode_seen && (arg == "test" || arg == "repair")) {
      mode_seen = true;
      if (arg == "repair" && i + 1 < argc) ++i;  // the failed test's exit code
    } else {
      spdlog::error("unknown argument '{}' ({})", arg, kCheckUsage);
      return kUsageError;
    }
  }
  FenceEnvironment env = LinuxFenceEnvironment();
  const SelfCheckResult result = CheckSelfRegistration(store_path, env, Deadline::After(kCheckTimeout));
  switch (result.outcome) {
    case SelfCheckOutcome::kFenced:
      spdlog::error("{}", result.message);
      return 1;
    case SelfCheckOutcome::kUnknown:
      spdlog::warn("no verdict: {}", result.message);
      return 0;
    case SelfCheckOutcome::kAnomaly:
      spdlog::warn("{}", result.message);
      return 0;
    case SelfCheckOutcome::kNotUnfenced:
    case SelfCheckOutcome::kRegistered:
      return 0;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stderr must not kill the check (watchdog(8) would see a failure).
  std::signal(SIGPIPE, SIG_IGN);
  try {
    std::_Exit(Run(argc, argv));
  } catch (const std::exception& e) {
    spdlog::error("fence_nvme_pr_check: unexpected error: {}", e.what());
  } catch (...) {
    spdlog::error("fence_nvme_pr_check: unexpected error");
  }
  // No verdict: a bug here must not reboot a healthy node (a fenced one
  // cannot write anyway).
  std::_Exit(0);
}
