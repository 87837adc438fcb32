#pragma once
// The numerical check of `dequant_attention` / `msd_attention`: out from GM against the fp64
// reference of every task (request, KV head) from the decoded GM inputs,
//   S = scale Q (s_K . K_q)^T,  P = softmax(S) row-wise,  O = P (s_V . V_q),
// over the task's N real query rows (the padding rows are not compared). Tensors and layouts:
// attn_plan.hpp (per die; s_K / s_V are read from row 0 of the task's 16-row block).
//
// Pass criterion: a per-element bound derived from the pipeline's roundings (no fitted
// tolerance), in the style of mla_check.hpp; the derivation is written in attn_check.cpp.
// dequant: out is bounded against a second fp64 reference, of the operands the pipeline chose,
// K^ = bf16_RNE(fp32(s_K K_q)), V^ = bf16_RNE(fp32(s_V V_q)) (the baseline's declared format,
// MSD.md §3 / §10; deterministic, so not charged as worst-case 2^-8 roundings, which let a
// softmax scale off by 1 % pass); its l2 error is format_l2_rel_error. The
// error figures (max_abs_error, rmse, l2_rel_error, frac_rel_error_above) are always against
// the true reference above. msd: the bound is against the true reference.
// Extra fields: l2_rel_error, format_l2_rel_error (dequant), frac_rel_error_above
// {"0.001","0.005","0.01","0.05"}, worst_bound_ratio (dequant: against K^, V^'s reference), bound,
// failures, nonfinite, rows_checked, tasks_checked, sampled (above 2^31 (row, key, column) triples,
// tasks x N x M x (d + d_v), an even sample of tasks is checked), first_failure (when one fails);
// for msd, over the Q pieces of every task (ws_q, ws_alpha): activation_effective_bits,
// activation_max_bits, activation_bound_ratio as in linear_check.hpp (x = Q . s_K in fp64; K = 2,
// 127 / 254); msd fails when that ratio exceeds activation_bound_limit (Theorem 5.1 plus the fp32
// split).
#include "kernels/common/kernel.hpp"
#include "kernels/msd/attn_plan.hpp"

namespace ascendsim::kernels {

// `performed` is false when the program holds no data (timing-only).
CheckResult check_attn(const AttnPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels
