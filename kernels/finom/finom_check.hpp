#pragma once
// The check of the 1D W1 kernels (`finom`, `sinkhorn_dense`) against fp64 host references:
//
//   kv_rel_error_vs_dense  max_i |Kv_npu - Kv|_i / Kv_i, Kv the fp64 product of the NPU's final
//                          v (dense while M N <= 2^24, else FINOM's fp64 scans, equal to dense to
//                          1.8e-15 in tests/unit/test_finom_reference.cpp), over the rows where
//                          Kv_i >= FLT_MIN = 2^-126 (below it fp32 is subnormal and holds
//                          fewer than 24 significant bits); must be <= 1e-4 (the figure)
//   marginal_error         || u o (K v) - a ||_1 of the NPU's final u, v, K v in fp64
//   w_eps                  <C, P> as the NPU computed it; w_eps_reference the fp64 Sinkhorn's
//                          after the same number of iterations: relative difference <= 1e-4
//                          (the agreement figure between FINOM and dense; absolute,
//                          against the diameter 1, when the reference is 0)
//   w1_exact               exact W1 (CDF formula): w1 - marginal_error <= w_eps <= w1 +
//                          eps log(M N) (the bias bound, looser than FINOM.md §3's
//                          eps log min(M, N); a P whose row sums miss a by delta in l1 moves
//                          that mass at most the diameter 1), each side widened by the 1e-4
//                          agreement allowance of the NPU's fp32 w_eps (disjoint supports put
//                          the reference exactly on w1)
//   iterations             the count run; with `iterations: auto` the NPU's marginal error must
//                          be <= max(tol, the fp64 reference's own there: it stops at max_iter
//                          short of tol) + 2 kv_rel_error + 2^-22 (the fixed point seen through
//                          fp32 products and divisions: K v off by kv_rel_error relative, u by
//                          two roundings of 2^-24)
#include "kernels/common/kernel.hpp"
#include "kernels/finom/finom_params.hpp"
#include "kernels/finom/finom_plan.hpp"

namespace ascendsim::kernels::finom {

// What a W1 kernel leaves in GM, in node order (sources, targets), as doubles.
struct NpuResult {
  Vec u, v, kv;  // kv = K v of the final v, at the sources
  double w_eps = 0;
};

CheckResult check_w1(const FinomParams& params, const Problem& problem, std::uint32_t iterations,
                     bool iterations_auto, const NpuResult& npu);

// `finom`'s outputs (u, v, kv, w_eps in the merged layout) taken back to node order, checked.
CheckResult check_finom(const FinomPlan& plan, const isa::Program& result);

}  // namespace ascendsim::kernels::finom
