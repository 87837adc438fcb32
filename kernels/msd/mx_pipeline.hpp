#pragma once
// The MX-weight pipelines of dequant_gemm / msd_gemm (weight: mxfp4 or mxfp4_e1m2, MSD.md §5,
// Table 8's MXFP8 x MXFP4 and MSD-MXFP4 rows) on a chip whose cube runs MX-scaled mmads (the
// 950's asc_mmad_mx: e8m0 scales per 32 elements along K on both operands).
//
// Both start alike: every AIV of a die quantises a share of X into ws_x / ws_sx (units of 16
// token rows x one K step), an all-AIV barrier, then kSplit to its AIC.
//   dequant: X -> MXFP8 (e4m3, one pass, no-clip or OCP scale); the AIVs then convert W's fp4
//     elements to e4m3 (exact: both fp4 grids lie on e4m3's) a 256-wide chunk at a time into the
//     AIC's ws_w slot, as the integer dequant does (kDqReady / kDqFree); W's scales are used as
//     they are. The AIC runs fp8 x fp8 MX mmads.
//   msd: X -> K fp4 passes (alpha per block by the threshold rule, later passes alpha / ratio^k);
//     the AIC runs fp4 x fp4 MX mmads of every pass against W read natively. The scales apply
//     inside the mmad, so the passes accumulate into one L0C tile: no FixPipe scales and no
//     recombination on the Vector.
// FixPipe writes y (fp32, or cast to bf16).
//
// Layouts in GM (passes P, K steps S = n / k_step, c = k_step / 32 scales per step and row):
//   ws_x   piece dtype, (P x_rows) x n: pass p of token t at row p x_rows + t
//   ws_sx  e8m0, (P S) x (x_rows c): pass p, step s, token t's c scales at row p S + s, columns
//          [t c, t c + c): one step's scales of a 16-row group are 16 c contiguous bytes, so an
//          L0A scale tile (16k rows x c) is a contiguous piece of a row, 32-byte aligned
//   s      e8m0, (n / 32) x m: W's scales block-major, so a step's L0B scale tile (c x 128) is
//          contiguous rows
#include "kernels/msd/linear_pipeline.hpp"

namespace ascendsim::kernels {

// Block maxima below it are raised to it before the scale is chosen: alpha stays a normal fp32
// (>= 2^-103), so x / alpha never divides by a flushed scale; such blocks are split coarsely
// (the check exempts them from the reference split).
inline constexpr double kMxFloor = 0x1p-100;

void emit_mx_aic(CoreBuilder& core, const LinearPlan& plan, const LinearDieTensors& gm,
                 const LinearCore& work);
// `index`: the AIV's place among its die's used AIVs (its share of the quantisation units);
// `half`: its 64 rows of each W tile (dequant's conversion).
void emit_mx_aiv(CoreBuilder& core, const LinearPlan& plan, const LinearDieTensors& gm,
                 const LinearCore& work, std::uint32_t index, std::uint32_t half);

}  // namespace ascendsim::kernels
