#pragma once
// Cross-core synchronisation (CrossCoreSetFlag / FFTS, HARDWARE.md §5), with a configurable
// latency from the set to the increment becoming visible:
//   mode 0 (all_cores): a barrier over every programmed core of the setter's kind on the chip;
//          when all of them have set flag f, each gets +1 on f.
//   mode 1 (aiv_pair):  the same barrier over the programmed AIVs of one AI core.
//   mode 2 (aic_aiv):   an AIC set gives +1 to each of its programmed AIVs; the AIVs' sets
//          form a barrier whose completion gives the AIC +1.
// "Programmed" stands for the launched block: cores without a program take no part.
#include <cstdint>
#include <string>
#include <vector>

#include "models/chip/chip_context.hpp"

namespace ascendsim::models {

// Fills the context's groups from its programmed cores (once, after elaboration).
void index_cross_core_groups(ChipContext& ctx);
// After the run: group barriers left with sets that not every member matched.
std::vector<std::string> unmatched_barriers(const ChipContext& ctx);
// Returns an error message, or "" on success.
std::string cross_core_set(ChipContext& ctx, const isa::CoreId& from, isa::Pipe pipe,
                           isa::SyncMode mode, std::uint8_t flag_id, std::uint64_t now);

}  // namespace ascendsim::models
