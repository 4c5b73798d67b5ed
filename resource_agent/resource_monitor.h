// The monitor action: reads every device and tells Pacemaker whether the
// resource runs here, runs promoted, stopped cleanly, or lost the disks.
#pragma once

#include "ocf_exit.h"
#include "resource_context.h"

namespace nvmepr {

/// 0 while this node holds the reservation on at least required_devices (8
/// when promotable); 0 for a started, registered unpromoted instance; 7 when
/// it never ran here and holds nothing; 1 when the reservation (or, for an
/// unpromoted instance, the registration) was taken away while this node
/// believed the resource ran here; 9 when that happened to a promoted
/// instance. Refreshes the promotion score of a running promotable instance.
OcfOutcome MonitorResource(ResourceContext& ctx);

}  // namespace nvmepr
