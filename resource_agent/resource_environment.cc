// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_environment.h"

#include <unistd.h>

#include <iostream>

namespace nvmepr {

ResourceEnvironment LinuxResourceEnvironment() {
  ResourceEnvironment env;
  env.devices = LinuxDeviceAccess();
  env.read_cluster = ReadClusterMap;
  env.run_program = RunProgram;
  env.host_name = [] {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
  };
  env.fence_store_path = "/run/fence_nvme_pr";  // fence_nvme_pr's store_path default
  env.out = &std::cout;
  return env;
}

}  // namespace nvmepr
