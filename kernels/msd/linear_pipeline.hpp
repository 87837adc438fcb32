#pragma once
// The two pipelines of y = (s_W . W_q) x on AIC + 2 AIV (MSD.md §2-§4, §8.4):
//
// dequant (`dequant_gemm`): per output tile and 256-wide K chunk, each AIV converts its 64 rows
//   of W (GM -> UB, int -> fp32, x s_W per channel or per group, -> bf16) into the AIC's GM
//   workspace `ws_w` (two slots of 128 x n, by tile parity) and signals; the AIC reads the chunk
//   back into L1 (the GM/L2 round trip the paper names as the stall), with X, and runs bf16
//   mmads (fp32 accumulate); FixPipe writes y. The AIC waits on the AIVs for every chunk of a
//   tile's first row block; later blocks reuse the converted slot.
// msd (`msd_gemm`): first every AIV of a die splits a share of X's token rows into K pieces
//   (x ~ alpha (q1 + q2 / 254 + ...), CANN's AntiquantMatmulPreProcess, MSD.md §8.4) written to
//   `ws_x` stacked per row block, alpha to `ws_alpha`; an all-AIV barrier, then each AIC runs
//   int8 (int4) mmads of the stacked pieces against W read natively from GM; per scale group
//   FixPipe applies s_W (per-channel scales from FB) into fp32 `ws_y` (atomic add after a
//   tile's first group); the AIC's AIVs recombine y = alpha (z1 + z2 / 254 + ...) per token row.
//
// Cross-core flags (mode aic_aiv unless named):
//   dequant: kDqReady  AIVs -> AIC, one K chunk of a tile converted in ws_w
//            kDqFree   AIC -> AIVs, a ws_w slot read for the last time (tile i may reuse i - 2's)
//   msd:     kSplitAll all AIVs (mode all_cores), kSplit AIVs -> AIC: the pieces are in GM
//            kYReady   AIC -> AIVs, one (tile, block) job's partials in ws_y
//            kYFree    AIVs -> AIC, a ws_y slot read (job j may overwrite j - 2's)
#include <cstdint>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/msd/linear_plan.hpp"

namespace ascendsim::kernels {

namespace linear_sync {
inline constexpr std::uint8_t kDqReady = 1, kDqFree = 2;
inline constexpr std::uint8_t kSplitAll = 3, kSplit = 4, kYReady = 5, kYFree = 6;
inline constexpr std::uint8_t kWReady = 7, kWTaken = 8;  // MX msd's W prefetch (mx_pipeline.hpp)
}  // namespace linear_sync

struct LinearDieTensors {
  GmTensor x, w, s, y;
  GmTensor ws_w;                  // dequant: bf16, (die AICs x 2 x 128) x n
  GmTensor ws_x, ws_alpha, ws_y;  // msd: pieces, alpha (x_rows x kAlphaCols, column 0), partials
                                  // (die AICs x 2 x block_rows) x 128
  GmTensor ws_sx;                 // MX: the pieces' e8m0 scales (mx_pipeline.hpp)
};

void emit_linear_aic(CoreBuilder& core, const LinearPlan& plan, const LinearDieTensors& gm,
                     const LinearCore& work);
// `half`: 0 or 1, the AIV's 64 rows of each W tile.
void emit_dequant_aiv(CoreBuilder& core, const LinearPlan& plan, const LinearDieTensors& gm,
                      const LinearCore& work, std::uint32_t half);
// `index`: the AIV's place among its die's used AIVs (its share of X's rows: each die splits
// all of X into its own ws_x / ws_alpha). `half`: its rows of each block in the recombination.
void emit_msd_aiv(CoreBuilder& core, const LinearPlan& plan, const LinearDieTensors& gm,
                  const LinearCore& work, std::uint32_t index, std::uint32_t half);

// Rows [first, first + count) of a block's `real` tokens that AIV `half` recombines.
struct RowShare {
  std::uint32_t first = 0, count = 0;
};
RowShare row_share(std::uint32_t real, std::uint32_t half);

}  // namespace ascendsim::kernels
