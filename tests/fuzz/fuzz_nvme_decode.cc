// SPDX-License-Identifier: GPL-2.0-or-later
// The decoders of what a device returns: Reservation Report (both layouts,
// any REGCTL, any length) and Identify Controller / Namespace.
#include <cstddef>
#include <cstdint>
#include <span>

#include "nvme_command.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  for (bool extended : {false, true}) {
    (void)nvmepr::ReportRegistrantCount(bytes);
    auto status = nvmepr::DecodeReport(bytes, extended);
    if (status) {
      // Never more entries than the buffer holds.
      const std::size_t header = nvmepr::ReportHeaderBytes(extended);
      const std::size_t room = size < header ? 0 : (size - header) / nvmepr::ReportEntryBytes(extended);
      if (status->registrants.size() > room) __builtin_trap();
      (void)status->HolderKey();
    }
  }
  (void)nvmepr::DecodeReservationsSupported(bytes);
  (void)nvmepr::DecodeRescap(bytes);
  if (size >= 2) (void)nvmepr::DescribeNvmeStatus(data[0] | (data[1] << 8));
  return 0;
}
