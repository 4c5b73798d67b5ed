// SPDX-License-Identifier: GPL-2.0-or-later
#include "ocf_exit.h"

#include "clean_text.h"

namespace nvmepr {

OcfExit ExitForError(const Error& error) {
  // 6 (OCF_ERR_CONFIGURED) is a hard error for the whole cluster: Pacemaker
  // stops the resource everywhere and tries no other node. Only what every
  // node would see the same way earns it; whatever is about this node (a
  // device or path missing here, this kernel, I/O) is 5 or 1, so the
  // resource can still run on another node.
  switch (error.kind) {
    case ErrorKind::kUnsupported:
      // With an errno, this node's kernel or driver said no (the block PR
      // ioctls of an older kernel: ENOTTY; a device-mapper device without a
      // table; a passthrough refused): another node's kernel may not. Without
      // one, the shared namespace itself lacks it (its capabilities, its
      // reservation): the same on every node.
      if (error.code != 0) return kOcfErrInstalled;
      return kOcfErrConfigured;
    case ErrorKind::kInvalidArgument:
      // The same parameters and the same shared disks on every node: another
      // node would fail the same way, so stop trying anywhere.
      return kOcfErrConfigured;
    case ErrorKind::kNotFound:
      // A device (or corosync-cmapctl) missing here, or a multipath device
      // with no path here, may be usable on other nodes.
      return kOcfErrInstalled;
    case ErrorKind::kTimeout:
    case ErrorKind::kIo:  // e.g. ENOTCONN, EWOULDBLOCK of a multipath device with no usable path
    case ErrorKind::kNvmeStatus:
    case ErrorKind::kReservationConflict:
    case ErrorKind::kVerifyFailed:
    case ErrorKind::kRefused:
      break;
  }
  return kOcfErrGeneric;
}

std::string_view OcfExitName(int code) {
  switch (code) {
    case kOcfSuccess:
      return "OCF_SUCCESS";
    case kOcfErrGeneric:
      return "OCF_ERR_GENERIC";
    case kOcfErrArgs:
      return "OCF_ERR_ARGS";
    case kOcfErrUnimplemented:
      return "OCF_ERR_UNIMPLEMENTED";
    case kOcfErrPerm:
      return "OCF_ERR_PERM";
    case kOcfErrInstalled:
      return "OCF_ERR_INSTALLED";
    case kOcfErrConfigured:
      return "OCF_ERR_CONFIGURED";
    case kOcfNotRunning:
      return "OCF_NOT_RUNNING";
    case kOcfRunningPromoted:
      return "OCF_RUNNING_PROMOTED";
    case kOcfFailedPromoted:
      return "OCF_FAILED_PROMOTED";
    case kOcfDegraded:
      return "OCF_DEGRADED";
    case kOcfDegradedPromoted:
      return "OCF_DEGRADED_PROMOTED";
    default:
      return "OCF_UNKNOWN";
  }
}

std::string ExitReasonLine(std::string_view reason) {
  std::string flat(reason);
  for (char& c : flat) c = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  // Every other control character escaped, and short: crm_mon shows it.
  return "ocf-exit-reason:" + CleanText(flat, kMaxExitReasonBytes);
}

}  // namespace nvmepr
