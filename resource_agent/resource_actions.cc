// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_actions.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <string_view>

#include "action_handlers.h"
#include "agent_docs.h"
#include "resource_context.h"
#include "registration.h"
#include "resource_monitor.h"
#include "resource_spec.h"

namespace nvmepr {
namespace {

using Clock = std::chrono::steady_clock;

long long MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string Count(std::size_t done, std::size_t total) {
  return std::to_string(done) + " of " + std::to_string(total) + " device(s)";
}

// What every state-changing action does first: one action at a time on this
// instance, the state it left, and this node's key.
struct Prepared {
  FileDescriptor lock;
  std::optional<ResourceState> state;
  Key own = 0;
};

Result<Prepared> Prepare(ResourceContext& ctx, bool prefer_saved_key) {
  Prepared prepared;
  auto lock = ctx.state_file().Lock(ctx.deadline());
  if (!lock) return lock.error();
  prepared.lock = std::move(*lock);
  auto state = ctx.LoadState();
  if (!state) return state.error();
  prepared.state = std::move(*state);
  auto own = ctx.OwnKey(prepared.state, prefer_saved_key);
  if (!own) return own.error();
  prepared.own = *own;
  return prepared;
}

// Primitive: own the devices. Promotable clone: register, unpromoted.
OcfOutcome Start(ResourceContext& ctx) {
  const auto start = Clock::now();
  if (auto r = ctx.CheckCloneSetup(); !r) return Failed("start", r.error());
  auto prepared = Prepare(ctx, false);
  if (!prepared) return Failed("start", prepared.error());
  const std::size_t required = ctx.options().Required();
  const std::size_t total = ctx.options().devices.size();
  auto usable = ctx.OpenDevices(true, required);
  if (!usable) return Failed("start", usable.error());
  const OwnershipRequest ownership = ctx.Ownership(prepared->own, required, prepared->state);

  if (ctx.request().meta.promotable) {
    auto joined = JoinDevices(usable->devices, ownership, ctx.deadline());
    if (!joined) return Failed("start", joined.error());
    const bool promoted = prepared->state && prepared->state->role == ResourceRole::kPromoted;
    if (auto r = ctx.SaveState(promoted ? ResourceRole::kPromoted : ResourceRole::kUnpromoted, prepared->own); !r) {
      return Failed("start", r.error());
    }
    ctx.UpdatePromotionScore(*joined);
    spdlog::info("start: key {} registered on {} (unpromoted) in {} ms", FormatKey(prepared->own),
                 Count(*joined, total), MsSince(start));
    return {};
  }
  auto owned = TakeOwnership(usable->devices, ownership, ctx.deadline());
  if (!owned) return Failed("start", owned.error());
  if (auto r = ctx.SaveState(ResourceRole::kStarted, prepared->own); !r) return Failed("start", r.error());
  spdlog::info("start: key {} holds the {} reservation on {} in {} ms", FormatKey(prepared->own),
               TypeName(ctx.options().reservation_type), Count(*owned, total), MsSince(start));
  return {};
}

// Stop when the lock, the saved state or the key cannot be had. Pacemaker
// answers a failed stop by fencing the node, so stop fails only for what
// concerns stopping: another action of this instance holding the lock past
// the deadline (a start may be taking the devices right now). Anything else
// - no saved state, an unsafe store_path (owner, mode, a symbolic link) or
// state file (a FIFO, a device, a symbolic link), a corrupt one, a file
// name the system refuses - leaves stop without the key and devices start
// saved, the only ones it may release: it warns and succeeds, releasing
// nothing. Safe for the data: if the resource did run here with the key
// still registered, the next start (here or elsewhere) preempts that key
// with abort, as it preempts any stale holder (ownership.h). Failing would
// only reboot a node over a file it cannot read.
OcfOutcome StopUnprepared(ResourceContext& ctx, const Error& error) {
  if (error.kind == ErrorKind::kTimeout) {
    spdlog::error("stop: {}", error.message);
    return {kOcfErrGeneric, error.message};
  }
  auto state = ctx.LoadState();
  if (state && !*state) {
    spdlog::warn("stop: {}; the resource did not run here", error.message);
  } else {
    spdlog::warn("stop: {}; nothing released: without the state saved at start this stop cannot tell what "
                 "is this resource's (a key left registered is preempted by the next start)",
                 error.message);
  }
  return {};
}

// Releases and unregisters, idempotently. Never 7; every failure is 1, since
// Pacemaker answers a failed stop by fencing the node (StopUnprepared: which
// failures stop does not report).
OcfOutcome Stop(ResourceContext& ctx) {
  const auto start = Clock::now();
  auto prepared = Prepare(ctx, true);
  if (!prepared) return StopUnprepared(ctx, prepared.error());
  // No saved state: the resource did not run here (or its start failed
  // before it changed anything of ours). Whatever key is registered here
  // is then not provably this resource's: it may be fence_nvme_pr's (the
  // same Corosync-derived key), and removing it would get this node fenced
  // by its own watchdog check. Nothing to release.
  if (!prepared->state) {
    if (ctx.Promotable(prepared->state)) ctx.UpdatePromotionScore(std::nullopt);
    spdlog::info("stop: the resource does not run here (nothing saved under {}): no device touched",
                 ctx.options().store_path);
    return {};
  }
  auto usable = ctx.OpenDevices(false, 0);  // a device that cannot be opened holds nothing of ours
  std::size_t left = 0;
  if (!usable->devices.empty()) {
    OwnershipRequest leave = ctx.Ownership(prepared->own, 0);
    leave.keep_registered = ctx.FenceRegisteredDevices(prepared->own);
    auto result = LeaveDevices(usable->devices, leave, ctx.deadline());
    if (!result) {
      spdlog::error("stop: {}", result.error().message);
      return {kOcfErrGeneric, result.error().message};
    }
    left = *result;
  }
  if (ctx.Promotable(prepared->state)) ctx.UpdatePromotionScore(std::nullopt);
  if (auto r = ctx.state_file().Remove(); !r) {
    spdlog::error("stop: {}", r.error().message);
    return {kOcfErrGeneric, r.error().message};
  }
  spdlog::info("stop: key {} released (registration left only where it is not this resource's alone) on {} in {} ms",
               FormatKey(prepared->own), Count(left, ctx.options().devices.size()), MsSince(start));
  return {};
}

// Takes the reservation, preempting a stale holder.
OcfOutcome Promote(ResourceContext& ctx) {
  const auto start = Clock::now();
  if (auto r = ctx.CheckCloneSetup(); !r) return Failed("promote", r.error());
  auto prepared = Prepare(ctx, false);
  if (!prepared) return Failed("promote", prepared.error());
  const std::size_t required = ctx.options().Required();
  auto usable = ctx.OpenDevices(true, required);
  if (!usable) return Failed("promote", usable.error());
  auto owned = TakeOwnership(usable->devices, ctx.Ownership(prepared->own, required, prepared->state), ctx.deadline());
  if (!owned) return Failed("promote", owned.error());
  if (auto r = ctx.SaveState(ResourceRole::kPromoted, prepared->own); !r) return Failed("promote", r.error());
  ctx.UpdatePromotionScore(usable->devices.size());
  spdlog::info("promote: key {} holds the {} reservation on {} in {} ms", FormatKey(prepared->own),
               TypeName(ctx.options().reservation_type), Count(*owned, ctx.options().devices.size()), MsSince(start));
  return {};
}

// Releases the reservation and stays registered (unpromoted).
OcfOutcome Demote(ResourceContext& ctx) {
  const auto start = Clock::now();
  auto prepared = Prepare(ctx, true);
  if (!prepared) return Failed("demote", prepared.error());
  const std::size_t required = ctx.options().Required();
  auto usable = ctx.OpenDevices(false, required);
  if (!usable) return Failed("demote", usable.error());
  const OwnershipRequest ownership = ctx.Ownership(prepared->own, 0);
  if (auto released = ReleaseOwnership(usable->devices, ownership, ctx.deadline()); !released) {
    return Failed("demote", released.error());
  }
  // A node that was preempted lost its registration too; unpromoted means registered.
  auto joined = JoinDevices(usable->devices, ctx.Ownership(prepared->own, required, prepared->state), ctx.deadline());
  if (!joined) return Failed("demote", joined.error());
  if (auto r = ctx.SaveState(ResourceRole::kUnpromoted, prepared->own); !r) return Failed("demote", r.error());
  ctx.UpdatePromotionScore(*joined);
  spdlog::info("demote: key {} released the reservation, registered on {} in {} ms", FormatKey(prepared->own),
               Count(*joined, ctx.options().devices.size()), MsSince(start));
  return {};
}

// Level 0 (the default, and what Pacemaker and pcs run): the parameters only,
// already typed when we get here. Level 10 and up: also this node's key and
// every device's support for the reservation type.
OcfOutcome Validate(ResourceContext& ctx) {
  if (auto r = ctx.CheckCloneSetup(); !r) return Failed("validate-all", r.error());
  if (ctx.request().check_level < 10) {
    spdlog::debug("validate-all: parameters valid (level {}: devices not touched)", ctx.request().check_level);
    return {};
  }
  auto state = ctx.LoadState();
  if (!state) return Failed("validate-all", state.error());
  auto own = ctx.OwnKey(*state);
  if (!own) return Failed("validate-all", own.error());
  auto usable = ctx.OpenDevices(true, ctx.options().devices.size());
  if (!usable) return Failed("validate-all", usable.error());
  WarnAboutForeignRegistrations(usable->devices, ReadStandings(usable->devices, *own, ctx.deadline()), *own,
                                *state ? std::optional<Key>((*state)->key) : std::nullopt, "validate-all");
  spdlog::info("validate-all: key {}, {} support {}", FormatKey(*own),
               Count(usable->devices.size(), ctx.options().devices.size()), TypeName(ctx.options().reservation_type));
  return {};
}

// Stop must work even when the parameters went bad while the resource ran:
// it then uses the devices saved at start. With neither, nothing can run.
Result<ResourceOptions> OptionsForStop(const OcfRequest& request) {
  auto options = ToResourceOptions(request.params);
  if (options) return options;
  ResourceOptions saved;
  if (auto it = request.params.values.find("store_path");
      it != request.params.values.end() && !it->second.empty() && it->second[0] == '/') {
    saved.store_path = it->second;
  }
  auto state = ResourceStateFile(saved.store_path, request.instance).Load();
  if (!state || !*state) return options.error();
  spdlog::warn("stop: {}; stopping with the devices saved at start", options.error().message);
  saved.devices = (*state)->devices;
  return saved;
}

OcfOutcome MetaData(ResourceEnvironment& env) {
  *env.out << docs::kResourceAgentMetadata;  // written at build time (agent_docs/)
  return {};
}

// Each instance reads the devices itself; notifications carry nothing it needs.
OcfOutcome Notify(ResourceEnvironment&) { return {}; }

// The code of each action of ResourceAgentSpec() (action_handlers.h).
using ResourceActionHandler = ActionHandler<OcfOutcome, ResourceEnvironment, ResourceContext>;
constexpr ResourceActionHandler kHandlers[] = {
    {"start", nullptr, Start},     {"stop", nullptr, Stop},          {"monitor", nullptr, MonitorResource},
    {"promote", nullptr, Promote}, {"demote", nullptr, Demote},      {"validate-all", nullptr, Validate},
    {"notify", Notify, nullptr},   {"meta-data", MetaData, nullptr},
};

}  // namespace

OcfOutcome RunResourceAction(const OcfRequest& request, ResourceEnvironment& env) {
  const std::string& action = request.action;
  if (action.empty()) {
    spdlog::error("no action given");
    return {kOcfErrUnimplemented, "no action given"};
  }
  auto known = ResolveAction(ResourceAgentSpec(), action, /*ignore_case=*/false);
  const ResourceActionHandler* handler = known ? FindHandler(kHandlers, *known) : nullptr;
  if (handler == nullptr) {
    const std::string reason = known ? "action '" + *known + "' not implemented" : known.error().message;
    spdlog::error("{}", reason);
    return {kOcfErrUnimplemented, reason};
  }
  if (handler->alone) return handler->alone(env);
  auto options = action == "stop" ? OptionsForStop(request) : ToResourceOptions(request.params);
  if (!options) {
    if (action == "stop") {
      spdlog::warn("stop: {}; the resource cannot have run here with these parameters", options.error().message);
      return {};
    }
    return Failed(action, options.error());
  }
  ResourceContext ctx(request, *options, env);
  return handler->with_context(ctx);
}

std::vector<std::string> HandledResourceActions() { return HandledActions(kHandlers); }

}  // namespace nvmepr
