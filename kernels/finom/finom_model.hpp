#pragma once
// Closed forms beside `finom`'s measured cycles (FINOM.md §5.3, the model):
//
//   FINOM, per product on one core (every core has the same segment): four data chains of
//   `rows` first-axis scan steps (vmul + vadd over lanes x 4 B), the per-tile loads, stores and
//   elementwise epilogue at the AIV's MTE rates plus one L2 hit latency per tile (the tiles are
//   single-buffered: load, compute, store in turn), the lanes' carries (per direction two scans
//   of B steps over the A groups of lanes and a chain of A one-block steps; the segment total a
//   dot product of the group totals), the row <-> column trips through GM, and one chip-wide
//   barrier (the cross-core latency) followed by the carry-in's dot product over the cores'
//   segment totals. O(M + N) / cores + O(sqrt(lanes) + cores) per product.
//   dense Sinkhorn per iteration, the form: K read twice (K v, K^T u), 2 M N 4 bytes
//   at HBM bandwidth (at the L2's when K fits in L2).
// Both per iteration; the speedup is their ratio.
#include "kernels/common/kernel.hpp"
#include "kernels/finom/finom_plan.hpp"

namespace ascendsim::kernels::finom {

struct FinomModelTerms {
  double setup = 0, per_iteration = 0, final = 0;
  double chains = 0, tiles = 0, lanes = 0, exchange = 0;  // per product
};
FinomModelTerms finom_model_terms(const FinomPlan& plan, const config::HardwareConfig& hw);

// Dense Sinkhorn's cycles per iteration by the form (see above).
double dense_cycles_per_iteration(std::uint64_t m, std::uint64_t n,
                                  const config::HardwareConfig& hw);

ModelPrediction finom_model(const FinomPlan& plan, const config::HardwareConfig& hw);

}  // namespace ascendsim::kernels::finom
