#pragma once
// How `pasa`, `fa_mixed` and `fa_fp16` spread prefill attention over the chip.
//
// Task: (batch, query head, query block): B_r query rows against the KV blocks they see, one
// B_c-key block at a time (the last block of each is partial: rows padded, padded keys masked).
// Causal (bottom-right aligned): query row r sees key c iff c <= r + s_kv - s_q; a KV block no
// row of the task sees is skipped (PASA.md §5.3: a fully masked block makes NaN), a block some
// row sees only in part is masked. A visible block may still hide all its keys from some rows
// (offsets that are not a multiple of B_c, or B_r > B_c): the kernels keep those rows finite
// (pasa clamps the block max at -60000, PASA's script's stand-in for -inf). Tasks go round-robin
// over the AICs (split_over_cores); the AIC's two AIVs each own half of the task's rows. pasa: K~ =
// M_s^T K (PASA.md §3.2) is computed once per (batch, KV head, KV block) — a shift unit — by the
// AICs before any task (an all-AIC barrier) into a GM workspace, and reused by every query block
// and every query head of the group: its extra Cube work is 2 n^2 d per KV block (PASA.md §4: n /
// (2 N) of QK^T + PV), not the 50 % of recomputing it per query block.
#include <cstdint>
#include <vector>

#include "kernels/common/core_split.hpp"
#include "kernels/pasa/pasa_params.hpp"
#include "sim/config/hardware_config.hpp"

namespace ascendsim::kernels {

struct PasaTask {
  std::uint32_t batch = 0, head = 0;  // query head
  std::uint64_t q_block = 0;
  std::uint32_t rows = 0;       // real query rows (<= B_r)
  std::uint64_t kv_blocks = 0;  // KV blocks 0 .. kv_blocks - 1 are visible (causal: a prefix)
};

struct PasaPlan {
  PasaParams params;
  std::uint64_t q_blocks = 0, kv_blocks = 0;  // per head: ceil(s_q / B_r), ceil(s_kv / B_c)
  std::vector<PasaTask> tasks;                // batch-major, then head, then query block
  CoreSplit split;                            // tasks over the AICs
  CoreSplit shift_split;                      // pasa: shift units over the AICs
  // Mask tiles: block (q, j) that needs a mask adds tile mask_index[q * kv_blocks + j] (0 or
  // -inf per element, B_r x B_c; the same for every head), -1 where none is needed.
  std::vector<std::int64_t> mask_index;
  std::uint64_t mask_tiles = 0;

  std::uint64_t q_rows_pad() const { return q_blocks * params.block_rows; }
  std::uint64_t kv_rows_pad() const { return kv_blocks * params.block_cols; }
  std::uint64_t shift_units() const;  // pasa: batch x kv_heads x kv_blocks; else 0
  // KV blocks query block q sees (causal: up to the one holding its last row's last key).
  std::uint64_t visible_blocks(std::uint64_t q_block) const;
  // Whether block (q_block, kv_block) needs a mask: padded keys, or the causal diagonal.
  bool needs_mask(std::uint64_t q_block, std::uint64_t kv_block) const;
  std::uint32_t kv_head(std::uint32_t q_head) const { return q_head / params.group(); }
  // isa::Region labels, so a report names where a numeric event happened: "task 17 (batch 0,
  // head 5, query block 2), KV block 7" (kv_block = the task's kv_blocks: "output O / l") and
  // "shift unit 3 (batch 0, KV head 0, KV block 3)".
  std::string task_region(std::uint64_t task, std::uint64_t kv_block) const;
  std::string shift_region(std::uint64_t unit) const;
};

PasaPlan plan_pasa(const PasaParams& params, const config::HardwareConfig& hw);
Json pasa_plan_json(const PasaPlan& plan);

}  // namespace ascendsim::kernels
