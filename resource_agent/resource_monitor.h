// SPDX-License-Identifier: GPL-2.0-or-later
// The monitor action: reads every device and tells Pacemaker whether the
// resource runs here, runs promoted, stopped cleanly, or lost the disks.
#pragma once

#include <optional>
#include <vector>

#include "ocf_exit.h"
#include "resource_context.h"

namespace nvmepr {

/// 0 while this node holds the reservation on every device (8 when
/// promotable); 190 (191 when promotable) while it holds it on at least
/// required_devices but not on every device, the reason naming the missing
/// devices; 0 for a started unpromoted instance registered on at least
/// required_devices (it holds no reservation to be degraded); 7 when
/// it never ran here and holds nothing; 1 when the reservation (or, for an
/// unpromoted instance, the registration) was taken away while this node
/// believed the resource ran here; 9 when that happened to a promoted
/// instance. Refreshes the promotion score of a running promotable instance.
OcfOutcome MonitorResource(ResourceContext& ctx);

/// Warns (monitor, validate-all) for each device whose report shows this
/// host's ID registered with a key that is neither `own` nor `saved`: another
/// node probably shares this host's NVMe identity (core/reservation_logic/registration.h).
void WarnAboutForeignRegistrations(const DeviceList& devices, const std::vector<Result<Standing>>& standings, Key own,
                                   std::optional<Key> saved, const char* action);

}  // namespace nvmepr
