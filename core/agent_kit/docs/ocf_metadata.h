// SPDX-License-Identifier: GPL-2.0-or-later
// The metadata XML of an OCF resource agent, as Pacemaker, pcs and
// ocf-tester read it, written from the agent's table.
#pragma once

#include <string>

#include "param_spec.h"

namespace nvmepr {

/// OCF 1.1 metadata: the DOCTYPE naming ra-api-1.dtd, then resource-agent
/// with version, longdesc, shortdesc, parameters and actions in the order the
/// DTD demands. Only what the DTD accepts is written: select parameters become
/// strings whose long description lists the choices; no reloadable,
/// unique-group or deprecated attributes. Written with libxml2.
std::string OcfMetadata(const AgentSpec& spec);

}  // namespace nvmepr
