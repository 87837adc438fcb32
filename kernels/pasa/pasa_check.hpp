#pragma once
// The numerical check of the prefill attention kernels: out from GM against fp64 softmax
// attention (pasa_reference.hpp) of the fp16 Q, K, V in GM, per (batch, query head), over the
// real rows. Fields in `extra`: nonfinite_outputs, rmse_over_rms_v (RMSE / RMS of the V rows
// the heads read, PASA.md §6's RMSE_Re), rmse_over_rms_ref, max_score (max |scale q k| over
// the reference), max_abs_dot (max scale sum |q k|), score_exponent_error (delta below), bound
// (the formula), error_bound, beyond_bound and outside_v_range (counts), bound_exceeds_v_spread
// (true when the bound is vacuous and only finiteness and the range are tested).
//
// Pass: no non-finite output, every output within its head's V column range (outputs are convex
// combinations of V rows; slack: the roundings after the weights), and every output's error <=
// error_bound = rel max|v| + expm1(2 delta) spread(V) / 2, where
//  * delta bounds each score's exponent error: the Cube's fp32 accumulation over d products
//    (gamma_d = d 2^-24 / (1 - d 2^-24) times sum |scale q k|) and the score's roundings, for
//    fa_* its storage in S's type and the scale multiply (u_s |S| each), for pasa K~'s fp16
//    rounding after its fp32 sum over n keys and fl16(M_s)'s ((u16 + gamma_n) sum |q| (|k| +
//    beta colmax |k|), which bounds sum |q k~| with either M_s) and S~'s fp16 storage;
//    the normalised weights then move by at most expm1(2 delta) in total, and since both sets
//    of weights sum to 1 the output moves by at most that times half of V's column spread;
//  * rel, relative to max |v|, the roundings after the weights: P to fp16 (2^-11), PV's cast
//    (u16 for fp16 scores), the O update's two per KV block in o_accum (2 T u_o, T the most
//    blocks a row sees), l's three per block and its row sum's (3 T + 1) u_stats, the output
//    cast (u_out), and 2^-20 for the fp32 exp and sums.
// The bound is what the formats allow on these inputs in the worst case, not a tolerance; on
// biased inputs the fp32 accumulation's worst case alone is ~0.1 of an exponent at mean 30.
#include "kernels/common/kernel.hpp"
#include "kernels/pasa/pasa_plan.hpp"

namespace ascendsim::kernels {

CheckResult check_pasa(const PasaPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels
