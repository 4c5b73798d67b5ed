#include "keys.h"

#include <string>

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
    if (c >= '0' && c <= '9') value = c - '0';
    else if (c >= 'a' && c <= 'f') value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') value = c - 'A' + 10;
    else return bad("not a hex number");
    key = (key << 4) | static_cast<Key>(value);
  }
  if (key == 0) return bad("key 0 means 'no key' and cannot identify a node");
  return key;
}

std::uint32_t Fnv1a32(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

Result<Key> DeriveKey(std::string_view cluster_name, std::uint32_t nodeid) {
  if (nodeid == 0) {
    return Fail(ErrorKind::kInvalidArgument, "corosync nodeid 0 is not a valid node id");
  }
  return (static_cast<Key>(Fnv1a32(cluster_name)) << 32) | nodeid;
}

}  // namespace nvmepr
