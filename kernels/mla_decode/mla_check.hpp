#pragma once
// The MLA-decode check (`amla`, `fa_preload`, `fa_serial`): `out` from GM against
// out_ref = softmax(scale q K^T) V, computed in fp64 from the decoded (already rounded) q and
// kv, per request over its s_kv tokens (read through the block table, MlaPlan::kv_row). Only
// the valid rows of each request are compared; padding rows are not.
//
// Per-element forward-error bound. Row i, tokens j, exact weights w_j = exp(x_j - m) with
// x_j = scale q.k_j, L = sum_j w_j, p_j = w_j / L, ref_i = sum_j p_j v_ij, S_i = sum_j p_j |v_ij|
// (so |ref_i| <= S_i). u = 2^-24 (fp32), u_p = unit_roundoff(dtype), u_out that of out_dtype,
// gamma_n = n u / (1 - n u) (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
// Lemma 3.1 and eq. 3.5: any summation order). The kernels (AMLA.md §4) compute
//   scores   fp32 sums of 576 exact products (dtype x dtype fits 24 bits): |error| <=
//            gamma_576 sum|q||k_j| <= gamma_576 |q|_2 max_j |k_j|_2 (Cauchy-Schwarz, so the fp64
//            side needs no |Q||K|^T product); with X = scale |q|_2 max|k|_2 >= |x_j|, the
//            argument of exp(scale s - m) is off by at most scale gamma_576 |q| max|k| + 5u(X+1)
//            (scale rounding, product, subtraction of m <= 2X; plus 576 x 2^-149 should a
//            product underflow) and exp adds 4u (the model
//            rounds exp once; 4 leaves room for the silicon's few-ulp exp). Both numerator and
//            denominator see these weights: eta = e^arg (1 + 4u) - 1.
//   P        cast to dtype once: numerator only, u_p (amla: one more u for P~ r^). The row sum
//            l adds the fp32 P~ before the cast (as the CANN code and our vector code do); a
//            kernel summing the rounded P would need 2 u_p here.
//   sums     numerator O: products exact, <= s_kv - 1 fp32 adds plus 2 roundings per rescale
//            (FA: O * alpha, the atomic add): gamma_{s_kv + 2b}, b = ceil(s_kv / kv_block).
//            Denominator: l's sums and rescales, L = l r^, O / L: gamma_{s_kv + 2b + 2}.
//   amla     r = e^m 2^n in fp32 (argument error 2u(X + 1), exp): rho_r in both; l is rescaled
//            by the fp32 exp(m - m_new) while O is rescaled by 2^dN, so each rescale that moves
//            m adds 4u + the subtraction to the denominator. The compensated int add
//            multiplies O by c = cof_prev / cof up to 0.5 |c - 1| (AMLA.md §4.2: the bits of
//            x (1 + f) 2^e move by eps / (1 + f), between eps / 2 and eps, eps = 1.5 (c - 1)),
//            |c - 1| <= kappa = 2 u_p / (1 - u_p), so <= kappa / (2 (1 - kappa)); the +1e-6
//            bias, the fp32 rounding of dN + eps (|dN| <= 30), of c and the int32 rounding of
//            N_int add < 2^-18. A rescale at which m cannot move keeps cof (c = 1 exactly) and
//            costs only the 2^-18. Numerator factor (1 + rho_c)^changes (1 + 2^-18)^(b-1-changes)
//            - 1, changes = blocks whose max may exceed the running max given the score error.
//            Without compensation each block carries cof_last / cof_j: kappa if m may move.
//   tiny     absolute per token, relative to L >= 1: half the smallest subnormal of dtype and
//            fp32 (P and P~ underflow) and, amla, the clamp dN >= -30 (weights < 2^-30 stay
//            < 2^-30), all times 1.5 >= 1 / r^; out_err += abs sum_j |v_ij| / L.
// With mu, nu the numerator and denominator relative perturbations ((1+eta)(1+...) - 1):
//   |out_fp32 - ref_i| <= (mu S_i + nu |ref_i| + abs sum_j |v_ij| / L) / (1 - nu) =: e_i,
//   bound_i = e_i + u_out (|ref_i| + e_i) + half the smallest out_dtype subnormal.
// Not covered: |O| > 1e10 (amla's sanitiser would zero it), subnormal O under the int add, and
// an O element exactly 0 after an early block that gains contributions later (amla's int add
// turns it into garbage, which the sanitiser zeroes: such elements fail this check, docs/amla.md).
//
// Normwise figures: rmse / RMS(ref) against RMS(bound_i) / RMS(ref), which the elementwise bound
// implies (kept as the one-number summary); max_rel_error = max|err| / max|ref| per request,
// since |err_i| / |ref_i| is meaningless for outputs near zero. Observed on the simulated
// kernels (bf16, G = 128, s_kv 1536-4096): worst |err_i| / bound_i 0.12-0.28; the normwise bound
// is ~40x the rmse ratio because S_i / |ref_i| ~ 15 for random V (the cancellation the
// elementwise bound must allow).
// Sampling: each request's K/V is decoded once (its s_kv rows via kv_row); of its G x S_q rows
// between kMinRowsPerRequest and kMaxRowsPerRequest are compared, as many as a budget of
// kCheckRowTokens (row, token) pairs over the batch allows, spread evenly (sample_rows) and
// rotated by the request index so that a large batch covers different heads. Every valid row of
// `out` is scanned for inf / NaN.
#include <cstdint>

#include "kernels/common/kernel.hpp"
#include "kernels/mla_decode/mla_plan.hpp"

namespace ascendsim::kernels {

inline constexpr std::uint64_t kMinRowsPerRequest = 4;   // a few heads of every request
inline constexpr std::uint64_t kMaxRowsPerRequest = 64;  // G x S_q <= 512: one row in 8
// (row, token) pairs per check, 1600 fp64 MACs each: B = 96 x 4096 tokens gets 5 rows a request
// and takes ~1.2 s, mostly decoding its 226 M KV elements.
inline constexpr std::uint64_t kCheckRowTokens = 1 << 21;

// The relative perturbations of one row, from which bound_i follows (see above).
struct MlaRowBound {
  double mu = 0;        // numerator, relative, per token
  double nu = 0;        // denominator, relative, per token
  double abs_coef = 0;  // absolute per-token error of the weights (times sum_j |v_ij| / L)
};

// One row of a request with s_kv tokens: |q|_2, max_j |k_j|_2 and the number of rescales
// (blocks after the first) at which the running max m may move.
MlaRowBound mla_row_bound(const MlaParams& p, double q_norm, double k_norm_max, std::uint64_t s_kv,
                          std::uint64_t changes);
// bound_i from the row terms, S_i, ref_i and sum_j |v_ij| / L.
double mla_error_bound(const MlaParams& p, const MlaRowBound& row, double sum_abs, double reference,
                       double v_abs_over_l);

// `performed` is false when the program holds no data (timing-only).
CheckResult check_mla(const MlaPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels
