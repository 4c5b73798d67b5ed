// SPDX-License-Identifier: GPL-2.0-or-later
#include "sim_cluster.h"

#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "agent_spec.h"
#include "fence_actions.h"
#include "fence_options.h"
#include "keys.h"
#include "param_parser.h"
#include "resource_actions.h"
#include "resource_spec.h"
#include "state_store.h"
#include "text.h"

namespace nvmepr::property {
namespace {

constexpr const char* kCluster = "sim";

ClusterMap Corosync(int nodes, int local) {
  ClusterMap map;
  map.cluster_name = kCluster;
  map.local_nodeid = static_cast<std::uint32_t>(local);
  for (int n = 1; n <= nodes; ++n) map.nodes.push_back({static_cast<std::uint32_t>(n), SimCluster::Host(n), ""});
  return map;
}

}  // namespace

bool CanWrite(const NamespaceSnapshot& ns, const std::string& host) {
  if (ns.type == ReservationType::kNone) return true;
  if (!IsAllRegistrants(ns.type) && ns.holder == host) return true;
  return RegistrantsMayWrite(ns.type) && ns.registrations.count(host) > 0;
}

SimCluster::SimCluster(int nodes, int disks, bool nvmet)
    : nodes_(nodes), disks_(disks), deviations_(nvmet ? TargetDeviations::LinuxNvmet() : TargetDeviations{}) {
  char pattern[] = "/tmp/safety_property.XXXXXX";
  dir_ = ::mkdtemp(pattern);
  for (int i = 0; i < namespaces(); ++i) namespaces_.push_back(std::make_shared<ModelNamespace>(deviations_));
  for (int n = 1; n <= nodes; ++n) {
    std::vector<int> map;
    for (int d = 0; d < disks; ++d) map.push_back(d);
    device_map_.push_back(std::move(map));
  }
}

SimCluster::~SimCluster() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

Key SimCluster::DerivedKey(int node) { return *DeriveKey(kCluster, static_cast<std::uint32_t>(node)); }

std::string SimCluster::KeyText(Key key) { return FormatKey(key); }

std::string SimCluster::FenceDevices() const {
  std::string list;
  for (int d = 0; d < disks_; ++d) list += (d ? "," : "") + std::string("/dev/disk") + std::to_string(d);
  return list;
}

int SimCluster::Resolve(int node, const std::string& name) const {
  if (name == DataDevice()) return data_namespace();
  for (int d = 0; d < disks_; ++d) {
    if (name == "/dev/disk" + std::to_string(d)) return device_map_[node - 1][d];
  }
  return -1;
}

std::vector<int> SimCluster::ResolveAll(int node, const std::string& names) const {
  std::vector<int> result;
  for (const auto& name : SplitList(names)) {
    const int ns = Resolve(node, name);
    if (ns >= 0) result.push_back(ns);
  }
  return result;
}

Snapshot SimCluster::Snap() const {
  Snapshot snapshot;
  for (const auto& ns : namespaces_) {
    const ReservationStatus status = ns->Report();
    NamespaceSnapshot s;
    s.type = status.type;
    for (const auto& r : status.registrants) {
      s.registrations[r.host_id] = r.key;
      if (r.holds_reservation && !IsAllRegistrants(status.type)) s.holder = r.host_id;
    }
    snapshot.push_back(std::move(s));
  }
  return snapshot;
}

Result<DevicePtr> SimCluster::Open(int node, const std::string& name) {
  const int ns = Resolve(node, name);
  if (ns < 0) return Fail(ErrorKind::kNotFound, name + ": cannot open: No such file or directory");
  auto device = std::make_shared<ModelDevice>(name, namespaces_[ns], Host(node));
  if (auto it = hangs_.find({node, ns}); it != hangs_.end()) device->faults.hang = it->second;
  return DevicePtr(device);
}

int SimCluster::Fence(int node, const std::string& stdin_lines, std::chrono::milliseconds timeout) {
  std::istringstream in("devices=" + FenceDevices() + "\nstore_path=" + FenceStore(node) + "\n" + stdin_lines + "\n");
  auto parsed = ParseStdin(in, FenceAgentSpec());
  if (!parsed) return kExitFailure;
  auto options = ToFenceOptions(*parsed);
  if (!options) return kExitFailure;
  if (timeout.count() > 0) options->power_timeout = timeout;
  std::ostringstream out;
  FenceEnvironment env;
  env.devices.open = [this, node](const std::string& name, Backend) { return Open(node, name); };
  env.devices.check_distinct = [this, node](const std::vector<std::string>& names) -> Result<void> {
    for (std::size_t i = 0; i < names.size(); ++i) {
      for (std::size_t j = i + 1; j < names.size(); ++j) {
        if (Resolve(node, names[i]) >= 0 && Resolve(node, names[i]) == Resolve(node, names[j])) {
          return Fail(ErrorKind::kInvalidArgument, "devices " + names[i] + " and " + names[j] + " are the same device");
        }
      }
    }
    return {};
  };
  const int nodes = nodes_;
  env.read_cluster = [nodes, node](Deadline) -> Result<ClusterMap> { return Corosync(nodes, node); };
  env.out = &out;
  return RunFenceAction(*options, env);
}

OcfOutcome SimCluster::Persist(int node, const std::string& action, const EnvironmentMap& params) {
  EnvironmentMap env = {
      {"OCF_RESKEY_store_path", PersistStore(node)},
      {"OCF_RESOURCE_INSTANCE", "db"},
      {"OCF_RESKEY_CRM_meta_timeout", "20000"},
      {"OCF_RESKEY_CRM_meta_on_node", Host(node)},
  };
  for (const auto& [name, value] : params) env[name] = value;
  auto request = ParseOcfRequest(action, env, ResourceAgentSpec());
  if (!request) return {ExitForError(request.error()), request.error().message};
  std::ostringstream out;
  ResourceEnvironment renv;
  renv.devices.open = [this, node](const std::string& name, Backend) { return Open(node, name); };
  const int nodes = nodes_;
  renv.read_cluster = [nodes, node](Deadline) -> Result<ClusterMap> { return Corosync(nodes, node); };
  renv.run_program = [](const std::vector<std::string>&, Deadline) -> Result<ProgramResult> {
    return ProgramResult{0, ""};
  };
  renv.host_name = [node] { return Host(node); };
  renv.fence_store_path = FenceStore(node);
  renv.out = &out;
  return RunResourceAction(*request, renv);
}

SelfCheckOutcome SimCluster::Check(int node, std::chrono::milliseconds timeout) {
  FenceEnvironment env;
  env.devices.open = [this, node](const std::string& name, Backend) { return Open(node, name); };
  return CheckSelfRegistration(FenceStore(node), env, Deadline::After(timeout)).outcome;
}

void SimCluster::Clear(int ns) {
  const Snapshot now = Snap();
  const auto& regs = now[ns].registrations;
  if (regs.empty()) return;
  const auto& [host, key] = *regs.begin();
  namespaces_[ns]->Release(host, {ReleaseAction::kClear, now[ns].type, key});
}

void SimCluster::Recreate(int ns) { namespaces_[ns] = std::make_shared<ModelNamespace>(deviations_); }

void SimCluster::HandRegister(int node, int ns, Key key) {
  namespaces_[ns]->Register(Host(node), {RegisterAction::kRegister, 0, key, false});
}

void SimCluster::StaleFenceState(int node, Key key) {
  std::vector<std::string> devices;
  for (int d = 0; d < disks_; ++d) devices.push_back("/dev/disk" + std::to_string(d));
  (void)StateStore(FenceStore(node)).Save({key, devices});
}

void SimCluster::Repoint(int node, int dev, int ns) { device_map_[node - 1][dev] = ns; }

void SimCluster::SetHang(int node, int ns, std::chrono::milliseconds hang) {
  if (hang.count() == 0) {
    hangs_.erase({node, ns});
  } else {
    hangs_[{node, ns}] = hang;
  }
}

bool SimCluster::PersistStateExists(int node) const {
  std::error_code ignored;
  return std::filesystem::exists(PersistStore(node) + "/db.state", ignored);
}

}  // namespace nvmepr::property
