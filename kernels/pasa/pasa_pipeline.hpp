#pragma once
// The prefill attention pipeline of `fa_mixed`, `fa_fp16` and `pasa` on AIC + 2 AIV
// (docs/pasa.md): per task (B_r query rows) and visible KV block j
//   C1 (AIC): S_j = Q K_j^T (fp16 mmad, fp32 in L0C) -> FixPipe -> ws_s: fp32 for fa_mixed,
//        fp16 otherwise (the cast of the unscaled scores, where biased inputs overflow: PASA.md
//        §2); kSReady.
//   V1 (AIV, half the rows each): S rows -> UB, x scale, + the block's mask tile, online
//        softmax (row max, m_new, alpha = exp(m - m_new), exp, row sum, l = alpha l + rowsum)
//        in S's precision, P (fp16) -> ws_p; kPReady.
//   C2 (AIC): waits kPReady; P_j V_j -> FixPipe -> ws_o (S's type); kOReady.
//   V2 (AIV): waits kOReady; O = alpha O + PV in UB (o_accum); after the last block O / l.
// `pipeline: preload` (default) runs AMLA's order, the AIC C1(j+1) before C2(j) and the AIVs
// V1(j+1) before V2(j), so the Cube's S of the next block overlaps the Vector's softmax; ws_s,
// ws_p and ws_o are ping-pong (two B_r-row slots per AIC: the AIVs write P_{j+1} once S_{j+1}
// is ready, which may be before the AIC has read P_j), alpha / c_old / c_new per block parity.
// `serial` runs C1, V1, C2, V2 of each block in turn. Cross-core flags count, so each wait
// consumes one set; the order of waits and sets keeps every slot from being overwritten early.
// pasa: first every AIC computes its shift units K~_j = M_s^T K_j (fp16 mmad, FixPipe to kt)
// and all AICs meet at a barrier; the tasks then read K~ for K, S~ leaves the Cube as fp16
// already scaled (M_s holds the scale), and the AIVs run PASA.md §3.3's recovering update:
// a = rowmean(S~) before the mask, the running abar, delta = g (a - abar), delta' = g (abar_old
// - abar), m_new = max(mt + delta, m + delta'), P~ = exp(S~ - mt), l = c_old l + c_new rowsum,
// O = c_old O + c_new P~V, with the statistics in `stats` and O in `o_accum`.
// Kernels mark each task's KV blocks as isa::Regions (PasaPlan::task_region), so a report names
// the task and block of the first overflow.
#include "kernels/common/program_builder.hpp"
#include "kernels/pasa/pasa_plan.hpp"

namespace ascendsim::kernels {

namespace pasa_sync {
inline constexpr std::uint8_t kSReady = 1, kPReady = 2, kOReady = 3;
inline constexpr std::uint8_t kShiftAll = 4;  // pasa: every AIC wrote its K~ units (all_cores)
}  // namespace pasa_sync

struct PasaTensors {
  // q, out: (batch q_heads q_rows_pad) x d; k, v: (batch kv_heads kv_rows_pad) x d; padding rows
  // zero. ws_s / ws_p / ws_o: (AICs 2 B_r) x n / n / d, two slots per AIC. mask: (mask_tiles
  // B_r) x n in S's type.
  GmTensor q, k, v, out, ws_s, ws_p, ws_o, mask;
  // pasa: ms = fl16(M_s) (n x n, host-built, PASA.md §3.2), kt = K~ laid out as k.
  GmTensor ms, kt;
};

// S's type in GM and UB, and PV's: fa_mixed fp32, the fp16 variants fp16.
DType pasa_score_dtype(const PasaParams& p);
std::uint64_t pasa_q_row(const PasaPlan& plan, const PasaTask& t);   // first row of t in q
std::uint64_t pasa_kv_row(const PasaPlan& plan, const PasaTask& t);  // first row of t's K, V

// `slot`: the AIC's index among all used AICs (its workspace rows).
void emit_pasa_aic(CoreBuilder& core, const PasaPlan& plan, const PasaTensors& gm,
                   const CoreShare& work, std::uint32_t slot);
void emit_pasa_aiv(CoreBuilder& core, const PasaPlan& plan, const PasaTensors& gm,
                   const CoreShare& work, std::uint32_t slot, std::uint32_t half);

}  // namespace ascendsim::kernels
