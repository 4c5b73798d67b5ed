// SPDX-License-Identifier: GPL-2.0-or-later
// Reservation keys: parsing what administrators write, and deriving a stable
// per-node key from the Corosync cluster.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "reservation.h"
#include "result.h"

namespace nvmepr {

/// Parses a 64-bit key written in hex, with or without "0x", in any case
/// ("0x1A", "1a"). Refuses 0, more than 16 digits and anything not hex.
Result<Key> ParseKey(std::string_view text);

/// Parses a key map "node1:KEY;node2:KEY" (entries separated by ';', ',' or
/// white space; the last ':' of an entry splits node and key). Refuses an
/// entry without a node or a valid key, a node listed twice (compared
/// without regard to case, as Pacemaker compares node names: two entries for
/// one node would leave it to the order which key it gets), and one key given
/// to two nodes. Errors say what is wrong without repeating the whole map.
Result<std::map<std::string, Key>> ParseKeyMap(std::string_view text);

/// Where there is no Corosync (Kubernetes), a key map (key_map=, parsed by
/// ParseKeyMap) says which key each node has. Resolves `node_or_key` against
/// it: a node of the map (compared without regard to case) gives its key; a
/// key (hex, as ParseKey reads it) is returned only if the map gives it to
/// some node. Anything else is an error naming what was looked up: with a
/// map, a key no node of the map holds is foreign and never used. The one
/// place where both the target's key and this node's own key meet the map.
Result<Key> LookUpInKeyMap(const std::map<std::string, Key>& map, std::string_view node_or_key);

/// The key of a Corosync node: FNV-1a (32-bit) of the cluster name in the high
/// 32 bits, the node's Corosync nodeid (not its nodelist position) in the low
/// 32 bits. Unique per node in a cluster, stable across node removals, and
/// different across clusters that share a disk. Refuses nodeid 0.
Result<Key> DeriveKey(std::string_view cluster_name, std::uint32_t nodeid);

}  // namespace nvmepr
