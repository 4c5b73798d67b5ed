// SPDX-License-Identifier: GPL-2.0-or-later
// Text from outside (parameter values, device and node names, what a device
// or helper program said) made safe to show: no control characters that
// could forge log lines or drive a terminal, and a bounded length. The one
// place this is done; the logging path (log.cc) and the ocf-exit-reason line
// use it for everything they write.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nvmepr {

/// The longest log line (stderr, syslog, debug_file) in bytes: room for an
/// error naming every one of 64 devices, within rsyslog's default 8 KiB.
inline constexpr std::size_t kMaxLogLineBytes = 8000;

/// `text` with every control character (C0, DEL, C1), every Unicode format
/// character (Cf: bidirectional overrides and isolates, zero-width
/// characters, ...), the line and paragraph separators U+2028 and U+2029,
/// and every byte that is not part of valid UTF-8 written as \xNN (each
/// byte of the character), cut to at most `max_bytes` bytes
/// (never inside an escape or a UTF-8 character) with "...(N bytes cut)"
/// appended when cut. Printable ASCII and valid UTF-8 pass unchanged.
std::string CleanText(std::string_view text, std::size_t max_bytes = kMaxLogLineBytes);

}  // namespace nvmepr
