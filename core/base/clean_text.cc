// SPDX-License-Identifier: GPL-2.0-or-later
#include "clean_text.h"

#include <algorithm>
#include <cstdint>

#include "text.h"

namespace nvmepr {
namespace {

// Unicode's format characters (general category Cf, Unicode 15) and the
// line and paragraph separators (U+2028, U+2029). All are invisible, none
// belongs in a log line, and some are dangerous there: the bidirectional
// overrides and isolates (U+202A..U+202E, U+2066..U+2069) and marks
// (U+200E, U+200F, U+061C) make a viewer show text in another order than it
// was written ("Trojan Source"), so a node or device name can make a line
// read as something else; U+2028/U+2029 start a new line in some viewers
// (journal exporters, JSON tooling), forging a second log line; zero-width
// characters and tags (U+E0000..) hide text in plain sight.
bool IsFormatOrSeparator(std::uint32_t code) {
  struct Range {
    std::uint32_t first, last;
  };
  static constexpr Range kRanges[] = {
      {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},   {0x070F, 0x070F},
      {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},   {0x200B, 0x200F},   {0x2028, 0x202E},
      {0x2060, 0x2064},   {0x2066, 0x206F},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD},
      {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F},
  };
  for (const Range& range : kRanges) {
    if (code >= range.first && code <= range.last) return true;
  }
  return false;
}

// Length of the valid UTF-8 sequence at the start of `text` that encodes a
// printable character (U+00A0 and above, no surrogates, no format character
// or separator), or 0.
std::size_t PrintableUtf8Length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  std::size_t length;
  std::uint32_t code;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, code = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, code = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  if (code < 0xA0) return 0;  // C1 controls (U+0080..U+009F)
  if (IsFormatOrSeparator(code)) return 0;
  return length;
}

}  // namespace

std::string CleanText(std::string_view text, std::size_t max_bytes) {
  std::string clean;
  clean.reserve(std::min(text.size(), max_bytes) + 16);
  std::string escape;  // "\\xHH" of the current byte
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t used = 1;
    std::string_view piece;
    if (c >= 0x20 && c < 0x7F) {
      piece = text.substr(i, 1);
    } else if (const std::size_t n = c >= 0x80 ? PrintableUtf8Length(text.substr(i)) : 0; n > 0) {
      piece = text.substr(i, n);
      used = n;
    } else {
      escape = "\\x";
      AppendHex(escape, c, 2);
      piece = escape;
    }
    if (clean.size() + piece.size() > max_bytes) break;
    clean.append(piece);
    i += used;
  }
  if (i < text.size()) clean += "...(" + std::to_string(text.size() - i) + " bytes cut)";
  return clean;
}

}  // namespace nvmepr
