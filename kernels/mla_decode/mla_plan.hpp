#pragma once
// How one MLA-decode batch is laid out on one chip: row groups (task rows), KV blocks, which AI
// core runs which tasks, where every tensor lives, and the on-chip buffers. The generators
// (mla_cube, mla_vector, the variants' pipelines), the check and the model all start from it.
//
// Rows. A request has G * S_q query rows. They are cut into ceil(G S_q / rows_per_task) row
// groups of R rows, R the multiple of 32 that holds an equal share (the AIC computes a group
// as two M halves of R / 2 rows, each AIV owns one half); the last group of a request may hold
// fewer valid rows, the padding rows of Q are zeros and their outputs are not checked.
// KV blocks. A request's S_kv tokens are cut into blocks of kv_block (512) tokens; a task is
// (row group, KV block). The last block may be partial: it is computed over its tokens rounded
// up to 16 (whole cube fractals), the extra tokens are zero in GM and masked to -inf in V1.
//
// Work split (no flash-decode KV split: a row group's tasks stay on one core, so O never needs
// a combine step). Requests go to dies by longest-processing-time greedy on their block count,
// each to the die whose used cores would finish soonest with it ((load + work) / cores; ties:
// the lower die), and row groups to the least loaded core of their die (ties: the lower core),
// so equal lengths deal out evenly and a list of lengths is balanced as whole row groups allow.
// Fewer row groups than cores leaves cores idle: the report's load-imbalance term says how much.
//
// Placement. Every die holds the tensors of the requests it serves: `q`, `kv` (the latent cache,
// 576 columns, each request's tokens padded to whole 128-token pages), `o_acc` (fp32 O
// accumulator, 512 columns), `out`; and per used core two ping-pong workspaces `ws_s` (S, fp32)
// and `ws_p` (P, dtype), R x kv_block each. Paged KV: the pages of a die's requests are a
// seeded permutation of the die's page pool (a block table), so consecutive logical pages are
// scattered in GM. Tensor names carry the die on multi-die chips ("q_die1").
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/mla_decode/mla_params.hpp"

namespace ascendsim::kernels {

inline constexpr std::uint32_t kMlaPageTokens = 128;  // KV allocation granule (NZ page size)

struct MlaRequest {
  std::uint32_t die = 0;
  std::uint64_t row0 = 0;      // first row in the die's q / o_acc / out tensors
  std::uint64_t rows_pad = 0;  // groups x R
  std::uint64_t s_kv = 0;
  std::vector<std::uint64_t> pages;  // physical page (in the die's kv tensor) per logical page
};

struct MlaRowGroup {
  std::uint32_t request = 0;
  std::uint64_t row0 = 0;    // first row in the die's tensors
  std::uint32_t rows = 0;    // valid rows (<= R)
  std::uint32_t blocks = 0;  // KV blocks of its request
};

struct MlaTask {
  std::uint32_t group = 0;           // index into MlaPlan::groups
  std::uint32_t block = 0;           // KV block within the request
  std::uint32_t tokens = 0;          // valid tokens of the block
  std::uint32_t tokens_pad = 0;      // rounded up to 16: the columns S and P have
  bool first = false, last = false;  // first / last block of its row group
};

struct MlaCoreWork {
  CoreId aic;                  // the AIC; its AIVs are 2 * index and 2 * index + 1
  std::uint32_t die_slot = 0;  // index among the used cores of its die (workspace rows)
  std::vector<MlaTask> tasks;  // in execution order: group by group, blocks ascending
};

struct MlaPlan {
  MlaParams params;
  std::uint32_t R = 0, half = 0;  // rows of a task block and of one AIV's half
  std::uint32_t groups_per_request = 0;
  std::vector<MlaRequest> requests;
  std::vector<MlaRowGroup> groups;
  std::vector<MlaCoreWork> cores;        // every used AI core, die by die (some may have no task)
  std::vector<std::uint64_t> die_rows;   // rows of each die's q / o_acc / out
  std::vector<std::uint64_t> die_pages;  // 128-token pages of each die's kv
  std::vector<std::uint32_t> die_cores;  // used cores per die
  std::uint32_t dies = 1;

  // Physical row of token t of request r in its die's kv tensor.
  std::uint64_t kv_row(std::uint32_t request, std::uint64_t token) const;
  std::string tensor_name(const std::string& base, std::uint32_t die) const;
  std::uint64_t tasks() const;
  std::uint64_t max_tasks_per_core() const;
};

// ConfigError (naming kernel.cores) when more cores are asked for than the chip has.
MlaPlan plan_mla(const MlaParams& params, const config::HardwareConfig& hw);
Json mla_plan_json(const MlaPlan& plan);

}  // namespace ascendsim::kernels
