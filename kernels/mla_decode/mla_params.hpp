#pragma once
// The parameters of the MLA-decode kernels (`amla`, `fa_preload`, `fa_serial`) as a run file
// states them under `kernel:` (absorbed MLA as in DeepSeek V3, AMLA.md §2):
//
//   kernel:
//     name: amla            # amla | fa_preload | fa_serial
//     batch: 96             # requests B
//     heads: 128            # query heads G sharing the one latent KV head (1..128)
//     s_q: 2                # query tokens per request (MTP), 1..4
//     s_kv: 4096            # KV tokens per request (a multiple of 8); or a list, one per request
//     dtype: bf16           # bf16 | fp16: Q, KV and P
//     out_dtype: bf16       # bf16 | fp16 (default: dtype)
//     scale: 0.0416666...   # softmax scale (default 1/sqrt(576))
//     page_size: 0          # 0: each request's KV contiguous; 128: paged, block table shuffled
//     rows_per_task: 256    # mBase: rows (G x S_q) of one task block, a multiple of 32, <= 256
//     seed: 1               # Q drawn with seed, KV with seed + 1
//     q: {kind: normal, mean: 0, std: 1}          # or {kind: uniform, low, high}, or
//     kv: {kind: normal, mean: 0, std: 1}         #    {kind: npy, path: q.npy}
//     kv_prefetch: true     # the AIVs touch the KV lines of the task after next (L2 prefetch)
//     compensation: true    # amla: the cof rounding-compensation term of the rescale
//     sanitize: true        # amla: zero |O| > 1e10 / NaN before the final division
//     cores: 48             # AI cores used, die by die (default: all)
//
// Dimensions are fixed by the model: K head dim 576 (512 latent + 64 rope), V = the first 512
// columns of the same cache. Rows of one request are ordered (token, head): row = s * G + h.
// No causal mask among the S_q tokens (every query token sees all S_kv keys); state of the art
// MTP kernels mask, but the mask changes neither the work nor the pipeline.
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/kernel.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

inline constexpr std::uint32_t kMlaDk = 576;  // K / Q head dim: 512 latent + 64 rope
inline constexpr std::uint32_t kMlaDv = 512;  // V / output head dim: the latent part of the cache

enum class MlaVariant : std::uint8_t { amla, fa_preload, fa_serial };
std::string mla_variant_name(MlaVariant v);

// How one input tensor is filled: a seeded generator or a .npy file.
struct MlaInput {
  isa::TensorInit::Kind kind = isa::TensorInit::Kind::normal;  // normal | uniform | npy
  double a = 0.0, b = 1.0;  // normal: mean, std; uniform: [low, high)
  std::string path;         // npy: resolved path; shape (rows, 576) in request-row order
  std::string where;        // npy: "file:line:col: kernel.q.path", for errors about its data
};

struct MlaParams {
  MlaVariant variant = MlaVariant::amla;
  std::uint32_t batch = 1;
  std::uint32_t heads = 128;
  std::uint32_t s_q = 1;
  std::vector<std::uint64_t> s_kv;  // one per request (a single value is repeated)
  numeric::DType dtype = numeric::DType::bf16;
  numeric::DType out_dtype = numeric::DType::bf16;
  double scale = 0.0;  // 0 until read: 1 / sqrt(576)
  std::uint32_t page_size = 0;
  std::uint32_t rows_per_task = 256;
  std::uint32_t kv_block = 512;  // s2 base: KV tokens of one task block
  std::uint64_t seed = 1;
  MlaInput q, kv;
  bool kv_prefetch = true;
  bool compensation = true;
  bool sanitize = true;
  std::uint32_t cores = 0;  // AI cores used (0: all)
  std::string where_cores = "kernel.cores";

  std::uint64_t rows_per_request() const { return std::uint64_t(heads) * s_q; }
};

// Reads (and consumes) every parameter except `name`, which picks `variant`.
MlaParams read_mla_params(const config::ConfigNode& kernel, MlaVariant variant);
Json mla_params_json(const MlaParams& p);

}  // namespace ascendsim::kernels
