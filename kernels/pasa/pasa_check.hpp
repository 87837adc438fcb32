#pragma once
// The numerical check of the prefill attention kernels: out from GM against fp64 softmax
// attention (pasa_reference.hpp) of the fp16 Q, K, V in GM, per (batch, query head), over the
// real rows. Fields in `extra`: nonfinite_outputs, rmse_over_rms_v (RMSE / RMS of the V rows
// the heads read, PASA.md §6's RMSE_Re), rmse_over_rms_ref, max_score (max |scale q k| over
// the reference), max_abs_dot (max scale sum |q k|), bound (the formula), error_bound,
// beyond_bound and outside_v_range (counts), bound_exceeds_v_spread (true when the bound is vacuous
// and only finiteness and the range are tested: fp16 scores on biased inputs). Pass: no non-finite
// output, every output within its head's V column range (outputs are convex combinations of V rows;
// slack: the roundings after the weights), and every output's error <= error_bound, a bound on each
// output's error from the roundings the pipeline makes (every output is a convex combination of V
// rows, so each term is relative to max |v|): P to fp16 (2^-11), PV's FixPipe cast (u16 for the
// fp16 variants), the O update's two roundings per KV block in o_accum (2 T u_o, T the most blocks
// a row sees), the output cast (u_out), and each score's exponent error: the Cube's fp32
// accumulation over d products, worst case gamma_d = d 2^-24 / (1 - d 2^-24) times sum |scale q k|
// (max_abs_dot), and two roundings in S's type u_s (fp16 or fp32: the stored S and its scale
// multiply, or pasa's K~) of up to u_s |S| each; a weight moves by its exponent's error and the
// normalised output by twice that (2 (gamma_d max_abs_dot + 2 u_s max_score)); plus 2^-20 for the
// fp32 exp and sums. Biased scores make the accumulation term large even in fp32 (fa_mixed on the
// grid's mean-30 rows): a worst case, the measured errors sit far below it.
// The bound is what the formats allow on these inputs, not a tolerance: biased scores make it
// large for fa_fp16, and the report says so.
#include "kernels/common/kernel.hpp"
#include "kernels/pasa/pasa_plan.hpp"

namespace ascendsim::kernels {

CheckResult check_pasa(const PasaPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels
