// `finom`'s GM tensors and the UB budget of its streamed tiles (finom_vector.hpp).
#include <algorithm>

#include "kernels/finom/finom_vector.hpp"

namespace ascendsim::kernels::finom {
namespace {

constexpr std::uint32_t kSlots = kFinomTileSlots;
constexpr std::uint32_t kBlock = kFloatsPerBlock;

// Fixed UB bytes: the carry columns over the groups and cores (one 32-byte block per entry),
// the rows over the lanes, the groups and the cores, and the alignment slack of each.
std::uint64_t fixed_ub_bytes(std::uint32_t lanes, std::uint32_t cores) {
  const std::uint64_t groups = finom_groups(lanes), c = cores;
  const std::uint64_t column_entries =
      4 * groups + 2 * std::max(groups + 1, c) + std::max(groups, c) + 2 * c;
  return column_entries * 32 + 8ull * lanes * 4 + 6 * groups * 4 + 8 * c * 4 + 64ull * 48;
}

}  // namespace

std::uint32_t finom_tile_rows(const config::HardwareConfig& hw, std::uint32_t lanes,
                              std::uint32_t cores) {
  const std::uint64_t ub = hw.buffer_bytes(isa::CoreKind::AIV, Buffer::UB);
  const std::uint64_t fixed = fixed_ub_bytes(lanes, cores);
  if (fixed >= ub) return 0;
  return std::uint32_t((ub - fixed) / (std::uint64_t(kSlots) * lanes * 4 + 4));
}

FinomGm declare_finom_tensors(ProgramBuilder& b, const FinomPlan& plan) {
  const std::uint64_t rows = std::uint64_t(plan.cores) * plan.rows, l = plan.lanes;
  const DType f = DType::fp32;
  FinomGm g;
  g.gap_f = b.gm_tensor("gap_f", f, rows, l);
  g.gap_b = b.gm_tensor("gap_b", f, rows, l);
  g.a = b.gm_tensor("a", f, rows, l);
  g.b = b.gm_tensor("b", f, rows, l);
  g.not_src = b.gm_tensor("not_src", f, rows, l);
  g.not_tgt = b.gm_tensor("not_tgt", f, rows, l);
  g.v0 = b.gm_tensor("v0", f, rows, l);
  g.decay_f = b.gm_tensor("decay_f", f, rows, l);
  g.decay_b = b.gm_tensor("decay_b", f, rows, l);
  g.s = b.gm_tensor("s", f, rows, l);
  g.u = b.gm_tensor("u", f, rows, l, 0, /*output=*/true);
  g.v = b.gm_tensor("v", f, rows, l, 0, true);
  g.kv = b.gm_tensor("kv", f, rows, l, 0, true);
  g.cost_f = b.gm_tensor("cost_f", f, rows, l);
  g.cost_b = b.gm_tensor("cost_b", f, rows, l);
  g.lane_io = b.gm_tensor("lane_io", f, 2ull * plan.cores, l);
  g.core_io =
      b.gm_tensor("core_io", f, 2ull * plan.cores, (plan.cores + kBlock - 1) / kBlock * kBlock);
  g.totals = b.gm_tensor("totals", f, 4ull * plan.cores, kBlock);
  g.lane_span = b.gm_tensor("lane_span", f, 2ull * plan.cores, l);
  g.seg_span = b.gm_tensor("seg_span", f, 2ull * plan.cores, kBlock);
  g.partial = b.gm_tensor("partial", f, plan.cores, kBlock);
  g.w_eps = b.gm_tensor("w_eps", f, 1, kBlock, 0, true);
  return g;
}

}  // namespace ascendsim::kernels::finom
