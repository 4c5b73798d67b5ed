// SPDX-License-Identifier: GPL-2.0-or-later
#include "ocf_environment.h"

#include <algorithm>
#include <charconv>

extern char** environ;

namespace nvmepr {
namespace {

constexpr std::string_view kReskey = "OCF_RESKEY_";
constexpr std::string_view kMeta = "CRM_meta_";

std::optional<long long> ParseNumber(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads one CRM_meta_<name> attribute into `meta`; unknown ones are Pacemaker's business.
void ReadMeta(std::string_view name, const std::string& value, OcfMeta& meta, ParsedParams& parsed) {
  auto number = [&](std::optional<long long>& out) {
    out = ParseNumber(value);
    if (!out) {
      parsed.AddWarning("ignoring CRM_meta_" + std::string(name) + "='" + value.substr(0, 40) + "': not a number");
    }
  };
  if (name == "interval") {
    number(meta.interval_ms);
  } else if (name == "timeout") {
    number(meta.timeout_ms);
  } else if (name == "role") {
    meta.role = ParseOcfRole(value);
    if (meta.role == OcfRole::kNone) parsed.AddWarning("ignoring unknown role '" + value.substr(0, 40) + "'");
  } else if (name == "on_node") {
    meta.on_node = value;
  } else if (name == "clone_max") {
    meta.clone = true;
  } else if (name == "promoted_max" || name == "master_max") {
    // Pacemaker 2.1 sends both names; older versions only master_max.
    std::optional<long long> max;
    number(max);
    meta.promotable = true;
    meta.promoted_max = std::max(meta.promoted_max, max.value_or(1));
  } else if (name == "promotable") {
    meta.promotable = meta.promotable || value == "true" || value == "1";
  }
}

}  // namespace

OcfRole ParseOcfRole(std::string_view text) {
  if (text == "Promoted" || text == "Master") return OcfRole::kPromoted;
  if (text == "Unpromoted" || text == "Slave") return OcfRole::kUnpromoted;
  if (text == "Started") return OcfRole::kStarted;
  return OcfRole::kNone;
}

EnvironmentMap ProcessEnvironment() {
  EnvironmentMap env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

Result<OcfRequest> ParseOcfRequest(std::string action, const EnvironmentMap& env, const AgentSpec& spec) {
  OcfRequest request;
  request.action = std::move(action);
  for (const auto& [variable, value] : env) {
    if (variable.compare(0, kReskey.size(), kReskey) != 0) continue;
    const std::string_view name = std::string_view(variable).substr(kReskey.size());
    if (name.substr(0, kMeta.size()) == kMeta) {
      ReadMeta(name.substr(kMeta.size()), value, request.meta, request.params);
    } else if (spec.FindParam(name) != nullptr) {
      request.params.values[std::string(name)] = value;
    } else if (name != "crm_feature_set") {
      request.params.AddWarning("ignoring unknown parameter '" + std::string(name.substr(0, 64)) + "'");
    }
  }
  if (auto it = env.find("OCF_CHECK_LEVEL"); it != env.end() && !it->second.empty()) {
    auto level = ParseNumber(it->second);
    if (!level || *level < 0) {
      const std::string problem = "OCF_CHECK_LEVEL='" + it->second.substr(0, 40) + "': expected a number (0, 10, 20)";
      // Only monitor and validate-all read the level. Any other action goes
      // on (level 0): above all stop, whose failure gets the node fenced.
      if (request.action == "monitor" || request.action == "validate-all") {
        return Fail(ErrorKind::kInvalidArgument, problem);
      }
      request.params.AddWarning("ignoring " + problem + ": " + request.action + " does not use it");
      level = 0;
    }
    request.check_level = static_cast<int>(std::min<long long>(*level, 1000));
  }
  if (auto it = env.find("OCF_RESOURCE_INSTANCE"); it != env.end()) request.instance = it->second;
  if (auto it = env.find("HA_debug"); it != env.end()) request.debug = !it->second.empty() && it->second != "0";
  return request;
}

bool OcfLogsToStderr(const EnvironmentMap& env) {
  const auto facility = env.find("HA_LOGFACILITY");
  const auto file = env.find("HA_LOGFILE");
  const bool to_syslog = facility != env.end() && !facility->second.empty() && facility->second != "none";
  const bool to_file = file != env.end() && !file->second.empty();
  return !to_syslog && !to_file;
}

}  // namespace nvmepr
