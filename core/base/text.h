// The few text helpers every part of the agents needs, in one place so that
// "blank", "lower case" and "list" mean the same thing everywhere.
#pragma once

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

/// Levenshtein distance between two words, for "did you mean".
std::size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace nvmepr
