// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_options.h"

#include <charconv>
#include <set>

#include "keys.h"
#include "param_values.h"
#include "resource_spec.h"
#include "text.h"

namespace nvmepr {
namespace {

Error Bad(const std::string& name, const std::string& value, const std::string& why) {
  return Fail(ErrorKind::kInvalidArgument, name + "='" + value.substr(0, 80) + "': " + why);
}

Result<std::vector<std::string>> ParseDevices(const std::string* value) {
  if (value == nullptr || SplitList(*value).empty()) {
    return Fail(ErrorKind::kInvalidArgument, "devices is required: give the shared NVMe namespaces (devices=...)");
  }
  std::vector<std::string> devices = SplitList(*value);
  for (const auto& name : devices) {
    if (auto expanded = ExpandDeviceName(name); !expanded) return Bad("devices", *value, expanded.error().message);
  }
  if (auto twice = CheckNoNameTwice(devices); !twice) return Bad("devices", *value, twice.error().message);
  return devices;
}

// key=KEY, or key=node1:KEY;node2:KEY (separators ';', ',' or blanks).
Result<void> ParseKeyParam(const std::string& value, ResourceOptions& options) {
  if (value.find(':') == std::string::npos) {
    auto key = ParseKey(value);
    if (!key) return Bad("key", value, key.error().message);
    options.key = *key;
    return {};
  }
  auto map = ParseKeyMap(value);
  if (!map) return Bad("key", value, map.error().message);
  options.key_map = std::move(*map);
  return {};
}

Result<std::size_t> ParseRequired(const std::string& value, std::size_t devices) {
  if (value.empty() || value == "all") return std::size_t{0};
  std::size_t count = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
  if (ec != std::errc() || end != value.data() + value.size() || count < 1 || count > devices) {
    return Bad("required_devices", value,
               "expected all or a number from 1 to " + std::to_string(devices) + " (the number of devices)");
  }
  return count == devices ? 0 : count;
}

}  // namespace

// Types come from the table (param_values.h); what is left here is what a
// table row cannot say: the device list, the key (or key map), and
// required_devices, whose range depends on the number of devices.
Result<ResourceOptions> ToResourceOptions(const ParsedParams& params) {
  auto values = ParamValues::Check(params, ResourceAgentSpec());
  if (!values) return values.error();
  auto devices = ParseDevices(values->Given("devices"));
  if (!devices) return devices.error();
  ResourceOptions options;
  options.devices = std::move(*devices);
  if (const std::string* v = values->Given("key")) {
    if (auto r = ParseKeyParam(*v, options); !r) return r.error();
  }
  // The table admits only the owner types (write-exclusive, exclusive-access).
  options.reservation_type = ParseType(values->Choice("reservation_type")).value_or(ReservationType::kWriteExclusive);
  if (const std::string* v = values->Given("required_devices")) {
    auto required = ParseRequired(*v, options.devices.size());
    if (!required) return required.error();
    options.required_devices = *required;
  }
  options.preempt_abort = values->Flag("preempt_abort");
  options.backend = ParseBackend(values->Choice("device_backend")).value_or(Backend::kAuto);
  options.store_path = values->Text("store_path");
  options.promotion_score = static_cast<int>(values->Integer("promotion_score"));
  return options;
}

Result<std::optional<Key>> ConfiguredKey(const ResourceOptions& options, const std::vector<std::string>& node_names) {
  if (options.key) return options.key;
  if (options.key_map.empty()) return std::optional<Key>();
  for (const auto& name : node_names) {
    if (name.empty()) continue;
    if (auto it = options.key_map.find(name); it != options.key_map.end()) return std::optional<Key>(it->second);
    // The map may use short names where Pacemaker knows the node by its full name.
    const std::string short_name = name.substr(0, name.find('.'));
    if (auto it = options.key_map.find(short_name); it != options.key_map.end()) return std::optional<Key>(it->second);
  }
  std::string names;
  for (const auto& name : node_names) {
    if (!name.empty()) names += (names.empty() ? "" : " or ") + name;
  }
  return Fail(ErrorKind::kNotFound, "key= has no entry for this node (" + names + ")");
}

}  // namespace nvmepr
