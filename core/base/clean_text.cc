#include "clean_text.h"

#include <algorithm>
#include <cstdint>

#include "text.h"

namespace nvmepr {
namespace {

// Length of the valid UTF-8 sequence at the start of `text` that encodes a
// printable character (U+00A0 and above, no surrogates), or 0.
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
