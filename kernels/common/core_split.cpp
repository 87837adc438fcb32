// Spreading work items over dies and AICs (see core_split.hpp).
#include "kernels/common/core_split.hpp"

#include <algorithm>

#include "sim/config/config_node.hpp"

namespace ascendsim::kernels {

CoreSplit split_over_cores(const config::HardwareConfig& hw, std::uint32_t cores,
                           const std::string& where_cores, std::uint64_t items) {
  const std::uint32_t total = hw.total_aic();
  const std::uint32_t used = cores ? cores : total;
  if (used > total)
    throw config::ConfigError(where_cores + ": expected at most " + std::to_string(total) +
                              " AICs (" + hw.name + " has " + std::to_string(hw.dies) + " x " +
                              std::to_string(hw.aic_per_die) + "), got " + std::to_string(used));
  CoreSplit s;
  std::uint32_t left = used;
  for (std::uint32_t d = 0; d < hw.dies && left > 0; ++d) {
    const std::uint32_t c = std::min(left, hw.aic_per_die);
    s.die_cores.push_back(c);
    left -= c;
    ++s.dies;
  }
  std::uint64_t given = 0;
  for (std::uint32_t d = 0; d < s.dies; ++d) {
    const std::uint64_t share = d + 1 == s.dies ? items - given : items * s.die_cores[d] / used;
    s.die_first.push_back(given);
    s.die_count.push_back(share);
    given += share;
    for (std::uint32_t i = 0; i < s.die_cores[d]; ++i) {
      CoreShare core;
      core.aic = isa::CoreId{static_cast<std::uint16_t>(d), isa::CoreKind::AIC,
                             static_cast<std::uint16_t>(i)};
      core.die_slot = i;
      for (std::uint64_t t = i; t < share; t += s.die_cores[d]) core.items.push_back(t);
      s.cores.push_back(std::move(core));
    }
  }
  return s;
}

}  // namespace ascendsim::kernels
