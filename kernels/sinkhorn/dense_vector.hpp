#pragma once
// The AIV program of `sinkhorn_dense` (dense_plan.hpp for the split and tiles):
//   setup        v = 1 on the core's columns; barrier
//   iteration    u = a / (K v + not_src) on the core's rows; barrier;
//                v = b / (K^T u + not_tgt) on the core's columns; barrier
//   final        K v of the final v on the core's rows (stored as kv) and the core's share of
//                <C, P> = sum_ij u_i K_ij |y_j - x_i| v_j; barrier; core 0 sums the shares
// The masks are 1 where the weight is 0 in fp32 (and in the padding), so 0 / 0 never occurs:
// there u or v is 0 whatever K v underflowed to.
// Every K tile moves GM -> UB on MTE2 into one of two slots (ping-pong: the next tile loads
// while V works on this one). K v multiplies the tile by v's chunk replicated down its rows,
// row-sums it and adds the sums to the panel's; K^T u scales the tile's rows by u (a column)
// and adds it into a rows x cols accumulator whose rows are summed by halving at the chunk's
// end. The final pass forms |y_j - x_i| on chip (vrow_sub, vabs) instead of reading a cost
// matrix: -eps log K would lose the digits where K underflows.
#include <cstdint>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/sinkhorn/dense_plan.hpp"

namespace ascendsim::kernels::sinkhorn {

// GM tensors, fp32. Source vectors are m_pad x 1 columns, target vectors 1 x n_pad rows, on
// die 0. K has a copy on every die the cores use ("k", "k_die1", ...), so each core streams it
// from its own die's L2 and HBM; the die link carries only the vectors.
struct DenseGm {
  std::vector<GmTensor> k;  // per die, m_pad x n_pad: K_ij = exp(-|x_i - y_j| / eps), 0 in padding
  GmTensor x, a, not_src;   // sources: nodes, weights, 1 where a is 0 (and padding) else 0
  GmTensor y, b, not_tgt;   // targets, likewise
  GmTensor u, kv, v;        // outputs: the scalings and K v of the final v
  GmTensor partial;         // cores x 8: each core's share of <C, P> in element 0
  GmTensor w_eps;           // 1 x 8 output: <C, P> in element 0
};

DenseGm declare_dense_tensors(ProgramBuilder& b, const DensePlan& plan);
// The program of AIV number `core` (0-based over the cores used).
void emit_dense_aiv(CoreBuilder& c, const DensePlan& plan, const DenseGm& gm, std::uint32_t core);

}  // namespace ascendsim::kernels::sinkhorn
