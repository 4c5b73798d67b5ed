// SPDX-License-Identifier: GPL-2.0-or-later
// corosync-cmapctl's output, parsed into the cluster map the keys come from,
// and every lookup of it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "corosync.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto map = nvmepr::ParseCmapctl(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!map) return 0;
  (void)map->LocalKey();
  for (const auto& node : map->nodes) {
    auto key = map->KeyOfNode(node.name);
    if (key) (void)map->NodeWithKey(*key);
    (void)map->FindNode(node.ring0_addr);
    (void)map->FindNode(node.name.substr(0, node.name.find('.')));
  }
  return 0;
}
