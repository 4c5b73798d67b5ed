// SPDX-License-Identifier: GPL-2.0-or-later
#include "corosync.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "keys.h"
#include "subprocess.h"
#include "text.h"

namespace nvmepr {
namespace {

std::optional<std::uint32_t> ParseU32(std::string_view text) {
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsAddress(std::string_view text) {
  const std::string copy(text);
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, copy.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

}  // namespace

const ClusterNode* ClusterMap::FindNode(std::string_view name) const {
  if (name.empty()) return nullptr;
  for (const auto& node : nodes) {
    if ((!node.name.empty() && node.name == name) || (!node.ring0_addr.empty() && node.ring0_addr == name)) {
      return &node;
    }
  }
  // Pacemaker may know a node by its short host name while Corosync has the
  // fully qualified one, or the other way round. Only that case, never for
  // addresses, and only when exactly one node fits: fencing the wrong node
  // is worse than failing.
  if (IsAddress(name)) return nullptr;
  const ClusterNode* found = nullptr;
  for (const auto& node : nodes) {
    if (node.name.empty() || IsAddress(node.name)) continue;
    const bool name_short = name.find('.') == std::string_view::npos;
    const bool node_short = node.name.find('.') == std::string::npos;
    if (name_short == node_short) continue;
    const std::string_view a = name.substr(0, name.find('.'));
    const std::string_view b = std::string_view(node.name).substr(0, node.name.find('.'));
    if (a != b) continue;
    if (found != nullptr) return nullptr;  // ambiguous
    found = &node;
  }
  return found;
}

Result<Key> ClusterMap::KeyOfNode(std::string_view name) const {
  const ClusterNode* node = FindNode(name);
  if (node == nullptr) {
    return Fail(ErrorKind::kNotFound,
                "node '" + std::string(name) + "' is not in the corosync nodelist; give its key explicitly");
  }
  return DeriveKey(cluster_name, node->nodeid);
}

Result<Key> ClusterMap::LocalKey() const {
  if (!local_nodeid) {
    return Fail(ErrorKind::kNotFound, "corosync does not say which node this is; set key=");
  }
  return DeriveKey(cluster_name, *local_nodeid);
}

const ClusterNode* ClusterMap::NodeWithKey(Key key) const {
  for (const auto& node : nodes) {
    auto derived = DeriveKey(cluster_name, node.nodeid);
    if (derived && *derived == key) return &node;
  }
  return nullptr;
}

Result<ClusterMap> ParseCmapctl(std::string_view output) {
  ClusterMap map;
  std::map<std::string, ClusterNode> by_index;  // nodelist.node.<index>
  std::optional<std::uint32_t> local_pos, votequorum_id;
  while (!output.empty()) {
    const auto eol = output.find('\n');
    const std::string_view line = output.substr(0, eol);
    output.remove_prefix(eol == std::string_view::npos ? output.size() : eol + 1);
    const auto type_at = line.find(" (");
    const auto eq = line.find(") = ");
    if (type_at == std::string_view::npos || eq == std::string_view::npos || eq < type_at) continue;
    const std::string_view key = line.substr(0, type_at);
    const std::string_view value = Trim(line.substr(eq + 4));
    if (key == "totem.cluster_name") {
      map.cluster_name = value;
    } else if (key == "nodelist.local_node_pos") {
      local_pos = ParseU32(value);
    } else if (key == "runtime.votequorum.this_node_id") {
      votequorum_id = ParseU32(value);
    } else if (key.substr(0, 14) == "nodelist.node.") {
      const std::string_view rest = key.substr(14);
      const auto dot = rest.find('.');
      if (dot == std::string_view::npos) continue;
      ClusterNode& node = by_index[std::string(rest.substr(0, dot))];
      const std::string_view field = rest.substr(dot + 1);
      if (field == "nodeid") {
        node.nodeid = ParseU32(value).value_or(0);
      } else if (field == "name") {
        node.name = value;
      } else if (field == "ring0_addr") {
        node.ring0_addr = value;
      }
    }
  }
  if (map.cluster_name.empty()) {
    return Fail(ErrorKind::kNotFound, "corosync reports no totem.cluster_name");
  }
  for (auto& [index, node] : by_index) {
    if (node.nodeid == 0) {
      return Fail(ErrorKind::kInvalidArgument,
                  "corosync nodelist entry " + index + " has no nodeid; keys need explicit nodeids");
    }
    if (local_pos && std::to_string(*local_pos) == index) map.local_nodeid = node.nodeid;
    map.nodes.push_back(node);
  }
  if (!map.local_nodeid && votequorum_id) map.local_nodeid = votequorum_id;
  return map;
}

Result<ClusterMap> ReadClusterMap(Deadline deadline) {
  auto run =
      RunProgram({"corosync-cmapctl", "totem.cluster_name", "nodelist.", "runtime.votequorum.this_node_id"}, deadline);
  if (!run) {
    return Fail(run.error().kind, "cannot ask Corosync for keys: " + run.error().message + " (is corosync installed?)");
  }
  if (run->exit_status != 0) {
    return Fail(ErrorKind::kNotFound,
                "corosync-cmapctl failed (is corosync running?); without Corosync give keys explicitly");
  }
  return ParseCmapctl(run->output);
}

}  // namespace nvmepr
