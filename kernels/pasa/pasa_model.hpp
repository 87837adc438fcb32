#pragma once
// The closed-form cost of the prefill attention kernels (the model; PASA.md §4 derives
// the extra Cube and Vector work, the paper gives no cost analysis of its own), per AI core,
// from the plan's tasks and the chip's rates, for the pipeline of docs/pasa.md:
//
//   Cube, per visible block of a task: S = Q K^T (B_r x n x d) and P V (B_r x d x n), each
//     startup + ceil(B_r / 16) ceil(n / 16) ceil(d / k0) cycles (k0 of fp16); pasa adds its shift
//     units, K~ = M_s^T K (n x d x n) once per (batch, KV head, KV block), spread over the AICs.
//   Vector, per visible block, on one AIV (each holds half the rows, both run at once): the tile
//     passes over B_r / 2 x n of S (row max, subtract, exp, row sum; fa_mixed's cast of P to fp16;
//     pasa's row mean as S~ / n and a row sum, or with fp32 stats both row sums of a cast to
//     fp32; a mask add where the block needs one) at S's
//     width (fp32 for fa_mixed, fp16 else: a 256-byte repeat holds 64 fp32 or 128 fp16 elements),
//     the O update over B_r / 2 x d (scale, add; a cast when PV's fp16 meets an fp32 accumulator)
//     at O's width, and the per-row statistics (5 ops; pasa 13: abar, the two deltas, the shifted
//     exponents) at their width; per task the final O / l and the output cast. Each op costs its
//     startup plus rows x ceil(row bytes / 256) repeats at its cycles per repeat (configs/hw,
//     aiv.vector.ops).
//   Movers, per block on the AIC's port only: the S tile and PV out (FixPipe), P, K and V in,
//     at the port's L2 rates (the working set of a head stays in L2); the AIVs' own traffic
//     (S and PV in, P out) is not counted. HBM: Q, K, V and the output once, pasa's K~ written
//     and read once.
//   cycles = the busiest AIC's max(cube, vector, port) summed over its tasks, plus (pasa) the
//     most shift units any AIC computes before the all-AIC barrier: the Preload order overlaps
//     the three; no fill / drain term.
#include "kernels/common/kernel.hpp"
#include "kernels/pasa/pasa_plan.hpp"

namespace ascendsim::kernels {

struct PasaCost {
  double cube_cycles = 0, vector_cycles = 0, port_cycles = 0;  // busiest AIC, summed over tasks
  double cycles = 0;                                           // sum of per-task maxima
  double cube_flops = 0, shift_flops = 0;                      // whole run
  double vector_tile_cycles = 0;  // the busiest AIC's Vector time in S / P tile passes
  double hbm_bytes = 0;
};

PasaCost pasa_cost(const PasaPlan& plan, const config::HardwareConfig& hw);
// The model beside a run: cycles, HBM bytes, bound, and the terms in `detail`, with
// fa_mixed's cycles on the same shape and the predicted speedup over it.
ModelPrediction pasa_model(const PasaPlan& plan, const config::HardwareConfig& hw);

}  // namespace ascendsim::kernels
