// Placement and tiling of the quantized linear kernels (see linear_plan.hpp).
#include "kernels/msd/linear_plan.hpp"

#include <algorithm>

#include "sim/config/config_node.hpp"

namespace ascendsim::kernels {

std::uint32_t LinearPlan::real_tokens(std::uint64_t blk) const {
  const std::uint64_t first = blk * block_tokens;
  return first >= params.tokens
             ? 0
             : static_cast<std::uint32_t>(std::min<std::uint64_t>(block_tokens, params.tokens - first));
}

std::string LinearPlan::tensor_name(const std::string& base, std::uint32_t die) const {
  return dies == 1 ? base : base + "_die" + std::to_string(die);
}

LinearPlan plan_linear(const LinearParams& params, const config::HardwareConfig& hw) {
  LinearPlan plan;
  plan.params = params;
  const LinearParams& p = params;
  const std::uint32_t total = hw.total_aic();
  const std::uint32_t used = p.cores ? p.cores : total;
  if (used > total)
    throw config::ConfigError(p.where_cores + ": expected at most " + std::to_string(total) +
                              " AICs (" + hw.name + " has " + std::to_string(hw.dies) + " x " +
                              std::to_string(hw.aic_per_die) + "), got " + std::to_string(used));
  const auto k0 = hw.aic.cube.k0.find(p.pipeline == LinearPipeline::msd ? p.piece() : DType::bf16);
  if (k0 == hw.aic.cube.k0.end() || k0->second == 0)
    throw config::ConfigError(p.where_weight + ": the cube of this chip does not take " +
                              std::string(numeric::dtype_name(p.pipeline == LinearPipeline::msd
                                                                  ? p.piece()
                                                                  : DType::bf16)) +
                              " inputs");

  // Row blocks.
  if (p.pipeline == LinearPipeline::dequant) {
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
      throw config::ConfigError(p.where_group + ": a group of " + std::to_string(p.group) +
                                " is not a whole number of the cube's K steps (k0 = " +
                                std::to_string(k0->second) + ")");
  }
  if (p.pipeline == LinearPipeline::msd)
    plan.l1_cols = static_cast<std::uint32_t>(512 * 8 / numeric::dtype_bits(p.piece()));
  plan.blocks = (p.tokens + plan.block_tokens - 1) / plan.block_tokens;

  // Dies and cores: AICs die by die; tiles in proportion to each die's AICs.
  plan.dies = 0;
  std::uint32_t left = used;
  for (std::uint32_t d = 0; d < hw.dies && left > 0; ++d) {
    const std::uint32_t c = std::min(left, hw.aic_per_die);
    plan.die_cores.push_back(c);
    left -= c;
    ++plan.dies;
  }
  const std::uint64_t tiles = plan.tiles();
  std::uint64_t given = 0;
  for (std::uint32_t d = 0; d < plan.dies; ++d) {
    const std::uint64_t share =
        d + 1 == plan.dies ? tiles - given : tiles * plan.die_cores[d] / used;
    plan.die_tile0.push_back(given);
    plan.die_tiles.push_back(share);
    given += share;
    for (std::uint32_t i = 0; i < plan.die_cores[d]; ++i) {
      LinearCore core;
      core.aic = isa::CoreId{static_cast<std::uint16_t>(d), CoreKind::AIC, static_cast<std::uint16_t>(i)};
      core.die_slot = i;
      for (std::uint64_t t = i; t < share; t += plan.die_cores[d]) core.tiles.push_back(t);
      plan.cores.push_back(std::move(core));
    }
  }
  if (hw.aiv_per_aic != 2)
    throw config::ConfigError("dequant_gemm / msd_gemm split each W tile and row block between two AIVs; this chip has " +
                              std::to_string(hw.aiv_per_aic) + " per AIC");
  plan.aivs = used * hw.aiv_per_aic;
  return plan;
}

Json linear_plan_json(const LinearPlan& plan) {
  Json die_tiles = Json::array();
  for (auto t : plan.die_tiles) die_tiles.push_back(t);
  std::uint64_t busiest = 0;
  for (const auto& c : plan.cores) busiest = std::max<std::uint64_t>(busiest, c.tiles.size());
  return Json{{"tile", {{"m", kLinearTile}, {"n_chunk", kLinearChunk}, {"l1_cols", plan.l1_cols}, {"k_step", plan.k_step}}},
              {"block_tokens", plan.block_tokens},
              {"block_rows", plan.block_rows},
              {"blocks", plan.blocks},
              {"aics", plan.cores.size()},
              {"die_tiles", die_tiles},
              {"max_tiles_per_aic", busiest}};
}

}  // namespace ascendsim::kernels
