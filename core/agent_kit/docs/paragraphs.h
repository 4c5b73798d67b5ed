// SPDX-License-Identifier: GPL-2.0-or-later
// The paragraphs of a table's description text, for the document writers
// (man pages, Markdown reference), each of which marks them its own way.
#pragma once

#include <string>
#include <vector>

namespace nvmepr {

/// `text` split at every blank line ("\n\n"); one paragraph when there is none.
std::vector<std::string> SplitParagraphs(const std::string& text);

}  // namespace nvmepr
