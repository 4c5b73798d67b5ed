// SPDX-License-Identifier: GPL-2.0-or-later
// CleanText, which everything logged goes through: whatever comes in, what
// comes out has no control character, no bidirectional control or line
// separator, and keeps to its bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "clean_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t limit = size > 0 ? data[0] : 0;
  const std::string clean = nvmepr::CleanText(text, limit);
  for (unsigned char c : clean) {
    if (c < 0x20 || c == 0x7F) __builtin_trap();
  }
  // No bidirectional override, isolate or mark, no line or paragraph
  // separator: E2 80 8E/8F (U+200E/F), E2 80 A8..AE (U+2028..U+202E),
  // E2 81 A6..A9 (U+2066..U+2069).
  for (std::size_t i = 0; i + 2 < clean.size(); ++i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(clean[i + k]); };
    if (b(0) != 0xE2) continue;
    if (b(1) == 0x80 && (b(2) == 0x8E || b(2) == 0x8F || (b(2) >= 0xA8 && b(2) <= 0xAE))) __builtin_trap();
    if (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9) __builtin_trap();
  }
  // The bound, plus the "...(N bytes cut)" note.
  if (clean.size() > limit + 40) __builtin_trap();
  return 0;
}
