// SPDX-License-Identifier: GPL-2.0-or-later
// Runs the resource agent's actions as Pacemaker would on simulated nodes:
// each node sees the shared namespaces through its own ModelDevices, has its
// own state directory, and is node<N> in a Corosync cluster called "test".
// crm_attribute calls are recorded instead of run.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "keys.h"
#include "model_fixture.h"
#include "resource_actions.h"
#include "resource_spec.h"

namespace nvmepr::testing {

class ResourceAgentFixture : public ::testing::Test {
 protected:
  explicit ResourceAgentFixture(int hosts = 3, int namespaces = 2) : disks_(hosts, namespaces) {
    char pattern[] = "/tmp/resource_agent_test.XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  ~ResourceAgentFixture() override { std::filesystem::remove_all(dir_); }

  /// Runs `action` on node `host` with the default parameters, then `extra`
  /// environment variables (which override them). Saves stdout in out_.
  OcfOutcome Run(int host, const std::string& action, const EnvironmentMap& extra = {}) {
    EnvironmentMap env = {
        {"OCF_RESKEY_devices", "/dev/disk0,/dev/disk1"},
        {"OCF_RESKEY_store_path", dir_ + "/node" + std::to_string(host)},
        {"OCF_RESOURCE_INSTANCE", "disk"},
        {"OCF_RESKEY_CRM_meta_timeout", "20000"},
    };
    for (const auto& [name, value] : extra) env[name] = value;
    for (auto it = env.begin(); it != env.end();) it = it->second == kUnset ? env.erase(it) : std::next(it);
    auto request = ParseOcfRequest(action, env, ResourceAgentSpec());
    if (!request) return {ExitForError(request.error()), request.error().message};
    std::ostringstream out;
    ResourceEnvironment renv = Environment(host, out);
    OcfOutcome outcome = RunResourceAction(*request, renv);
    out_ = out.str();
    return outcome;
  }

  /// The meta attributes of a promotable clone instance on node `host`.
  static EnvironmentMap Promotable(int host, EnvironmentMap extra = {}) {
    EnvironmentMap env = {{"OCF_RESKEY_CRM_meta_clone_max", "3"},
                          {"OCF_RESKEY_CRM_meta_promoted_max", "1"},
                          {"OCF_RESKEY_CRM_meta_master_max", "1"},
                          {"OCF_RESKEY_CRM_meta_on_node", "node" + std::to_string(host)}};
    for (const auto& [name, value] : extra) env[name] = value;
    return env;
  }

  /// The derived key of node `host` in cluster "test".
  static Key DerivedKey(int host) { return *DeriveKey("test", static_cast<std::uint32_t>(host)); }

  /// Marks an environment variable as removed from the defaults.
  static constexpr const char* kUnset = "\x01unset";

  SharedDisks disks_;
  std::string dir_;
  std::string out_;
  std::vector<std::vector<std::string>> commands_;  ///< crm_attribute calls, in order
  bool corosync_up_ = true;
  int cluster_reads_ = 0;  ///< how often an action read Corosync (corosync-cmapctl)
  /// Runs before each device is opened (in the thread that opens it); false
  /// fails the open. Must own what it uses: a worker left behind at the
  /// deadline may run it after the test.
  std::function<bool(const std::string& name)> before_open_;
  /// env.devices.check_distinct says the devices list names one device twice.
  bool duplicate_ = false;

 private:
  ResourceEnvironment Environment(int host, std::ostringstream& out) {
    ResourceEnvironment env;
    env.devices.open = [this, host, before_open = before_open_](const std::string& name, Backend) -> Result<DevicePtr> {
      if (before_open && !before_open(name)) return Fail(ErrorKind::kIo, name + ": open failed (test)");
      for (int n = 0; n < disks_.namespaces(); ++n) {
        if (name == "/dev/disk" + std::to_string(n)) return disks_.Devices(host)[n];
      }
      return Fail(ErrorKind::kNotFound, name + ": cannot open: No such file or directory");
    };
    env.devices.check_distinct = [this](const std::vector<std::string>& names) -> Result<void> {
      if (!duplicate_) return {};
      return Fail(ErrorKind::kInvalidArgument, "devices " + names[0] + " and " + names[1] + " are the same device");
    };
    env.read_cluster = [this, host](Deadline) -> Result<ClusterMap> {
      ++cluster_reads_;
      if (!corosync_up_) return Fail(ErrorKind::kNotFound, "corosync-cmapctl failed (is corosync running?)");
      ClusterMap map;
      map.cluster_name = "test";
      map.local_nodeid = host;
      for (std::uint32_t id = 1; id <= 3; ++id) map.nodes.push_back({id, "node" + std::to_string(id), ""});
      return map;
    };
    env.run_program = [this](const std::vector<std::string>& argv, Deadline) -> Result<ProgramResult> {
      commands_.push_back(argv);
      return ProgramResult{0, ""};
    };
    env.host_name = [host] { return "node" + std::to_string(host) + ".example.com"; };
    env.out = &out;
    return env;
  }
};

}  // namespace nvmepr::testing
