// SPDX-License-Identifier: GPL-2.0-or-later
// Keys as administrators write them: a single key, and key= of the resource
// agent (a key or a node:key map), looked up for a node.
#include <cstddef>
#include <cstdint>
#include <string>

#include "keys.h"
#include "param_parser.h"
#include "resource_options.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto key = nvmepr::ParseKey(text);
  if (key && *key == 0) __builtin_trap();  // 0 is never a key
  nvmepr::ParsedParams params;
  params.values["devices"] = "/dev/nvme0n1";
  params.values["key"] = text;
  auto options = nvmepr::ToResourceOptions(params);
  if (options) {
    (void)nvmepr::ConfiguredKey(*options, {"node1", "node1.example.com"});
    for (const auto& [node, mapped] : options->key_map) {
      if (mapped == 0) __builtin_trap();
    }
  }
  return 0;
}
