// SPDX-License-Identifier: GPL-2.0-or-later
#include "passthrough_device.h"

#include "ioctl_once.h"
#include "linux_ioctl.h"

namespace nvmepr {

PassthroughDevice::PassthroughDevice(std::string name, FileDescriptor fd, std::uint32_t nsid, IoctlFunction ioctl)
    : name_(std::move(name)), fd_(std::move(fd)), nsid_(nsid), ioctl_(std::move(ioctl)) {}

Result<void> PassthroughDevice::Submit(NvmeCommand& cmd, bool admin, Deadline deadline, const char* what) {
  nvme_passthru_cmd raw{};
  raw.opcode = static_cast<__u8>(cmd.opcode);
  raw.nsid = cmd.controller_scope ? 0 : nsid_;
  raw.addr = reinterpret_cast<__u64>(cmd.data.data());
  raw.data_len = static_cast<__u32>(cmd.data.size());
  raw.cdw10 = cmd.cdw10;
  raw.cdw11 = cmd.cdw11;
  // Never shorter than the floor: a deadline that is about to pass must not
  // make the kernel abort the command and reset this node's controller. The
  // action ends at its deadline regardless (the caller abandons this thread).
  raw.timeout_ms = deadline.CommandTimeoutMs();
  auto sent =
      IoctlOnce(ioctl_, fd_.get(), admin ? NVME_IOCTL_ADMIN_CMD : NVME_IOCTL_IO_CMD, &raw, deadline, name_, what);
  if (!sent) return sent.error();
  const int ret = *sent;
  if (ret > 0) return NvmeStatusError(ret, name_ + ": " + what);
  return {};
}

Result<Capabilities> PassthroughDevice::Identify(Deadline deadline) {
  Capabilities caps;
  NvmeCommand controller = EncodeIdentify(true);
  if (auto r = Submit(controller, true, deadline, "identify controller"); !r) return r.error();
  caps.reservations = DecodeReservationsSupported(controller.data);
  NvmeCommand ns = EncodeIdentify(false);
  if (auto r = Submit(ns, true, deadline, "identify namespace"); !r) return r.error();
  caps.rescap = DecodeRescap(ns.data);
  return caps;
}

Result<std::string> PassthroughDevice::HostId(Deadline deadline) {
  // 128-bit first (what fabrics and the report's extended layout use); a
  // controller with only 64-bit identifiers refuses EXHID with Invalid Field.
  NvmeCommand cmd = EncodeGetHostId(true);
  auto got = Submit(cmd, true, deadline, "get features host identifier");
  if (!got && got.error().kind == ErrorKind::kNvmeStatus && (got.error().code & kStatusMask) == kStatusInvalidField) {
    cmd = EncodeGetHostId(false);
    got = Submit(cmd, true, deadline, "get features host identifier");
  }
  if (!got) return got.error();
  return DecodeHostId(cmd.data);
}

Result<void> PassthroughDevice::Register(const RegisterArgs& args, Deadline deadline) {
  NvmeCommand cmd = EncodeRegister(args);
  return Submit(cmd, false, deadline, "reservation register");
}

Result<void> PassthroughDevice::Acquire(const AcquireArgs& args, Deadline deadline) {
  NvmeCommand cmd = EncodeAcquire(args);
  return Submit(cmd, false, deadline, "reservation acquire");
}

Result<void> PassthroughDevice::Release(const ReleaseArgs& args, Deadline deadline) {
  NvmeCommand cmd = EncodeRelease(args);
  return Submit(cmd, false, deadline, "reservation release");
}

Result<ReservationStatus> PassthroughDevice::ReportLayout(bool extended, Deadline deadline) {
  // One 4 KiB read holds 63 extended entries, more than a disk can be shared
  // by in practice; REGCTL tells when it is not enough and we read again.
  std::uint32_t bytes = 4096;
  for (;;) {
    NvmeCommand cmd = EncodeReport(bytes, extended);
    if (auto r = Submit(cmd, false, deadline, "reservation report"); !r) return r.error();
    const std::uint32_t needed =
        ReportHeaderBytes(extended) + ReportRegistrantCount(cmd.data) * ReportEntryBytes(extended);
    if (needed <= bytes) return DecodeReport(cmd.data, extended);
    bytes = (needed + 3) & ~3u;
  }
}

Result<ReservationStatus> PassthroughDevice::Report(Deadline deadline) {
  if (extended_report_) {
    auto status = ReportLayout(true, deadline);
    // A controller without 128-bit host IDs refuses EDS=1 with "host identifier
    // inconsistent format" (or invalid field); then the 64-bit layout is the one.
    const int code = status ? 0 : status.error().code & kStatusMask;
    if (status || status.error().kind != ErrorKind::kNvmeStatus ||
        (code != kStatusHostIdInconsistentFormat && code != kStatusInvalidField)) {
      return status;
    }
    extended_report_ = false;
  }
  return ReportLayout(false, deadline);
}

}  // namespace nvmepr
