#pragma once
// How `dequant_attention` / `msd_attention` spread their tasks (request, KV head) over the chip,
// and the GM tensors each die holds.
//
// Tasks go to dies in proportion to the AICs used on each, then round-robin to the die's AICs.
// Per die d, over its tasks t = 0 .. T_d - 1 (rows of task t start at t x rows-per-task):
//   q       bf16, (T_d x n_pad) x head_dim        the task's N query rows, zero-padded to n_pad
//   k       int8, (T_d x s_kv) x head_dim        quantised keys
//   v       int8, (T_d x s_kv) x v_dim           quantised values
//   s_k     fp32, (T_d x 16) x head_dim          the task's per-channel key scales, in all 16 rows
//   s_v     fp32, (T_d x 16) x v_dim             (the Vector has no column-broadcast operand in
//                                                 this ISA: scales come as a 16-row block)
//   out     out_dtype, (T_d x n_pad) x v_dim
// msd, per task (kept for the check): ws_q int8, (T_d x 2 n_pad) x head_dim, the two pieces of
// Q . s_K (piece k of query row r at row t x 2 n_pad + k x n_pad + r); ws_alpha fp32,
// (T_d x n_pad) x 8, alpha_q of row r in column 0 (32-byte rows).
// Workspaces, two slots per AIC (task parity; slot row0 = (die_slot x 2 + parity) x rows):
// dequant ws_k / ws_v (bf16 K, V: s_kv rows; three slots, task mod 3), ws_s (fp32 S, n_pad rows x
// s_kv), ws_p (bf16 P), ws_o (fp32 O, n_pad x v_dim); msd ws_s (fp32 S partials of the two Q
// pieces, 2 n_pad rows), ws_p (int8 pieces of P, 2 n_pad rows x s_kv), ws_o (fp32 O partials x s_V,
// 2 n_pad x v_dim).
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/msd/attn_params.hpp"
#include "sim/config/hardware_config.hpp"

namespace ascendsim::kernels {

inline constexpr std::uint32_t kAttnKeyTile = 128;  // keys per K / V tile and hand-off
inline constexpr std::uint32_t kAttnVTile = 128;    // columns of O per PV pass
// dequant's ws_k / ws_v slots per AIC: the AIVs convert V(t + 2) while O(t) may still read V(t).
inline constexpr std::uint32_t kAttnKvSlots = 3;

struct AttnCore {
  isa::CoreId aic;
  std::uint32_t die_slot = 0;
  std::vector<std::uint64_t> tasks;  // the die's task indices
};

struct AttnPlan {
  AttnParams params;
  std::uint32_t dies = 1;
  std::vector<std::uint64_t> die_task0, die_tasks;  // each die's tasks [task0, task0 + count)
  std::vector<std::uint32_t> die_cores;
  std::vector<AttnCore> cores;
  std::uint32_t n_pad = 16;     // query rows per task, padded (msd: part of the 2-piece stack)
  std::uint32_t rows = 16;      // L0A / L0C rows: n_pad (dequant) or 2 n_pad (msd)
  std::uint32_t qk_step = 128;  // L0 K step of S = Q K^T over head_dim
  std::uint32_t pv_step = 128;  // L0 K step of O = P V over keys

  std::uint64_t key_tiles() const { return params.s_kv / kAttnKeyTile; }
  // dequant: key tiles per K hand-off flag, so a task sets at most 4 and two tasks in flight
  // stay within the 16 sets a cross-core counter holds.
  std::uint64_t key_group() const { return (key_tiles() + 3) / 4; }
  std::uint32_t v_tiles() const { return params.v_dim / kAttnVTile; }
  std::string tensor_name(const std::string& base, std::uint32_t die) const;
};

AttnPlan plan_attn(const AttnParams& params, const config::HardwareConfig& hw);
Json attn_plan_json(const AttnPlan& plan);

}  // namespace ascendsim::kernels
