#pragma once
// The parameters of the prefill attention kernels `pasa`, `fa_mixed` and `fa_fp16` (PASA.md §3,
// the three variants) as a run file states them under `kernel:`:
//
// clang-format off
//   kernel:
//     name: pasa            # pasa | fa_mixed | fa_fp16
//     batch: 1
//     q_heads: 28           # query heads (PASA.md §6: Qwen2-7B-like 28 / 4)
//     kv_heads: 4           # KV heads (GQA); q_heads a multiple of it
//     head_dim: 128         # 64 | 128
//     s_q: 1407             # query tokens (any length; the last block is partial)
//     s_kv: 1407            # key tokens (default s_q)
//     causal: false         # query row r sees keys c <= r + s_kv - s_q (bottom-right
//                           #   aligned; needs s_q <= s_kv)
//     block_rows: 128       # B_r, a multiple of 16, at most 128
//     block_cols: 128       # B_c = n, PASA's shift length, a multiple of 16, at most 128
//     out_dtype: fp16       # fp16 | fp32 (Q, K, V are fp16: PASA.md §3.6)
//     scale: 0.08838...     # softmax scale (default 1 / sqrt(head_dim))
//     beta: 0.9375          # pasa: the shift factor, refined by PASA.md §3.4's fixed point
//     stats: fp16           # pasa: fp16 | fp32, the per-row statistics (m, l, a, abar, deltas)
//     o_accum: fp16         # pasa and fa_fp16: fp16 | fp32, the O accumulator in UB
//     pipeline: preload     # preload: the AIC computes S of block j+1 before P V of block j
//                           #   (AMLA's order); serial: S, softmax, P V one after the other
//     seed: 1               # Q drawn with seed, K with seed + 1, V with seed + 2
//     q: {kind: uniform, mean: 30, amplitude: 0.5}  # default normal(0, 1); any generator
//                           #   (traces/FORMAT.md: uniform, hybrid, resonance ...) or npy
//     k: {kind: hybrid, mean: 30, amplitude: 10}    #   (npy shapes: (batch x heads x tokens,
//     v: {kind: uniform, lo: 29.5, hi: 30.5}        #   head_dim))
//     cores: 24             # AICs used, with their AIVs (default: all)
// clang-format on
#include <cstdint>
#include <string>

#include "kernels/common/generated_input.hpp"
#include "kernels/common/kernel.hpp"

namespace ascendsim::kernels {

enum class PasaVariant : std::uint8_t { pasa, fa_mixed, fa_fp16 };
std::string pasa_variant_name(PasaVariant v);

struct PasaParams {
  PasaVariant variant = PasaVariant::pasa;
  std::uint32_t batch = 1, q_heads = 28, kv_heads = 4, head_dim = 128;
  std::uint64_t s_q = 1407, s_kv = 1407;
  bool causal = false;
  std::uint32_t block_rows = 128, block_cols = 128;
  numeric::DType out_dtype = numeric::DType::fp16;
  double scale = 0.0;     // 0 until read: 1 / sqrt(head_dim)
  double beta0 = 0.9375;  // as given
  double beta = 0.9375;   // PASA.md §3.4's fixed point from beta0 with n = block_cols
  numeric::DType stats = numeric::DType::fp16, o_accum = numeric::DType::fp16;
  bool preload = true;  // pipeline: preload (false: serial)
  std::uint64_t seed = 1;
  GeneratedInput q, k, v;
  std::uint32_t cores = 0;
  std::string where_cores = "kernel.cores";

  std::uint32_t group() const { return q_heads / kv_heads; }  // query heads per KV head
};

PasaParams read_pasa_params(const config::ConfigNode& kernel, PasaVariant variant);
Json pasa_params_json(const PasaParams& p);

}  // namespace ascendsim::kernels
