#pragma once
// The closed form beside `sinkhorn_dense`'s measured cycles. Each pass over K (K v, K^T u, the
// final K v with the cost) takes
//   max(vector + fill, port + fill, memory + latency) + sync
//   vector   the busiest core's V time: per tile the ops the program issues (K v: vmul, vrowsum
//            and a row add; K^T u: vrow_mul, vadd; final: also vrow_sub, vabs, vmul, vrowsum),
//            each startup + repeats x cycles per repeat from the config (finom::vector_op_cycles)
//   port     the busiest core's MTE2 time: its copies' setups plus its bytes at
//            min(MTE2 rate, its port's L2 read rate), or its HBM read rate for K bytes that miss
//   memory   every core's bytes of the pass (K, the replicated chunks of v and y, the small
//            vectors) at the chip's L2 read rate; when K is not in L2, K's bytes at HBM
//            bandwidth if that is longer. The form, K read twice at HBM bandwidth (L2's
//            when K fits), is finom::dense_cycles_per_iteration, reported beside it
//   fill     until a core's first tile is in UB: all cores ask for theirs at once after the
//            barrier, so the chip serves cores x (first tile and chunk rows) at its rate
//   latency  the memory's own start: MTE2 setup, L2 hit latency (+ HBM latency when cold)
//   sync     after the last tile: the last store and the chip-wide barrier
// The loads run one tile ahead of the Vector (two K slots), so the three rates overlap. When K
// fits in L2 the first pass still reads it from HBM, and on several dies the first K^T u part of
// it (cold_k_cycles); otherwise every pass does. Each die streams its own copy of K.
// Per iteration: the K v pass plus the K^T u pass.
#include "kernels/common/kernel.hpp"
#include "kernels/sinkhorn/dense_plan.hpp"

namespace ascendsim::kernels::sinkhorn {

struct PassCycles {
  double vector = 0, port = 0, memory = 0, fill = 0, latency = 0, sync = 0;
  double total() const;
};

struct DenseModelTerms {
  bool k_fits_l2 = false;
  PassCycles kv, ktu, final;
  PassCycles kv_first, ktu_first;  // the first iteration's passes (K cold, on more dies partly)
  double setup = 0, tail = 0;      // v = 1 and its barrier; core 0's sum of the shares
  double per_iteration() const { return kv.total() + ktu.total(); }
};

DenseModelTerms dense_model_terms(const DensePlan& plan, const config::HardwareConfig& hw);
ModelPrediction dense_model(const DensePlan& plan, const config::HardwareConfig& hw);

}  // namespace ascendsim::kernels::sinkhorn
