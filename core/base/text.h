// SPDX-License-Identifier: GPL-2.0-or-later
// The few text helpers every part of the agents needs, in one place so that
// "blank", "lower case" and "list" mean the same thing everywhere.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nvmepr {

/// `text` without leading and trailing blanks (space, tab, carriage return).
std::string_view Trim(std::string_view text);

/// `text` in ASCII lower case (parameter values are ASCII words).
std::string Lower(std::string_view text);

/// The non-empty words of a list separated by commas, semicolons or blanks
/// (space, tab, newline): "a, b;;c" -> {a, b, c}.
std::vector<std::string> SplitList(std::string_view text);

/// Appends `value`'s lowest `digits` hex digits (lower case, leading zeros)
/// to `out`. Keys and host IDs are formatted on the fencing path, per device
/// and per registrant: a table lookup, not snprintf (which under emulation
/// cost more than the NVMe commands of a 64-namespace fence).
void AppendHex(std::string& out, std::uint64_t value, int digits);

/// `bytes` as two lower-case hex digits each, in order: {0xa5, 0x01} -> "a501".
std::string HexBytes(std::span<const std::uint8_t> bytes);

/// Levenshtein distance between two words, for "did you mean".
std::size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace nvmepr
