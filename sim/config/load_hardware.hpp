#pragma once
#include <string>
#include <vector>

#include "sim/config/config_node.hpp"
#include "sim/config/hardware_config.hpp"

namespace ascendsim::config {

// Reads a hardware description rooted at `chip:` (see configs/hw/*.yaml), checks consistency
// (sizes > 0, k0 values, ...) and calls finish() on it. ConfigError on any problem.
// Every key is required (no silent defaults in hardware files), except `chip.die_link`, which
// is required only when `chip.dies > 1` and otherwise reads as zero. Bandwidths given in B/s
// (`hbm.bandwidth`, `die_link.bandwidth`) become bytes per cycle of `chip.clock`.
// `load_hardware_file` applies each `--set key.path=value` override before reading.
HardwareConfig load_hardware(const ConfigNode& root);
HardwareConfig load_hardware_file(const std::string& path,
                                  const std::vector<std::string>& overrides = {});

}  // namespace ascendsim::config
