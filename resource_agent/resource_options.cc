#include "resource_options.h"

#include <charconv>
#include <set>

#include "keys.h"

namespace nvmepr {
namespace {

Error Bad(const std::string& name, const std::string& value, const std::string& why) {
  return Fail(ErrorKind::kInvalidArgument, name + "='" + value.substr(0, 80) + "': " + why);
}

Result<std::vector<std::string>> ParseDevices(const std::string* value) {
  if (value == nullptr || SplitDeviceList(*value).empty()) {
    return Fail(ErrorKind::kInvalidArgument, "devices is required: give the shared NVMe namespaces (devices=...)");
  }
  std::vector<std::string> devices = SplitDeviceList(*value);
  std::set<std::string> seen;
  for (const auto& name : devices) {
    if (auto expanded = ExpandDeviceName(name); !expanded) return Bad("devices", *value, expanded.error().message);
    if (!seen.insert(name).second) return Bad("devices", *value, "device " + name + " is listed twice");
  }
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

Result<ReservationType> ParseOwnerType(const std::string& value) {
  auto type = ParseType(value);
  if (!type || (*type != ReservationType::kWriteExclusive && *type != ReservationType::kExclusiveAccess)) {
    return Bad("reservation_type", value,
               "expected write-exclusive or exclusive-access (one owner; the other types let registered "
               "standbys write)");
  }
  return *type;
}

}  // namespace

Result<ResourceOptions> ToResourceOptions(const ParsedParams& params) {
  ResourceOptions options;
  auto get = [&](const char* name) -> const std::string* {
    auto it = params.values.find(name);
    return it == params.values.end() ? nullptr : &it->second;
  };
  auto devices = ParseDevices(get("devices"));
  if (!devices) return devices.error();
  options.devices = std::move(*devices);
  if (const std::string* v = get("key"); v && !v->empty()) {
    if (auto r = ParseKeyParam(*v, options); !r) return r.error();
  }
  if (const std::string* v = get("reservation_type"); v && !v->empty()) {
    auto type = ParseOwnerType(*v);
    if (!type) return type.error();
    options.reservation_type = *type;
  }
  if (const std::string* v = get("required_devices")) {
    auto required = ParseRequired(*v, options.devices.size());
    if (!required) return required.error();
    options.required_devices = *required;
  }
  if (const std::string* v = get("preempt_abort"); v && !v->empty()) {
    auto flag = ParseBoolean("preempt_abort", *v);
    if (!flag) return flag.error();
    options.preempt_abort = *flag;
  }
  if (const std::string* v = get("device_backend"); v && !v->empty()) {
    auto backend = ParseBackend(*v);
    if (!backend) return Bad("device_backend", *v, "expected auto, passthrough or block");
    options.backend = *backend;
  }
  // An empty store_path= means the default (documented in the README).
  if (const std::string* v = get("store_path"); v && !v->empty()) {
    if ((*v)[0] != '/') return Bad("store_path", *v, "must be an absolute path");
    options.store_path = *v;
  }
  if (const std::string* v = get("promotion_score"); v && !v->empty()) {
    int score = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), score);
    if (ec != std::errc() || end != v->data() + v->size() || score < 1 || score > 1000000) {
      return Bad("promotion_score", *v, "expected a number from 1 to 1000000");
    }
    options.promotion_score = score;
  }
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
