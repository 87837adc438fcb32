// Placement and tiling of the INT8-KV attention kernels (see attn_plan.hpp).
#include "kernels/msd/attn_plan.hpp"

#include <algorithm>

#include "kernels/common/core_split.hpp"
#include "sim/config/config_node.hpp"

namespace ascendsim::kernels {
namespace {

// The largest multiple of k0 that divides d and is at most cap (the L0 K step).
std::uint32_t step_for(std::uint32_t d, std::uint32_t k0, std::uint32_t cap) {
  for (std::uint32_t s = cap / k0 * k0; s >= k0; s -= k0)
    if (d % s == 0) return s;
  return 0;
}

}  // namespace

std::string AttnPlan::tensor_name(const std::string& base, std::uint32_t die) const {
  return dies == 1 ? base : base + "_die" + std::to_string(die);
}

AttnPlan plan_attn(const AttnParams& params, const config::HardwareConfig& hw) {
  AttnPlan plan;
  plan.params = params;
  const AttnParams& p = params;
  const bool msd = p.pipeline == LinearPipeline::msd;
  if (hw.aiv_per_aic != 2)
    throw config::ConfigError(
        "dequant_attention / msd_attention split rows between two AIVs "
        "per AIC; this chip has " +
        std::to_string(hw.aiv_per_aic));
  const DType in = msd ? DType::int8 : DType::bf16;
  const auto k0 = hw.aic.cube.k0.find(in);
  if (k0 == hw.aic.cube.k0.end() || k0->second == 0)
    throw config::ConfigError("kernel.name: the cube of this chip does not take " +
                              std::string(numeric::dtype_name(in)) + " inputs");
  // Rows: n_pad so that the stacked msd block (2 n_pad) is whole 16-row fractals.
  const std::uint32_t q = msd ? 8 : 16;
  plan.n_pad = (p.queries + q - 1) / q * q;
  plan.rows = msd ? 2 * plan.n_pad : plan.n_pad;
  // L0B holds 128 columns x step: at most 32 KiB a buffer (two fit the 64 KiB L0B).
  const std::uint32_t bytes = msd ? 1 : 2;
  plan.qk_step = step_for(p.head_dim, k0->second, 32768 / (128 * bytes));
  plan.pv_step = kAttnKeyTile;
  if (plan.qk_step == 0)
    throw config::ConfigError(
        "kernel.head_dim: " + std::to_string(p.head_dim) +
        " has no K step that is a multiple of k0 = " + std::to_string(k0->second));
  // Dies and cores: AICs die by die, tasks in proportion.
  const CoreSplit split = split_over_cores(hw, p.cores, p.where_cores, p.tasks());
  plan.dies = split.dies;
  plan.die_cores = split.die_cores;
  plan.die_task0 = split.die_first;
  plan.die_tasks = split.die_count;
  for (const CoreShare& c : split.cores) plan.cores.push_back(AttnCore{c.aic, c.die_slot, c.items});
  return plan;
}

Json attn_plan_json(const AttnPlan& plan) {
  Json die_tasks = Json::array();
  for (auto t : plan.die_tasks) die_tasks.push_back(t);
  std::uint64_t busiest = 0;
  for (const auto& c : plan.cores) busiest = std::max<std::uint64_t>(busiest, c.tasks.size());
  return Json{{"n_pad", plan.n_pad},     {"rows", plan.rows},           {"qk_step", plan.qk_step},
              {"pv_step", plan.pv_step}, {"key_tile", kAttnKeyTile},    {"aics", plan.cores.size()},
              {"die_tasks", die_tasks},  {"max_tasks_per_aic", busiest}};
}

}  // namespace ascendsim::kernels
