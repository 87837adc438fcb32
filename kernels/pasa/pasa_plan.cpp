// Tasks, causal visibility and core placement of the prefill attention kernels (pasa_plan.hpp).
#include "kernels/pasa/pasa_plan.hpp"

#include <algorithm>

#include "sim/config/config_node.hpp"

namespace ascendsim::kernels {

namespace {
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }
}  // namespace

std::uint64_t PasaPlan::shift_units() const {
  return params.variant == PasaVariant::pasa
             ? std::uint64_t(params.batch) * params.kv_heads * kv_blocks
             : 0;
}

std::uint64_t PasaPlan::visible_blocks(std::uint64_t q_block) const {
  const PasaParams& p = params;
  if (!p.causal) return kv_blocks;
  // The block's last real row r sees keys up to r + s_kv - s_q (none if that is negative).
  const std::uint64_t last_row = std::min(p.s_q, (q_block + 1) * p.block_rows) - 1;
  if (last_row + p.s_kv < p.s_q) return 0;
  const std::uint64_t last_key = std::min(p.s_kv - 1, last_row + p.s_kv - p.s_q);
  return last_key / p.block_cols + 1;
}

bool PasaPlan::needs_mask(std::uint64_t q_block, std::uint64_t kv_block) const {
  const PasaParams& p = params;
  if ((kv_block + 1) * p.block_cols > p.s_kv) return true;  // padded keys
  if (!p.causal) return false;
  // Fully visible iff the block's first row sees the block's last key:
  // last_key <= first_row + s_kv - s_q.
  const std::uint64_t first_row = q_block * p.block_rows;
  const std::uint64_t last_key = (kv_block + 1) * p.block_cols - 1;
  return first_row + p.s_kv < p.s_q + last_key;
}

PasaPlan plan_pasa(const PasaParams& params, const config::HardwareConfig& hw) {
  PasaPlan plan;
  plan.params = params;
  const PasaParams& p = params;
  plan.q_blocks = ceil_div(p.s_q, p.block_rows);
  plan.kv_blocks = ceil_div(p.s_kv, p.block_cols);
  for (std::uint32_t b = 0; b < p.batch; ++b)
    for (std::uint32_t h = 0; h < p.q_heads; ++h)
      for (std::uint64_t i = 0; i < plan.q_blocks; ++i) {
        PasaTask t;
        t.batch = b;
        t.head = h;
        t.q_block = i;
        t.rows = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(p.block_rows, p.s_q - i * p.block_rows));
        t.kv_blocks = plan.visible_blocks(i);
        plan.tasks.push_back(t);
      }
  plan.mask_index.assign(plan.q_blocks * plan.kv_blocks, -1);
  for (std::uint64_t i = 0; i < plan.q_blocks; ++i)
    for (std::uint64_t j = 0; j < plan.visible_blocks(i); ++j)
      if (plan.needs_mask(i, j))
        plan.mask_index[i * plan.kv_blocks + j] = std::int64_t(plan.mask_tiles++);
  plan.split = split_over_cores(hw, p.cores, p.where_cores, plan.tasks.size());
  if (plan.shift_units() > 0)
    plan.shift_split = split_over_cores(hw, p.cores, p.where_cores, plan.shift_units());
  if (hw.aiv_per_aic != 2)
    throw config::ConfigError(
        "kernel.name: " + pasa_variant_name(p.variant) +
        " splits each task's rows between two AIVs; the chip's aiv_per_aic is " +
        std::to_string(hw.aiv_per_aic));
  return plan;
}

Json pasa_plan_json(const PasaPlan& plan) {
  std::uint64_t blocks = 0, masked = 0, busiest = 0;
  for (const PasaTask& t : plan.tasks) {
    blocks += t.kv_blocks;
    for (std::uint64_t j = 0; j < t.kv_blocks; ++j) masked += plan.needs_mask(t.q_block, j);
  }
  for (const CoreShare& c : plan.split.cores)
    busiest = std::max<std::uint64_t>(busiest, c.items.size());
  Json j{{"q_blocks", plan.q_blocks},   {"kv_blocks", plan.kv_blocks},
         {"tasks", plan.tasks.size()},  {"score_blocks", blocks},
         {"masked_blocks", masked},     {"aics", plan.split.cores.size()},
         {"max_tasks_per_aic", busiest}};
  if (plan.shift_units() > 0) {
    j["shift_units"] = plan.shift_units();
    j["shift_gemm"] = "once per (batch, kv head, kv block), reused by every query block and head";
  }
  return j;
}

std::string PasaPlan::task_region(std::uint64_t task, std::uint64_t kv_block) const {
  const PasaTask& t = tasks.at(task);
  return "task " + std::to_string(task) + " (batch " + std::to_string(t.batch) + ", head " +
         std::to_string(t.head) + ", query block " + std::to_string(t.q_block) + "), " +
         (kv_block < t.kv_blocks ? "KV block " + std::to_string(kv_block) : "output O / l");
}

std::string PasaPlan::shift_region(std::uint64_t unit) const {
  // units run batch-major, then KV head, then KV block (pasa_cube.cpp's row = unit x n)
  const std::uint64_t block = unit % kv_blocks, head = unit / kv_blocks % params.kv_heads,
                      batch = unit / kv_blocks / params.kv_heads;
  return "shift unit " + std::to_string(unit) + " (batch " + std::to_string(batch) + ", KV head " +
         std::to_string(head) + ", KV block " + std::to_string(block) + ")";
}

}  // namespace ascendsim::kernels
