// CleanText, which everything logged goes through: whatever comes in, what
// comes out has no control character and keeps to its bound.
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
  // The bound, plus the "...(N bytes cut)" note.
  if (clean.size() > limit + 40) __builtin_trap();
  return 0;
}
