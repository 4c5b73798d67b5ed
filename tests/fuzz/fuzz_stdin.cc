// SPDX-License-Identifier: GPL-2.0-or-later
// The fence agent's stdin (Pacemaker's name=value lines), then the typing
// of every parameter, as main.cc does.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "agent_spec.h"
#include "fence_options.h"
#include "param_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto parsed = nvmepr::ParseStdin(in, nvmepr::FenceAgentSpec());
  if (!parsed) return 0;
  if (parsed->warnings.size() > nvmepr::kMaxParamWarnings) __builtin_trap();
  (void)parsed->WarningLines();
  (void)nvmepr::ToFenceOptions(*parsed);
  return 0;
}
