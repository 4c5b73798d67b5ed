// SPDX-License-Identifier: GPL-2.0-or-later
// Text for man(7) pages: escapes what roff would otherwise interpret.
#pragma once

#include <string>

namespace nvmepr {

/// Backslashes and hyphens escaped; a leading '.' or '\'' made literal.
std::string RoffEscape(const std::string& text);

}  // namespace nvmepr
