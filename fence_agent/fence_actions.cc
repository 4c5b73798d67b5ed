// SPDX-License-Identifier: GPL-2.0-or-later
#include "fence_actions.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string_view>
#include <thread>

#include "action_handlers.h"
#include "agent_docs.h"
#include "agent_spec.h"
#include "fencing.h"
#include "keys.h"
#include "parallel.h"
#include "registration.h"
#include "state_store.h"

namespace nvmepr {
namespace {

using Clock = std::chrono::steady_clock;

// Everything one action needs, resolved lazily so that e.g. metadata never
// touches Corosync or devices.
class ActionContext {
 public:
  ActionContext(const FenceOptions& options, FenceEnvironment& env)
      : options_(options), env_(env), deadline_(Deadline::After(options.power_timeout, "power_timeout")) {}

  const FenceOptions& options() const { return options_; }
  Deadline deadline() const { return deadline_; }
  std::ostream& out() { return *env_.out; }

  /// The Corosync view, read once; an error if Corosync cannot be asked.
  Result<const ClusterMap*> Cluster() {
    if (!cluster_) cluster_.emplace(env_.read_cluster(deadline_));
    if (!*cluster_) return cluster_->error();
    return &cluster_->value();
  }

  /// Who the action is about: plug, else nodename.
  std::string TargetName() const { return options_.plug.empty() ? options_.nodename : options_.plug; }

  /// The target's key. With key_map=, the map decides (LookUpInKeyMap).
  /// Otherwise plug is a key when it differs from nodename (the
  /// pcmk_host_map pattern: nodename=node2, plug=0x2b) or when no nodename is
  /// given (command line); otherwise it names a Corosync node.
  Result<Key> TargetKey() {
    const std::string target = TargetName();
    if (target.empty()) {
      return Fail(ErrorKind::kInvalidArgument, "no target: give plug (a key or a node name) or nodename");
    }
    if (!options_.key_map.empty()) return LookUpInKeyMap(options_.key_map, target);
    if (!options_.plug.empty() && options_.plug != options_.nodename) {
      auto key = ParseKey(options_.plug);
      const bool looks_like_key = options_.plug.rfind("0x", 0) == 0 || options_.plug.rfind("0X", 0) == 0;
      if (key || looks_like_key) return key;
    }
    auto cluster = Cluster();
    if (!cluster) return cluster.error();
    target_key_derived_ = true;
    return (*cluster)->KeyOfNode(target);
  }

  /// This node's key: key=, else the one saved at unfencing, else Corosync's.
  /// A state file that exists but cannot be read (a FIFO, a symbolic link,
  /// an unsafe store_path) is an error, not a reason to guess.
  Result<Key> OwnKey() {
    auto key = OwnKeyFromAnySource();
    // With key_map=, this node's key must be one the map gives to a node.
    if (key && !options_.key_map.empty()) {
      if (auto mapped = LookUpInKeyMap(options_.key_map, FormatKey(*key)); !mapped) {
        return Fail(ErrorKind::kNotFound, "this node's own key: " + mapped.error().message);
      }
    }
    return key;
  }

  Result<Key> OwnKeyFromAnySource() {
    if (options_.key) return *options_.key;
    auto saved = StateStore(options_.store_path).Load();
    if (!saved) return saved.error();
    if (*saved) return (*saved)->key;
    auto cluster = Cluster();
    if (!cluster) {
      return Fail(ErrorKind::kNotFound, "cannot tell this node's own key: give key=, unfence first, or run "
                                        "under Corosync (" +
                                            cluster.error().message + ")");
    }
    return (*cluster)->LocalKey();
  }

  /// `on` registers the key of the node it runs on, never another node's:
  /// a registration holding another node's key is cut off when that node is
  /// fenced. Refuses (nothing changed) a target that is provably another
  /// node: a nodename naming another Corosync node (Pacemaker runs `on` on
  /// the target itself, nodename = that node), a key Corosync derives for
  /// another node, or, typed by hand without nodename, a key other than the
  /// one this node saved when it unfenced since boot (unless key= names the
  /// new key). Otherwise nothing can be proved and `on` goes ahead (a first
  /// unfencing by hand with a pcmk_host_map key).
  Result<void> CheckTargetIsThisNode(Key target) {
    auto cluster = Cluster();
    const std::optional<std::uint32_t> local = cluster ? (*cluster)->local_nodeid : std::nullopt;
    auto refuse = [&](const std::string& why) {
      return Fail(ErrorKind::kInvalidArgument,
                  "refusing to register key " + FormatKey(target) + " on this node: " + why +
                      ". `on` registers the key of the node it runs on; run it on that node (Pacemaker does "
                      "so when the node joins), nothing changed");
    };
    if (local && !options_.nodename.empty()) {
      const ClusterNode* named = (*cluster)->FindNode(options_.nodename);
      if (named != nullptr && named->nodeid != *local) {
        return refuse("nodename=" + options_.nodename + " is another Corosync node");
      }
    }
    if (local) {
      const ClusterNode* holder = (*cluster)->NodeWithKey(target);
      if (holder != nullptr && holder->nodeid != *local) {
        return refuse("it is the key Corosync derives for node " +
                      (holder->name.empty() ? std::to_string(holder->nodeid) : holder->name));
      }
    }
    if (!options_.nodename.empty()) return {};
    // By hand: the key this node unfenced with since boot is its key (the
    // Corosync-derived one is not proof: the cluster may use pcmk_host_map).
    std::optional<Key> saved_key;
    if (auto saved = StateStore(options_.store_path).Load(); saved && *saved) saved_key = (*saved)->key;
    if (!saved_key || *saved_key == target || options_.key == target) return {};
    return refuse("this node's key is " + FormatKey(*saved_key) + " (saved when it unfenced); give key=" +
                  FormatKey(target) + " to confirm that the new key is this node's");
  }

  /// After an off that found `victim` missing from some device: is the target
  /// really off? Fails (the fence is not done) when the target node may
  /// still be registered under another key:
  ///  - the victim's key was derived from Corosync, and a registered key is
  ///    neither ours nor any Corosync node's (a pcmk_host_map or key= key the
  ///    target may have unfenced with);
  ///  - the victim's key came from pcmk_host_map, and the node nodename names
  ///    is registered with its Corosync-derived key;
  ///  - this node's own key is registered by another host too (a duplicate).
  /// Without nodename or Corosync nothing more is known, and off stands.
  Result<void> ConfirmTargetOff(const DeviceList& devices, Key own, Key victim) {
    auto cluster = Cluster();
    if (!cluster) return {};
    auto views = RunOnEach<HostView>(devices, deadline_, [deadline = deadline_](Device& device, std::size_t) {
      return ReadHostView(device, deadline);
    });
    std::vector<Key> suspects;
    std::optional<Key> local_derived;
    if (auto key = (*cluster)->LocalKey()) local_derived = *key;
    std::optional<Key> derived;
    if (!target_key_derived_ && !options_.nodename.empty()) {
      if (auto key = (*cluster)->KeyOfNode(options_.nodename); key && *key != victim) derived = *key;
    }
    for (const auto& view : views) {
      if (!view) return view.error();
      for (const auto& r : view->status.registrants) {
        // Our own key (or our Corosync-derived one) under another host: a
        // duplicate the target may hold.
        const bool ours = r.key == own || (local_derived && r.key == *local_derived);
        const bool our_key_elsewhere =
            ours && !view->host_id.empty() && r.host_id.size() == view->host_id.size() && r.host_id != view->host_id;
        const bool suspect =
            our_key_elsewhere || (target_key_derived_ ? r.key != own && (*cluster)->NodeWithKey(r.key) == nullptr
                                                      : derived && r.key == *derived);
        if (suspect && std::find(suspects.begin(), suspects.end(), r.key) == suspects.end()) {
          suspects.push_back(r.key);
        }
      }
    }
    if (suspects.empty()) return {};
    std::string keys;
    for (Key key : suspects) keys += (keys.empty() ? "" : ", ") + FormatKey(key);
    const std::string target = TargetName();
    if (!target_key_derived_) {
      return Fail(ErrorKind::kVerifyFailed, target + " is NOT fenced: key " + FormatKey(victim) +
                                                " is missing from some device, but " + target +
                                                " may still be registered there, with key " + keys +
                                                " (its Corosync-derived key, or this "
                                                "node's key under another host)" +
                                                "; pcmk_host_map does not match the keys the nodes unfenced with");
    }
    return Fail(ErrorKind::kVerifyFailed,
                "cannot confirm that " + target + " is fenced: its Corosync-derived key " + FormatKey(victim) +
                    " is missing from some device, but keys that belong to no Corosync node (or this node's key "
                    "under another host) are registered (" +
                    keys + "): " + target +
                    " may have unfenced with one of them (pcmk_host_map, key=); give "
                    "pcmk_host_map for every node or remove the stray keys");
  }

  /// The devices, each opened (and checked) by the first command sent to it,
  /// in the worker thread that handles it: the first pass over the devices
  /// of every action only reads, so a device that cannot be opened fails the
  /// action before anything changed. OpenNow() opens them all at once.
  Result<DeviceList> OpenDevices() {
    if (options_.devices.empty()) return Fail(ErrorKind::kInvalidArgument, "no devices given (devices=)");
    if (auto r = env_.devices.CheckDistinct(options_.devices); !r) return r.error();
    return env_.devices.Defer(options_.devices, options_.backend);
  }

 private:
  const FenceOptions& options_;
  FenceEnvironment& env_;
  Deadline deadline_;
  std::optional<Result<ClusterMap>> cluster_;
  bool target_key_derived_ = false;  ///< TargetKey derived the key from Corosync
};

long long MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

int Failed(const std::string& action, const Error& error) {
  spdlog::error("{}: {}", action, error.message);
  return kExitFailure;
}

// The one-line result of on and off: to syslog, and to stdout, which the
// fencer logs at debug level only (core/agent_kit/log.cc says why).
void Succeeded(ActionContext& ctx, const std::string& line) {
  ctx.out() << line << "\n";
  spdlog::info("{}", line);
}

int DoOn(ActionContext& ctx) {
  const auto start = Clock::now();
  auto lock = StateStore(ctx.options().store_path).Lock(ctx.deadline());
  if (!lock) return Failed("on", lock.error());
  Result<Key> key = ctx.TargetName().empty() ? ctx.OwnKey() : ctx.TargetKey();
  if (!key) return Failed("on", key.error());
  if (ctx.options().key && *ctx.options().key != *key) {
    return Failed(
        "on", Fail(ErrorKind::kInvalidArgument, "key=" + FormatKey(*ctx.options().key) + " and the target's key " +
                                                    FormatKey(*key) + " differ; on registers the target's own key"));
  }
  if (auto r = ctx.CheckTargetIsThisNode(*key); !r) return Failed("on", r.error());
  auto devices = ctx.OpenDevices();
  if (!devices) return Failed("on", devices.error());
  // Unfence registers as it goes: open every device before, so that a missing
  // one leaves every device as it was.
  if (auto r = OpenNow(*devices, ctx.deadline()); !r) return Failed("on", r.error());
  // The key this node saved when it unfenced since boot: the only other key
  // of this host that unfencing may replace (core/reservation_logic/registration.h).
  std::optional<Key> previous;
  if (auto saved = StateStore(ctx.options().store_path).Load(); saved && *saved) previous = (*saved)->key;
  if (auto r = Unfence(*devices, *key, ctx.options().reservation_type, ctx.deadline(), previous); !r) {
    return Failed("on", r.error());
  }
  if (auto r = StateStore(ctx.options().store_path).Save({*key, ctx.options().devices}); !r) {
    return Failed("on", r.error());
  }
  Succeeded(ctx, fmt::format("on: key {} registered and verified on {} device(s) in {} ms", FormatKey(*key),
                             devices->size(), MsSince(start)));
  return kExitSuccess;
}

// The victim's key was registered nowhere (fenced already, or never
// unfenced: off succeeds, there is nothing left to cut off). If keys nobody
// knows are registered - not this node's, not a Corosync node's - the
// victim's key may be a typo (pcmk_host_map, plug) and the node meant is
// still writing: say which keys, so the "success" is not silent. Runs only
// on this path, after the fence, from the reports Fence read anyway
// (Corosync is asked here only if the action has not asked it already).
void WarnAboutUnknownKeys(ActionContext& ctx, Key victim, const std::vector<Key>& others) {
  if (others.empty()) return;
  std::vector<Key> unknown = others;
  auto cluster = ctx.Cluster();
  if (cluster) {
    for (const auto& node : (*cluster)->nodes) {
      auto key = DeriveKey((*cluster)->cluster_name, node.nodeid);
      if (key) unknown.erase(std::remove(unknown.begin(), unknown.end(), *key), unknown.end());
    }
  }
  if (unknown.empty()) return;
  std::string keys;
  for (Key key : unknown) keys += (keys.empty() ? "" : ", ") + FormatKey(key);
  const std::string& node = ctx.options().nodename;
  spdlog::warn("off: key {}{} is not registered on any device, but key(s) {} that {} are: if the key "
               "map (pcmk_host_map, plug) has a typo, the node meant was not fenced",
               FormatKey(victim), node.empty() ? "" : " (" + node + ")", keys,
               cluster ? "belong to no Corosync node" : "are not this node's (Corosync not available to tell)");
}

// Fences the target. The delay runs before the context (and its deadline) is
// made, so power_timeout bounds the fencing itself.
int DoOff(ActionContext& ctx) {
  const auto start = Clock::now();
  auto lock = StateStore(ctx.options().store_path).Lock(ctx.deadline());
  if (!lock) return Failed("off", lock.error());
  auto devices = ctx.OpenDevices();
  if (!devices) return Failed("off", devices.error());
  auto victim = ctx.TargetKey();
  if (!victim) return Failed("off", victim.error());
  auto own = ctx.OwnKey();
  if (!own) return Failed("off", own.error());
  FenceSighting seen;
  if (auto r = Fence(*devices, *own, *victim, ctx.options().reservation_type, ctx.deadline(), &seen); !r) {
    return Failed("off", r.error());
  }
  // The key was missing from some device before: the node was off there
  // already, or the key names nobody there (a pcmk_host_map that does not
  // match the keys the nodes unfenced with, a key registered by hand). Then
  // the target must not be registered there under another key, or the
  // fence is not done. (Not on the usual path: it costs a Corosync read.)
  if (!seen.victim_everywhere) {
    if (auto r = ctx.ConfirmTargetOff(*devices, *own, *victim); !r) return Failed("off", r.error());
  }
  if (!seen.victim_registered) WarnAboutUnknownKeys(ctx, *victim, seen.others);
  Succeeded(ctx, fmt::format("off: {} (key {}) fenced and verified on {} device(s) in {} ms", ctx.TargetName(),
                             FormatKey(*victim), devices->size(), MsSince(start)));
  return kExitSuccess;
}

int DoStatus(ActionContext& ctx) {
  auto key = ctx.TargetKey();
  if (!key) return Failed("status", key.error());
  auto devices = ctx.OpenDevices();
  if (!devices) return Failed("status", devices.error());
  auto presence = FindKey(*devices, *key, ctx.deadline());
  if (!presence) return Failed("status", presence.error());
  const bool on = presence->registered_on > 0;
  ctx.out() << "Status: " << (on ? "ON" : "OFF") << "\n";
  spdlog::info("status: {} (key {}) registered on {} of {} device(s)", ctx.TargetName(), FormatKey(*key),
               presence->registered_on, presence->devices);
  return on ? kExitSuccess : kExitStatusOff;
}

// list / list-status: the nodes this device can fence, "key,node" per line
// as fence-agents print "plug,alias" (list-status adds ",on" or ",off":
// registered on some device or on none). With Corosync that is every node of
// its nodelist, registered or not, so that Pacemaker's dynamic-list (the
// default without pcmk_host_map / pcmk_host_list) finds nodes never unfenced
// or already fenced; then every other key registered now (a pcmk_host_map
// key, which Pacemaker does not pass to the agent), with no node name.
// Without Corosync: the registered keys only. A device that cannot be read
// fails list and list-status: a fence device that cannot reach its disks can
// fence no one, and Pacemaker must not route a node's unfencing through it
// (cluster.three-nodes scenario 5: a second device on a missing disk that
// listed every node made Pacemaker unfence node1 through it, and fail).
int DoList(ActionContext& ctx, bool with_status) {
  const char* action = with_status ? "list-status" : "list";
  auto devices = ctx.OpenDevices();
  if (!devices) return Failed(action, devices.error());
  auto reports = ReadAll(*devices, ctx.deadline());
  auto cluster = ctx.Cluster();
  if (!reports) return Failed(action, reports.error());
  std::vector<Key> registered;
  if (reports) {
    for (const auto& report : *reports) {
      for (const auto& r : report.registrants) {
        if (std::find(registered.begin(), registered.end(), r.key) == registered.end()) registered.push_back(r.key);
      }
    }
  }
  auto print = [&](Key key, const std::string& node) {
    ctx.out() << FormatKey(key) << "," << node;
    if (with_status) {
      const bool on = std::find(registered.begin(), registered.end(), key) != registered.end();
      ctx.out() << (on ? ",on" : ",off");
    }
    ctx.out() << "\n";
  };
  std::size_t nodes = 0;
  if (cluster) {
    for (const auto& node : (*cluster)->nodes) {
      auto key = DeriveKey((*cluster)->cluster_name, node.nodeid);
      if (!key) continue;
      const std::string& name = node.name.empty() ? node.ring0_addr : node.name;
      if (node.name.empty()) {
        spdlog::warn("{}: Corosync node {} has no name in the nodelist: Pacemaker may know it by another name; "
                     "give every node a name in corosync.conf",
                     action, node.nodeid);
      }
      print(*key, name);
      ++nodes;
    }
  }
  std::size_t others = 0;
  for (Key key : registered) {
    if (cluster && (*cluster)->NodeWithKey(key) != nullptr) continue;
    print(key, "");
    ++others;
  }
  spdlog::info("{}: {} Corosync node(s), {} other registered key(s){}", action, nodes, others,
               reports ? ", " + std::to_string(devices->size()) + " device(s) read" : std::string());
  return kExitSuccess;
}

// Warns where this host's registration holds a key that is provably not
// this node's: not key= nor the key saved at unfencing, or (when neither is
// known) the derived key of another Corosync node. Corosync is asked only
// then, so a healthy monitor runs no helper program.
void WarnAboutForeignRegistrations(ActionContext& ctx, const DeviceList& devices,
                                   const std::vector<HostRegistration>& hosts, const char* action) {
  std::optional<Key> saved_key;
  if (auto saved = StateStore(ctx.options().store_path).Load(); saved && *saved) saved_key = (*saved)->key;
  const std::optional<Key> own = ctx.options().key ? ctx.options().key : saved_key;
  for (std::size_t i = 0; i < hosts.size() && i < devices.size(); ++i) {
    const std::optional<Key>& key = hosts[i].key;
    if (!key || key == ctx.options().key || key == saved_key) continue;
    std::optional<Key> mine = own;
    if (!mine) {
      auto cluster = ctx.Cluster();
      if (!cluster) continue;
      const ClusterNode* holder = (*cluster)->NodeWithKey(*hosts[i].key);
      auto local = (*cluster)->LocalKey();
      if (holder == nullptr || !local || *local == *hosts[i].key) continue;
      mine = *local;
    }
    spdlog::warn("{}: {}", action, ForeignKeyWarning(*devices[i], hosts[i].host_id, *hosts[i].key, *mine));
  }
}

int DoMonitor(ActionContext& ctx, const char* action) {
  const auto start = Clock::now();
  auto devices = ctx.OpenDevices();
  if (!devices) return Failed(action, devices.error());
  auto hosts = CheckSupport(*devices, ctx.options().reservation_type, ctx.deadline());
  if (!hosts) return Failed(action, hosts.error());
  WarnAboutForeignRegistrations(ctx, *devices, *hosts, action);
  spdlog::info("{}: {} device(s) answer and support reservations ({} ms)", action, devices->size(), MsSince(start));
  return kExitSuccess;
}

// validate-all checks what it can without changing anything: parameters
// (already typed when we get here), the state under store_path (an unsafe
// directory or a state file that cannot be read would fail `on` and `off`)
// and every device. It does not resolve a target: Pacemaker and pcs validate
// with a made-up nodename ("node1").
int DoValidate(ActionContext& ctx) {
  auto saved = StateStore(ctx.options().store_path).Load();
  if (!saved) return Failed("validate-all", saved.error());
  if (ctx.options().key && *saved && (*saved)->key != *ctx.options().key) {
    spdlog::warn("validate-all: key={} differs from the key saved at unfencing ({})", FormatKey(*ctx.options().key),
                 FormatKey((*saved)->key));
  }
  return DoMonitor(ctx, "validate-all");
}

int DoMetadata(FenceEnvironment& env) {
  *env.out << docs::kFenceAgentMetadata;  // written at build time (agent_docs/)
  return kExitSuccess;
}

int DoManPage(FenceEnvironment& env) {
  *env.out << docs::kFenceAgentManPage;
  return kExitSuccess;
}

// The code of each action of FenceAgentSpec() (action_handlers.h):
// `with_context` gets the devices, keys and deadline.
using FenceActionHandler = ActionHandler<int, FenceEnvironment, ActionContext>;
constexpr FenceActionHandler kHandlers[] = {
    {"on", nullptr, DoOn},
    {"off", nullptr, DoOff},
    {"reboot", nullptr, DoOff},
    {"status", nullptr, DoStatus},
    {"list", nullptr, [](ActionContext& ctx) { return DoList(ctx, false); }},
    {"list-status", nullptr, [](ActionContext& ctx) { return DoList(ctx, true); }},
    {"monitor", nullptr, [](ActionContext& ctx) { return DoMonitor(ctx, "monitor"); }},
    {"validate-all", nullptr, DoValidate},
    {"metadata", DoMetadata, nullptr},
    {"manpage", DoManPage, nullptr},
};

}  // namespace

int RunFenceAction(const FenceOptions& options, FenceEnvironment& env) {
  const std::string& action = options.action;
  const FenceActionHandler* handler = FindHandler(kHandlers, action);
  if (handler == nullptr) {
    return Failed(action.empty() ? "fence_nvme_pr" : action,
                  Fail(ErrorKind::kInvalidArgument,
                       action.empty() ? "no action given (action= or -o)" : "action not implemented"));
  }
  if (handler->alone) return handler->alone(env);
  // A warning, so that it reaches stderr: only a caller that does not remap
  // reboot itself (FAR; Pacemaker remaps it, the action is not advertised)
  // gets here, and it should say that no power-cycle happened.
  if (action == "reboot") {
    spdlog::warn("reboot: carried out as off: fabric fencing cannot power-cycle a node; the target stays cut "
                 "off from the devices until it registers again with on");
  }
  if ((action == "off" || action == "reboot") && options.delay.count() > 0) {
    spdlog::info("off: waiting delay={} ms before fencing", options.delay.count());
    std::this_thread::sleep_for(options.delay);
  }
  ActionContext ctx(options, env);
  return handler->with_context(ctx);
}

std::vector<std::string> HandledFenceActions() { return HandledActions(kHandlers); }

}  // namespace nvmepr
