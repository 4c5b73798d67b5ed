#include "self_check.h"

#include "fencing.h"
#include "keys.h"
#include "state_store.h"

namespace nvmepr {

SelfCheckResult CheckSelfRegistration(const std::string& store_path, FenceEnvironment& env,
                                      Deadline deadline) {
  auto saved = StateStore(store_path).Load();
  if (!saved) return {SelfCheckOutcome::kUnknown, "cannot read the saved state: " + saved.error().message};
  if (!*saved || (*saved)->devices.empty()) return {SelfCheckOutcome::kNotUnfenced, ""};
  const SavedState& state = **saved;

  // Opened by FindKey's workers, all at once; a device that cannot be opened
  // fails FindKey.
  const DeviceList devices = DeferOpening(state.devices, env.open_device);
  auto presence = FindKey(devices, state.key, deadline);
  if (!presence) return {SelfCheckOutcome::kUnknown, presence.error().message};
  if (presence->registered_on == presence->devices) return {SelfCheckOutcome::kRegistered, ""};
  return {SelfCheckOutcome::kFenced,
          "this node's key " + FormatKey(state.key) + " is registered on only " +
              std::to_string(presence->registered_on) + " of " + std::to_string(presence->devices) +
              " devices it was unfenced on: it has been fenced and must reboot"};
}

}  // namespace nvmepr
