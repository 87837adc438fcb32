#pragma once
// The numerical check of `dequant_gemm` and `msd_gemm`: y from GM against the fp64 reference
// y_ref[t, j] = sum_g s[g, j] sum_{i in g} W[j, i] x[t, i] from the decoded GM inputs (X as
// bf16, W as integers, s_W as fp32), over the real tokens and every output column.
//
// GM tensors read (per die d, named plan.tensor_name(base, d); die slices of W, s, y hold the
// output tiles [die_tile0[d], +die_tiles[d]) x 128 columns of y):
//   x   bf16, x_rows x n (X; only the first `tokens` rows are real; every die holds a copy)
//   w   int8 / int4, (die_tiles * 128) x n, row j = output channel die_tile0 * 128 + j
//   s   fp32, groups x (die_tiles * 128), s[g][j]
//   y   out_dtype, x_rows x (die_tiles * 128)
//   msd only, from die 0: ws_x (piece dtype, blocks * block_rows x n; piece k of token t of
//   block b at row b * block_rows + k * block_tokens + t) and ws_alpha (fp32, x_rows x
//   kAlphaCols, alpha of token t at [t, 0]).
//
// Pass criterion, per element, a bound derived from the pipeline (no fitted tolerance):
//   dequant: the AIV forms s W in fp32 and casts it to bf16 (RNE, u_bf16 = 2^-8), so
//     |s W - w~| <= u_w |s W|, u_w = (1 + 2^-24)(1 + 2^-8) - 1;
//     |err| <= u_w S + gamma_n (1 + u_w) S + n 2^-149 (fp32 accumulation, S = sum_i |x_i|
//     |s_j W_ji|, Higham 3.1; subnormal products as gemm_check) + the output rounding
//     u_out (|y_ref| + that) + half out_dtype's smallest subnormal (u_out 2^-8 bf16, 2^-24 fp32).
//   msd: |err| <= D + gamma_{G+K+3} S_pieces + the output rounding as above, where
//     D = sum_g |s_gj| sum_i |W_ji| |x_i - x_hat_i| (the decomposition's error, from the pieces
//     and alpha read back from GM), S_pieces = sum_i |s_j W_ji| alpha sum_k |q_k,i| / step^k (the
//     magnitudes the fp32 chain adds: mixed-sign pieces make it up to ~3x sum |s W| |x|, so S + D
//     does not bound it), and G + K + 3 fp32 roundings per term: FixPipe 2 (int32 -> fp32, x s_g),
//     the atomic adds of the G scale groups G - 1, the piece weight 2 (1 / step^k in fp32, the
//     product), the K - 1 piece adds, x alpha 1 (G = 1 per channel: K + 4). fp32 underflow in
//     that chain is not modelled (it needs s_W near 2^-126).
// msd also fails when activation_bound_ratio exceeds activation_bound_limit = 1 + 2 step^(K-1)
// u (6 first + 1), Theorem 5.1 plus the fp32 split's rounding (linear_check.cpp derives it).
// Fields in `extra`: l2_rel_error, frac_rel_error_above {"0.001", "0.005", "0.01", "0.05"}
// (share of outputs whose |err| / |y_ref| exceeds each, y_ref = 0 counting as exceeded when err
// != 0), worst_bound_ratio (max |err| / bound), bound (the formula), failures, nonfinite,
// tokens_checked, sampled (above 2^31 multiply-adds, tokens * m * n, an even sample of tokens is
// checked), first_failure; for msd, over all real tokens: activation_effective_bits (-log2
// ||x - x_hat|| / ||x||, the string "inf" when exact), activation_bound_ratio (max over tokens of
// max |x - x_hat| divided by Theorem 5.1's bound M / (2 first step^(K-1)), M = max |x| of the
// token), activation_max_bits (the worst token's log2(M / max |x - x_hat|)),
// activation_codes_at_limit (piece codes at the grid's ends, -128 / 127 int8, -8 / 7 int4; piece 1
// holds +first at a token whose max element is positive, by design; -first is not the grid end
// -first - 1) and its split per piece, activation_codes_at_limit_per_piece. x_hat = alpha sum_k q_k
// / step^k, k from 0, alpha from ws_alpha.
#include "kernels/common/kernel.hpp"
#include "kernels/msd/linear_plan.hpp"

namespace ascendsim::kernels {

// `performed` is false when the program holds no data (timing-only).
CheckResult check_linear(const LinearPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels
