// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_context.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "fencing.h"
#include "outcome.h"
#include "parallel.h"
#include "promotion_score.h"
#include "state_store.h"

namespace nvmepr {
namespace {

constexpr long long kDefaultTimeoutMs = 20000;

// Pacemaker kills an action at its timeout; finish a little earlier so the
// agent, not the kill, reports what hung.
Deadline ActionDeadline(const OcfRequest& request) {
  const long long timeout = std::max<long long>(request.meta.timeout_ms.value_or(kDefaultTimeoutMs), 0);
  const long long margin = std::min<long long>(timeout / 10, 5000);
  return Deadline::After(std::chrono::milliseconds(std::max<long long>(timeout - margin, 1000)),
                         "the operation's timeout less a margin");
}

std::string FirstLine(const std::string& text) {
  const std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? "no output" : line.substr(0, 200);
}

}  // namespace

ResourceContext::ResourceContext(const OcfRequest& request, const ResourceOptions& options, ResourceEnvironment& env)
    : request_(request),
      options_(options),
      env_(env),
      deadline_(ActionDeadline(request)),
      state_file_(options.store_path, request.instance) {}

Result<Key> ResourceContext::OwnKey(const std::optional<ResourceState>& state, bool prefer_saved) {
  if (prefer_saved && state) return state->key;
  auto configured = ConfiguredKey(options_, {request_.meta.on_node, env_.host_name ? env_.host_name() : ""});
  if (!configured) return configured.error();
  if (*configured) {
    // Only the actions that register the key (start, promote, and demote,
    // which registers again a node that was preempted) and validate-all,
    // which checks what start would do, ask Corosync: monitor, probes of
    // stopped instances and stop run no corosync-cmapctl for it.
    const std::string& action = request_.action;
    if (action == "start" || action == "promote" || action == "demote" || action == "validate-all") {
      if (auto r = CheckNotAnotherNodesKey(**configured); !r) return r.error();
    }
    return **configured;
  }
  if (state) return state->key;
  auto cluster = env_.read_cluster(deadline_);
  if (!cluster) {
    return Fail(cluster.error().kind,
                "no key= given and Corosync cannot tell this node's key (" + cluster.error().message + ")");
  }
  auto key = cluster->LocalKey();
  if (!key) {
    return Fail(key.error().kind, "no key= given and Corosync cannot tell this node's key: " + key.error().message);
  }
  return key;
}

// A key= (or this node's map entry) that Corosync derives for another node
// would put that node's key in this node's registration: fencing that node
// (fence_nvme_pr with derived keys) would cut this one off too. Without
// Corosync nothing can be proved.
Result<void> ResourceContext::CheckNotAnotherNodesKey(Key key) {
  auto cluster = env_.read_cluster ? env_.read_cluster(deadline_) : Result<ClusterMap>(Fail(ErrorKind::kNotFound, ""));
  if (!cluster || !cluster->local_nodeid) return {};
  const ClusterNode* holder = cluster->NodeWithKey(key);
  if (holder == nullptr || holder->nodeid == *cluster->local_nodeid) return {};
  return Fail(ErrorKind::kInvalidArgument, "key " + FormatKey(key) +
                                               " (from key=) is the key Corosync derives for node " +
                                               (holder->name.empty() ? std::to_string(holder->nodeid) : holder->name) +
                                               ": every node needs its own key; fix key=");
}

Result<UsableDevices> ResourceContext::OpenDevices(bool check_support, std::size_t required) {
  UsableDevices usable;
  // One device under two names would be counted twice against `required`:
  // an error where devices are counted. Stop and monitor (required 0) go on
  // with a warning: they must release and report whatever the list says now.
  if (auto r = env_.devices.CheckDistinct(options_.devices); !r) {
    if (required > 0) return r.error();
    spdlog::warn("{}", r.error().message);
  }
  // As the fence agent does: each device is opened (and checked) in its own
  // worker, all at once, and the action's deadline bounds the opens (a
  // device still opening at the deadline is reported as not answering).
  const Backend backend = options_.backend;
  const DeviceList devices = env_.devices.Defer(options_.devices, backend);
  const ReservationType type = options_.reservation_type;
  const Deadline deadline = deadline_;
  auto opened =
      RunOnEach<void>(devices, deadline_, [check_support, type, deadline](Device& device, std::size_t) -> Result<void> {
        if (auto r = dynamic_cast<DeferredDevice&>(device).Open(); !r) return r;
        if (!check_support) return {};
        auto chosen = ChooseType(device, type, deadline);
        if (!chosen) return chosen.error();
        return {};
      });
  for (std::size_t i = 0; i < opened.size(); ++i) {
    if (opened[i]) {
      usable.devices.push_back(devices[i]);
    } else {
      usable.failures.push_back(opened[i].error());
    }
  }
  if (usable.devices.size() < required) {
    return CombineFailures(usable.failures, "only " + std::to_string(usable.devices.size()) + " of " +
                                                std::to_string(options_.devices.size()) + " devices usable (" +
                                                std::to_string(required) + " required)");
  }
  for (const auto& failure : usable.failures) spdlog::warn("{}", failure.message);
  return usable;
}

OwnershipRequest ResourceContext::Ownership(Key own, std::size_t required,
                                            const std::optional<ResourceState>& state) const {
  OwnershipRequest ownership;
  if (state) ownership.previous = state->key;
  ownership.own = own;
  ownership.type = options_.reservation_type;
  ownership.preempt_abort = options_.preempt_abort;
  ownership.required = required;
  return ownership;
}

bool ResourceContext::Promotable(const std::optional<ResourceState>& state) const {
  const OcfRole role = request_.meta.role;
  return request_.meta.promotable || role == OcfRole::kPromoted || role == OcfRole::kUnpromoted ||
         (state && state->role != ResourceRole::kStarted);
}

Result<void> ResourceContext::CheckCloneSetup() const {
  const OcfMeta& meta = request_.meta;
  if (meta.clone && !meta.promotable) {
    return Fail(ErrorKind::kInvalidArgument,
                "nvme_persist gives one node exclusive access: run it as a primitive or a promotable clone, not "
                "a plain clone (every instance would take the devices from the others)");
  }
  if (meta.promotable && meta.promoted_max > 1) {
    return Fail(ErrorKind::kInvalidArgument, "promoted-max=" + std::to_string(meta.promoted_max) +
                                                 ": only one node can own the devices; set promoted-max=1");
  }
  return {};
}

void ResourceContext::UpdatePromotionScore(std::optional<std::size_t> visible) {
  // Pacemaker always names the node; without it (crm_resource --force-*,
  // ocf-tester) there is no cluster to tell, and crm_attribute would only
  // spend seconds failing to reach the CIB.
  if (request_.meta.on_node.empty() || request_.instance.empty()) {
    spdlog::debug("not run by Pacemaker (no CRM_meta_on_node): promotion score not set");
    return;
  }
  std::optional<int> score;
  if (visible) {
    score = PromotionScore(options_.promotion_score, *visible, options_.devices.size(), options_.Required());
    if (!score) {
      spdlog::warn("this node reads {} of {} devices ({} required): no promotion score", *visible,
                   options_.devices.size(), options_.Required());
    }
  }
  const auto argv = CrmAttributeCommand(request_.meta.on_node, request_.instance, score);
  // Never let the score hold the action up: it is advice for the scheduler.
  const Deadline limit(std::min(deadline_.at(), Deadline::Clock::now() + std::chrono::seconds(5)));
  auto ran = env_.run_program(argv, limit);
  if (!ran) {
    spdlog::warn("promotion score not updated: {}", ran.error().message);
  } else if (ran->exit_status != 0) {
    spdlog::warn("promotion score not updated: crm_attribute exited with status {}: {}", ran->exit_status,
                 FirstLine(ran->output));
  } else {
    spdlog::debug("promotion score {} {}", PromotionAttribute(request_.instance),
                  score ? std::to_string(*score) : std::string("deleted"));
  }
}

std::set<std::string> ResourceContext::FenceRegisteredDevices(Key own) const {
  std::set<std::string> shared;
  if (env_.fence_store_path.empty()) return shared;
  auto fence = StateStore(env_.fence_store_path).Load();
  if (!fence || !*fence || (*fence)->key != own) return shared;
  // One device may be named two ways (/dev/disk/by-id/... and /dev/nvme0n1).
  auto same = [](const std::string& a, const std::string& b) {
    std::error_code ea, eb;
    const auto ca = std::filesystem::weakly_canonical(a, ea), cb = std::filesystem::weakly_canonical(b, eb);
    return a == b || (!ea && !eb && ca == cb);
  };
  for (const auto& mine : options_.devices) {
    for (const auto& fenced : (*fence)->devices) {
      if (same(mine, fenced)) shared.insert(mine);
    }
  }
  return shared;
}

Result<void> ResourceContext::SaveState(ResourceRole role, Key own) const {
  return state_file_.Save({role, own, options_.devices});
}

OcfOutcome Failed(const std::string& action, const Error& error) {
  spdlog::error("{}: {}", action, error.message);
  return {ExitForError(error), error.message};
}

}  // namespace nvmepr
