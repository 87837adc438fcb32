#pragma once
// The numerical check of the prefill attention kernels: out from GM against fp64 softmax
// attention (pasa_reference.hpp) of the fp16 Q, K, V in GM, per (batch, query head), over the
// real rows. Fields in `extra`: nonfinite_outputs, rmse_over_rms_v (RMSE / RMS of the V rows
// the heads read, PASA.md §6's RMSE_Re), rmse_over_rms_ref, max_score (max |scale q k| over
// the reference), bound (the formula), error_bound, beyond_bound and outside_v_range (counts),
// bound_exceeds_v_spread (true when the bound is vacuous and only finiteness and the range are
// tested: fp16 scores on biased inputs).
// Pass: no non-finite output, every output within its head's V column range (outputs are
// convex combinations of V rows; slack: the roundings after the weights), and every output's
// error <= error_bound, a bound on each output's error from the
// roundings the pipeline makes (every output is a convex combination of V rows, so each term
// is relative to max |v|): P to fp16 (2^-11), PV's FixPipe cast (u16 for the fp16 variants),
// the O update's two roundings per KV block in o_accum (2 T u_o, T the most blocks a row sees),
// the output cast (u_out), and where the scores are stored in fp16 (fa_fp16), S's rounding,
// which shifts an exponent by up to u16 |S| and the row max by as much again (2 u16 max_score);
// plus 2^-20 for the fp32 exp and sums.
// The bound is what the formats allow on these inputs, not a tolerance: biased scores make it
// large for fa_fp16, and the report says so.
#include "kernels/common/kernel.hpp"
#include "kernels/pasa/pasa_plan.hpp"

namespace ascendsim::kernels {

CheckResult check_pasa(const PasaPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels
