// SPDX-License-Identifier: GPL-2.0-or-later
#include "fence_options.h"

#include "agent_spec.h"
#include "keys.h"
#include "param_values.h"

namespace nvmepr {

Result<std::string> CanonicalAction(const std::string& action) {
  return ResolveAction(FenceAgentSpec(), action, /*ignore_case=*/true);
}

// Types come from the table (param_values.h); what is left here is what a
// table row cannot say: the action, the key, the device list.
Result<FenceOptions> ToFenceOptions(const ParsedParams& params) {
  auto values = ParamValues::Check(params, FenceAgentSpec());
  if (!values) return values.error();
  FenceOptions options;
  options.verbose = values->Flag("verbose");
  options.quiet = values->Flag("quiet");
  options.help = values->Flag("help");
  options.version = values->Flag("version");
  if (const std::string* v = values->Given("action")) {
    auto action = CanonicalAction(*v);
    if (!action) return action.error();
    options.action = *action;
  }
  options.plug = values->Text("plug");
  options.nodename = values->Text("nodename");
  options.devices = SplitList(values->Text("devices"));
  if (const std::string* v = values->Given("key")) {
    auto key = ParseKey(*v);
    if (!key) return Fail(ErrorKind::kInvalidArgument, "key: " + key.error().message);
    options.key = *key;
  }
  if (const std::string* v = values->Given("key_map"); v && !v->empty()) {
    auto map = ParseKeyMap(*v);
    if (!map) return Fail(ErrorKind::kInvalidArgument, "key_map: " + map.error().message);
    options.key_map = std::move(*map);
  }
  // auto (the default) is kNone: Unfence picks the type per device.
  options.reservation_type = ParseType(values->Choice("reservation_type")).value_or(ReservationType::kNone);
  options.backend = ParseBackend(values->Choice("device_backend")).value_or(Backend::kAuto);
  options.store_path = values->Text("store_path");
  options.power_timeout = values->Duration("power_timeout");
  options.delay = values->Duration("delay");
  options.debug_file = values->Text("debug_file");
  return options;
}

}  // namespace nvmepr
