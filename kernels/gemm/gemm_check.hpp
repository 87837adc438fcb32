#pragma once
// The GEMM's numerical check: C from GM against C_ref = A * B computed in fp64 from the decoded
// inputs (the padded GM tensors are read back; only the real M x N region is compared).
//
// Tolerance, per element (i, j), with S = sum_k |a_ik| |b_kj| and the real reduction length k:
//   integer inputs (int8 -> int32): exact, the int32 accumulation has no rounding.
//   float inputs: every product of two inputs is exact in fp32 (at most 2 x 11 significand
//     bits), so the only fp32 error is the summation, which any order bounds by gamma_k * S
//     with gamma_k = k u / (1 - k u), u = 2^-24 (Higham Lemma 3.1; the padding adds exact
//     zeros). A product that underflows fp32 loses at most 2^-150, hence + k * 2^-149.
//     A 16-bit output adds its rounding: u_out * (|c_ref| + gamma_k * S) + half its smallest
//     subnormal.
// The check passes if every compared element is within its bound; the report carries the
// worst ratio error / bound. Outputs with more than kMaxCheckedRows rows are checked on that
// many rows spread evenly (sample_rows), which keeps the fp64 reference of a 4096^3 GEMM at
// about a second.
#include "kernels/common/kernel.hpp"
#include "kernels/gemm/gemm_params.hpp"

namespace ascendsim::kernels {

inline constexpr std::uint64_t kMaxCheckedRows = 256;

// `performed` is false when the program holds no data (timing-only).
CheckResult check_gemm(const GemmParams& params, const isa::Program& result);

// The bound above for one element; `sum_abs` = S, `reference` = c_ref.
double gemm_error_bound(const GemmParams& params, double reference, double sum_abs);

}  // namespace ascendsim::kernels
