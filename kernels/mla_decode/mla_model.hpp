#pragma once
// Closed-form model of the MLA-decode variants, built from the tiling (mla_plan, mla_pipeline)
// and the hardware config's rates; the same formulas the simulator's units use, restated
// (kernels/ may not include models/):
//   mmad       cube.startup + ceil(m/16) ceil(n/16) ceil(k/k0)
//   vector op  startup(op) + rows x ceil(cols x widest bits / 8 / 256) x cycles_per_repeat(op)
//   L1 -> L0   mte1.setup + bytes / rate
//   GM moves   setup + bytes / min(mover, core port); the K bytes (first touch of the cache)
//              also pass the core's HBM read rate; a pipe overlaps its transfers' latencies
//
// Per task (one row group x one 512-token block), each engine's busy time:
//   cube   C1 + C2 mmads (34,816 cycles for 256 x 512 on a 16x16x16 cube: AMLA.md §9)
//   mte2   Q, K, P, V loads of the AIC; mte1 its L0 loads; fix the S tiles and O adds
//   aiv    per AIV: V1 (softmax + the variant's P), the rescale R (AMLA's int32 broadcast or
//          FA's O through UB) and V2 amortised over the group's blocks; its MTE2 / MTE3 bytes
// Preload: the AIC runs C1(k+1) while the AIVs run V1(k), so a task costs the largest engine:
//   T_task = max(cube, mte2, mte1, fix, aiv)
// Serial: C1, then V1 + R, then C2, one after another with two cross-core hand-offs:
//   T_task = max(cube, mte2, mte1) + V1 + R + 2 x (cross_core_latency + l2.hit_latency)
//            (+ the part of the previous group's V2 that outlasts this C1)
// A core takes fill + sum of its tasks + drain (fill: the first loads ahead of the first mmad;
// drain: V1 + R of the last task beyond the cube's C2 of the one before, the last C2 and V2).
// The prediction is the busiest core's time, or the die's shared L2 / HBM bandwidth if larger
// (bytes of all the die's cores over the die's rate). `bound` names the largest term;
// `detail.utilization_loss` splits cube-bound time against the prediction into fill/drain,
// load imbalance (idle cores, uneven task counts) and per-task stalls, and `detail.why` says
// which dominates.
#include "kernels/common/kernel.hpp"
#include "kernels/mla_decode/mla_plan.hpp"

namespace ascendsim::kernels {

// Busy cycles of each engine for one task (`first` / `last` as the task's flags).
struct MlaTaskCost {
  double cube = 0, mte2 = 0, mte1 = 0, fix = 0;
  double v1 = 0, rescale = 0, v2 = 0;            // vector pipe of one AIV (v2 for the whole group)
  double aiv_mte2 = 0, aiv_mte3 = 0;             // one AIV's transfers in this task
  double c1 = 0, c2 = 0;                         // the cube split into its two GEMMs
  double hbm_fetch_bytes = 0;                    // K bytes the task fetches from HBM
  double l2_read_bytes = 0, l2_write_bytes = 0;  // all of the AI core's (AIC + 2 AIV) GM bytes
};
MlaTaskCost mla_task_cost(const MlaPlan& plan, const config::HardwareConfig& hw,
                          const MlaTask& task);

// 2 B G S_q S_kv (576 + 512), the FLOPs of the attention itself (no padding).
double mla_useful_flops(const MlaParams& p);

ModelPrediction mla_model(const MlaPlan& plan, const config::HardwareConfig& hw);

}  // namespace ascendsim::kernels
