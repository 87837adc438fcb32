#pragma once
// Work items (output tiles, attention tasks) spread over the AICs a run uses: AICs are taken die
// by die (`cores` of them, 0 = all), items go to dies in proportion to each die's AICs (each
// die then holds the tensors of its own items) and round-robin to the die's AICs.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/hardware_config.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

struct CoreShare {
  isa::CoreId aic;
  std::uint32_t die_slot = 0;        // index among the die's used AICs (workspace rows)
  std::vector<std::uint64_t> items;  // indices within the die's slice
};

struct CoreSplit {
  std::uint32_t dies = 0;
  std::vector<std::uint32_t> die_cores;             // used AICs per die
  std::vector<std::uint64_t> die_first, die_count;  // each die's items [first, first + count)
  std::vector<CoreShare> cores;                     // every used AIC, die by die
};

// ConfigError at `where_cores` when `cores` exceeds the chip's AICs.
CoreSplit split_over_cores(const config::HardwareConfig& hw, std::uint32_t cores,
                           const std::string& where_cores, std::uint64_t items);

}  // namespace ascendsim::kernels
