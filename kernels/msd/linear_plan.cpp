// Placement and tiling of the quantized linear kernels (see linear_plan.hpp).
#include "kernels/msd/linear_plan.hpp"

#include <algorithm>

#include "kernels/common/core_split.hpp"
#include "sim/config/config_node.hpp"

namespace ascendsim::kernels {

std::uint32_t LinearPlan::real_tokens(std::uint64_t blk) const {
  const std::uint64_t first = blk * block_tokens;
  return first >= params.tokens ? 0
                                : static_cast<std::uint32_t>(
                                      std::min<std::uint64_t>(block_tokens, params.tokens - first));
}

std::string LinearPlan::tensor_name(const std::string& base, std::uint32_t die) const {
  return dies == 1 ? base : base + "_die" + std::to_string(die);
}

LinearPlan plan_linear(const LinearParams& params, const config::HardwareConfig& hw) {
  LinearPlan plan;
  plan.params = params;
  const LinearParams& p = params;
  const DType cube_in = p.mx() || p.pipeline == LinearPipeline::msd ? p.piece() : DType::bf16;
  const auto k0 = hw.aic.cube.k0.find(cube_in);
  if (k0 == hw.aic.cube.k0.end() || k0->second == 0)
    throw config::ConfigError(p.where_weight + ": the cube of this chip does not take " +
                              std::string(numeric::dtype_name(cube_in)) + " inputs" +
                              (p.mx() ? " (MX weights need a cube with MX fp4 / fp8 rates, "
                                        "e.g. configs/hw/ascend950pr.yaml)"
                                      : ""));

  // Row blocks.
  if (p.mx()) {
    // One row block of pieces per pass (the MX scales apply inside the mmad, so the passes
    // accumulate into one L0C tile instead of stacking). K step: 128 for fp8 (L0B holds two
    // 128 x 128 W tiles); 256 for fp4 unless the passes' L0A tiles would not fit twice.
    // At most 256 piece rows per block (the passes' L1 tiles fit twice beside W's).
    const std::uint32_t max_tokens = std::min<std::uint32_t>(128, 256 / p.passes / 16 * 16);
    plan.block_tokens = std::min<std::uint32_t>(max_tokens, (p.tokens + 15) / 16 * 16);
    plan.block_rows = plan.block_tokens;
    const bool fp4 = numeric::dtype_bits(p.piece()) == 4;
    plan.k_step = fp4 && plan.block_tokens * p.passes <= 128 ? 256 : 128;
    plan.l1_cols = static_cast<std::uint32_t>(512 * 8 / numeric::dtype_bits(p.piece()));
  } else if (p.pipeline == LinearPipeline::dequant) {
    plan.block_tokens = std::min<std::uint32_t>(128, (p.tokens + 15) / 16 * 16);
    plan.block_rows = plan.block_tokens;
    plan.k_step = 128;
  } else {
    const std::uint32_t k = p.passes;
    std::uint32_t q = 16;  // part granularity so that part * K is a multiple of 16
    while (q > 1 && (q / 2) * k % 16 == 0) q /= 2;
    const std::uint32_t max_part = 128 / k / q * q;
    plan.block_tokens = std::min<std::uint32_t>(max_part, (p.tokens + q - 1) / q * q);
    plan.block_rows = plan.block_tokens * k;
    plan.k_step = std::min<std::uint32_t>(256, static_cast<std::uint32_t>(p.group_length()));
    if (plan.k_step % k0->second != 0)
      throw config::ConfigError(
          p.where_group + ": a group of " + std::to_string(p.group) +
          " is not a whole number of the cube's K steps (k0 = " + std::to_string(k0->second) + ")");
  }
  if (p.pipeline == LinearPipeline::msd && !p.mx())
    plan.l1_cols = static_cast<std::uint32_t>(512 * 8 / numeric::dtype_bits(p.piece()));
  plan.blocks = (p.tokens + plan.block_tokens - 1) / plan.block_tokens;
  plan.l2_line = hw.l2.line_bytes;

  // Dies and cores: AICs die by die; tiles in proportion to each die's AICs.
  const CoreSplit split = split_over_cores(hw, p.cores, p.where_cores, plan.tiles());
  plan.dies = split.dies;
  plan.die_cores = split.die_cores;
  plan.die_tile0 = split.die_first;
  plan.die_tiles = split.die_count;
  for (const CoreShare& c : split.cores)
    plan.cores.push_back(LinearCore{c.aic, c.die_slot, c.items});
  if (hw.aiv_per_aic != 2)
    throw config::ConfigError(
        "kernel.name: dequant_gemm / msd_gemm split each W tile and row block between two AIVs; "
        "the chip's aiv_per_aic is " +
        std::to_string(hw.aiv_per_aic) + " per AIC");
  return plan;
}

Json linear_plan_json(const LinearPlan& plan) {
  Json die_tiles = Json::array();
  for (auto t : plan.die_tiles) die_tiles.push_back(t);
  std::uint64_t busiest = 0;
  for (const auto& c : plan.cores) busiest = std::max<std::uint64_t>(busiest, c.tiles.size());
  return Json{{"tile",
               {{"m", kLinearTile},
                {"n_chunk", kLinearChunk},
                {"l1_cols", plan.l1_cols},
                {"k_step", plan.k_step}}},
              {"block_tokens", plan.block_tokens},
              {"block_rows", plan.block_rows},
              {"blocks", plan.blocks},
              {"aics", plan.cores.size()},
              {"die_tiles", die_tiles},
              {"max_tiles_per_aic", busiest}};
}

}  // namespace ascendsim::kernels
