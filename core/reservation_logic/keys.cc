// SPDX-License-Identifier: GPL-2.0-or-later
#include "keys.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "fnv1a.h"

namespace nvmepr {

Result<Key> ParseKey(std::string_view text) {
  std::string_view digits = text;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
  }
  auto bad = [&](const char* why) {
    return Fail(ErrorKind::kInvalidArgument, "key '" + std::string(text.substr(0, 40)) + "': " + why);
  };
  if (digits.empty()) return bad("empty; expected up to 16 hex digits");
  if (digits.size() > 16) return bad("longer than 64 bits (16 hex digits)");
  Key key = 0;
  for (char c : digits) {
    int value;
    if (c >= '0' && c <= '9')
      value = c - '0';
    else if (c >= 'a' && c <= 'f')
      value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      value = c - 'A' + 10;
    else
      return bad("not a hex number");
    key = (key << 4) | static_cast<Key>(value);
  }
  if (key == 0) return bad("key 0 means 'no key' and cannot identify a node");
  return key;
}

Result<std::map<std::string, Key>> ParseKeyMap(std::string_view text) {
  std::map<std::string, Key> map;
  std::set<Key> keys;
  std::set<std::string> nodes;  // lower-cased
  auto bad = [](std::string why) { return Fail(ErrorKind::kInvalidArgument, std::move(why)); };
  std::size_t at = 0;
  while (at < text.size()) {
    const auto is_separator = [](char c) {
      return c == ';' || c == ',' || std::isspace(static_cast<unsigned char>(c));
    };
    while (at < text.size() && is_separator(text[at])) ++at;
    std::size_t end = at;
    while (end < text.size() && !is_separator(text[end])) ++end;
    if (end == at) break;
    const std::string entry(text.substr(at, end - at));
    at = end;
    const auto colon = entry.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return bad("expected node:key entries, got '" + entry.substr(0, 80) + "'");
    }
    auto key = ParseKey(entry.substr(colon + 1));
    if (!key) return key.error();
    std::string node = entry.substr(0, colon);
    std::string lower = node;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!nodes.insert(lower).second) {
      return bad("node " + node.substr(0, 80) + " is listed twice: give each node exactly one key");
    }
    if (!keys.insert(*key).second) return bad("key " + FormatKey(*key) + " is given to two nodes");
    map[std::move(node)] = *key;
  }
  return map;
}

Result<Key> LookUpInKeyMap(const std::map<std::string, Key>& map, std::string_view node_or_key) {
  const auto lower = [](std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
  };
  const std::string wanted = lower(node_or_key);
  for (const auto& [node, key] : map) {
    if (lower(node) == wanted) return key;
  }
  const std::string shown(node_or_key.substr(0, 80));
  if (auto key = ParseKey(node_or_key)) {
    for (const auto& [node, mapped] : map) {
      if (mapped == *key) return *key;
    }
    return Fail(ErrorKind::kNotFound, "key " + FormatKey(*key) + " belongs to no node of key_map");
  }
  return Fail(ErrorKind::kNotFound, "node " + shown + " is not in key_map (" + std::to_string(map.size()) +
                                        " node(s)); add it as " + shown + ":KEY");
}

Result<Key> DeriveKey(std::string_view cluster_name, std::uint32_t nodeid) {
  if (nodeid == 0) {
    return Fail(ErrorKind::kInvalidArgument, "corosync nodeid 0 is not a valid node id");
  }
  return (static_cast<Key>(Fnv1a32(cluster_name)) << 32) | nodeid;
}

}  // namespace nvmepr
