#pragma once
// The AIV program of `finom`: one Sinkhorn iteration is two products, each a forward and a
// backward scan over the merged mesh (finom_plan.hpp) followed by the scaling update; the cost
// <C, P> at the end is two more scans (FINOM.md §5.4). Every scan is blocked three ways:
//   1. down each lane of the core's segment, tile after tile (first-axis vscan; each tile's
//      last row is the next one's carry), with carry 0: the lanes' local totals;
//   2. across the lanes, grouped A x B (finom_plan.hpp lane_of): one first-axis scan of B
//      steps chains each group's lane totals; the group totals, weighed by the decays after
//      them, give the segment's total, which goes to GM; after a chip-wide barrier every core
//      weighs the cores' totals by the decay products between them and itself (weights built
//      once) to get its own carry-in, chains the A groups from it (a UB column, one 32-byte
//      block per entry, via GM) and runs the B-step scan again: each lane's exact carry-in;
//   3. down the lanes again from those carries (the results this time).
// The forward and backward scans of a product share one barrier.
#include <cstdint>

#include "kernels/common/program_builder.hpp"
#include "kernels/finom/finom_plan.hpp"

namespace ascendsim::kernels::finom {

// The most lanes a core uses: measured, more lanes leave fewer tile rows in UB and the per-tile
// latencies outweigh the shorter scans (finom_scaling: 1024 lanes give 2^20 in 108k cycles per
// iteration but a lower slope).
inline constexpr std::uint32_t kMaxLanes = 256;

inline constexpr std::uint32_t kFinomTileSlots = 6;  // streamed tiles in UB
inline constexpr std::uint32_t kFloatsPerBlock = 8;  // fp32 per 32-byte block: a UB column's stride

// Rows of a streamed tile that fit beside the fixed carry buffers in one AIV's UB.
std::uint32_t finom_tile_rows(const config::HardwareConfig& hw, std::uint32_t lanes,
                              std::uint32_t cores);

// GM tensors, fp32. Per-node vectors are (cores x rows) x lanes in the merged layout.
struct FinomGm {
  GmTensor gap_f, gap_b;      // z_k - z_{k-1}, z_{k+1} - z_k (0 at the ends and in padding)
  GmTensor a, b;              // a at the source positions, b at the target ones, else 0
  GmTensor not_src, not_tgt;  // 1 where the node is not a source (not a target), else 0
  GmTensor v0;                // the initial v: 1 at the targets, else 0
  GmTensor decay_f, decay_b;  // e^{-gap / eps}, computed once
  GmTensor s;                 // forward scan results (workspace)
  GmTensor u, v, kv;          // outputs: u, v at their nodes (0 elsewhere), final K v
  GmTensor cost_f, cost_b;    // the cost scans' inputs (workspace)
  GmTensor lane_io;           // cores*2 x lanes: group carries moving between rows and columns
  GmTensor core_io;           // cores*2 x cores: the core weights, from columns to rows
  GmTensor totals;            // 2 parities x cores x 2 directions rows of 8: segment totals
  GmTensor lane_span;         // cores*2 x lanes: each lane's z span (sum of its gaps), per direction
  GmTensor seg_span;          // cores x 2 directions rows of 8: each segment's z span
  GmTensor partial;           // cores rows of 8: each core's share of <C, P>
  GmTensor w_eps;             // 1 x 8: <C, P> in element 0
};

FinomGm declare_finom_tensors(ProgramBuilder& b, const FinomPlan& plan);
// The program of AIV number `core` (0-based over the cores used).
void emit_finom_aiv(CoreBuilder& c, const FinomPlan& plan, const FinomGm& gm, std::uint32_t core);

}  // namespace ascendsim::kernels::finom
