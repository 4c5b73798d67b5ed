// SPDX-License-Identifier: GPL-2.0-or-later
#include "paragraphs.h"

namespace nvmepr {

std::vector<std::string> SplitParagraphs(const std::string& text) {
  std::vector<std::string> paragraphs;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find("\n\n", start);
    paragraphs.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return paragraphs;
    start = end + 2;
  }
}

}  // namespace nvmepr
