// SPDX-License-Identifier: GPL-2.0-or-later
// FNV-1a (Fowler-Noll-Vo), the one hash of the project, in its 32- and
// 64-bit forms: the Corosync-derived keys (keys.h: the cluster name's 32-bit
// hash in a key's high half) and the state file names of instance names that
// are not plain (resource_state.cc: 64 bits). Stable across versions and
// machines, as keys and file names written by earlier versions must be; not
// a defence against chosen collisions.
#pragma once

#include <cstdint>
#include <string_view>

namespace nvmepr {

/// FNV-1a over the bytes of `text` with the given offset basis and prime.
template <typename Hash>
constexpr Hash Fnv1a(std::string_view text, Hash offset_basis, Hash prime) {
  Hash hash = offset_basis;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= prime;
  }
  return hash;
}

/// FNV-1a, 32-bit.
constexpr std::uint32_t Fnv1a32(std::string_view text) { return Fnv1a<std::uint32_t>(text, 2166136261u, 16777619u); }

/// FNV-1a, 64-bit.
constexpr std::uint64_t Fnv1a64(std::string_view text) {
  return Fnv1a<std::uint64_t>(text, 0xcbf29ce484222325ull, 0x100000001b3ull);
}

}  // namespace nvmepr
