#pragma once
// The numerical check of `dequant_gemm` and `msd_gemm` with MX weights (LinearParams::mx():
// weight fp4_e2m1 or fp4_e1m2; mx_pipeline.hpp). The error figures (l2_rel_error,
// frac_rel_error_above, max_abs_error ...) compare y from GM with the fp64 reference
// y_ref[t, j] = sum_i x[t, i] W_deq[j, i], W_deq[j, i] = fp4(w[j, i]) 2^(s[i / 32][j] - 127)
// (MSD.md §10: X in full precision times the dequantised MXFP4 weight), over the real tokens;
// the pass criterion is the bound below.
//
// GM tensors read (per die d, named plan.tensor_name(base, d); die d holds the output columns
// [die_tile0[d] 128, +die_tiles[d] 128)):
//   x      bf16, x_rows x n (only the first `tokens` rows are real; die 0's copy)
//   w      the fp4 weight (two per byte, low nibble first), (die_tiles 128) x n
//   s      e8m0, (n / 32) x (die_tiles 128), s[b][j]: W row j's scale for inputs [32 b, 32 b + 32)
//   y      out_dtype, x_rows x (die_tiles 128)
//   ws_x   piece() (msd: fp4_e1m2 / fp4_e2m1; dequant: fp8_e4m3), (P x_rows) x n: pass p's
//          code of token t at row p x_rows + t (die 0's)
//   ws_sx  e8m0, (P S) x (x_rows c), S = mx_steps(), c = k_step / 32: pass p, token t, block b at
//          row p S + b / c, column t c + b % c (die 0's)
// with P = passes (dequant 1) and x_hat[t, i] = sum_p scale_p(t, i / 32) piece_p[t, i].
//
// Per element, a bound derived from the pipeline (no fitted tolerance), taken against
// y_hat = x_hat W_deq, what the cube should compute from the pieces the AIVs wrote (the split is
// gated on its own, below; a bound against y_ref would have to allow the split's worst case
// sum_i |W_deq| |x_i - x_hat_i|, about sqrt(n) times its real effect, and let a dropped K step or
// pass through): |y - y_hat| <= gamma_N S_pieces + u_out (|y_hat| + that) + half out_dtype's
// smallest subnormal, S_pieces = sum_i |W_deq[j, i]| sum_p |scale_p piece_p,i| (the magnitudes
// the fp32 sum adds), N = P n + 1: the MX mmads form exact products and add them in fp32 in any
//   order, at most P n additions per output, plus one rounding per product in case the cube rounds
//   it to fp32 as it enters L0C (Higham's dot-product count); gamma_N = N u / (1 - N u), u = 2^-24;
//   u_out 2^-24 fp32, 2^-8 bf16 (the FixPipe's RNE cast).
// The split itself: the AIVs' arithmetic is exact (power-of-two scales), so on every block whose
// max M_b >= 2^-100 (smaller maxima are raised to 2^-100 before the scale is chosen, by design:
// mx_vector.cpp) x_hat must equal msd::mx_split(x, params.mx_split()).x_hat bit for bit (and a
// block with M_b = 0 must give x_hat = 0, whatever its scale); and on every block with M_b > 0, max
// |x - x_hat| <= bound_b, alpha_b = the pass-1 scale from ws_sx:
//   bound_b = R_P, R_1 = alpha_b E(V_1), R_k = s_k E(R_(k-1) / s_k), s_k = alpha_b / ratio^(k-1),
//   E(V) = the worst RNE-saturating rounding error on the piece's grid over |v| <= V: half the
//   widest grid step starting below min(V, max), or V - max when V > max.
//   msd: V_1 = max(threshold, M_b / alpha_b), the rule's worst case, one constant per split:
//     e1m2 (1.859375, alpha / 16) alpha_b / 64 at P = 2 (Theorem 5.2; P = 1 alpha / 8, P = 3
//     9 alpha / 1024), e2m1 (7, alpha / 4) alpha_b / 8 (msd_split.cpp; P = 1 alpha, P = 3
//     alpha / 64).
//   dequant (e4m3, one pass): V_1 = M_b / alpha_b, giving alpha_b max(2^(floor(log2 V_1) - 4),
//     V_1 - 448) (half an e4m3 step at the block max's binade, or the OCP rule's saturation) for
//     normal V_1 (both rules give V_1 > 224), half that at V_1 a power of two (no wider step
//     starts below it).
// passed: no element beyond its bound, activation_split_mismatches == 0 and
// activation_bound_ratio <= activation_bound_limit = 1.
// Fields in `extra`: l2_rel_error, frac_rel_error_above {"0.001", "0.005", "0.01", "0.05"},
// worst_bound_ratio, bound (the formula), failures, nonfinite, first_failure ({token, column,
// reference (y_hat), computed, bound}), tokens_checked, sampled (above 2^31 multiply-adds, tokens m
// n, an even sample of tokens is checked); over all real tokens: activation_effective_bits (-log2
// ||x - x_hat||_2 / ||x||_2, the string "inf" when exact), activation_bound_ratio (max over blocks
// of max |x - x_hat| / bound_b), activation_bound_limit, activation_split_mismatches (elements
// of the blocks compared), activation_saturated_share (per pass: the share of codes at +-max of
// the grid, 1.75 e1m2, 6 e2m1, 448 e4m3, clamped or rounded there: ~3/16 of e1m2's pass-2 codes
// on Gaussian input, |r / beta| in [1.625, 2]), activation_clipped_share (per pass: the share of
// inputs beyond the grid, |residual / scale| > max, that saturation clamps: MSD.md §5's ~1/8 of
// e1m2's pass 2, somewhat less on bf16 X, whose coarse residuals hit fewer of (1.75, 2]).
#include "kernels/common/kernel.hpp"
#include "kernels/msd/linear_plan.hpp"

namespace ascendsim::kernels {

// `performed` is false when the program holds no data (timing-only).
CheckResult check_mx_linear(const LinearPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels
