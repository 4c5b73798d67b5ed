// SPDX-License-Identifier: GPL-2.0-or-later
// What Pacemaker hands the resource agent: the environment (one NAME=VALUE
// per line of input), read and typed as nvme_persist does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ocf_environment.h"
#include "resource_options.h"
#include "resource_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nvmepr::EnvironmentMap env;
  std::string action = "monitor";
  bool first = true;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (first) {
      action = std::string(line);  // the first line is argv[1]
      first = false;
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  auto request = nvmepr::ParseOcfRequest(action, env, nvmepr::ResourceAgentSpec());
  if (!request) return 0;
  (void)request->IsProbe();
  auto options = nvmepr::ToResourceOptions(request->params);
  if (options) (void)nvmepr::ConfiguredKey(*options, {request->meta.on_node, "node1"});
  return 0;
}
