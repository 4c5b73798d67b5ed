#include "ocf_exit.h"

#include "clean_text.h"

namespace nvmepr {

OcfExit ExitForError(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kUnsupported:
      // The same parameters and the same shared disks on every node: another
      // node would fail the same way, so stop trying anywhere.
      return kOcfErrConfigured;
    case ErrorKind::kNotFound:
      // A device (or corosync-cmapctl) missing here may exist on other nodes.
      return kOcfErrInstalled;
    case ErrorKind::kTimeout:
    case ErrorKind::kIo:
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
