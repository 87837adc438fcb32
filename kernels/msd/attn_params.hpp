#pragma once
// The parameters of the INT8-KV decode attention kernels `dequant_attention` and
// `msd_attention` (MSD.md §4.4, §8.3) as a run file states them under `kernel:`:
//
// clang-format off
//   kernel:
//     name: msd_attention   # dequant_attention | msd_attention
//     batch: 4              # requests
//     kv_heads: 8           # KV heads per request; a task is one (request, KV head)
//     queries: 12           # N = (1 + N_spec) G query rows per KV head (dequant <= 128, msd <= 64;
//                           #   fewer where L1 / UB cannot hold them, e.g. ~48 at head_dim 576)
//     s_kv: 4096            # M keys per request (a multiple of 128; msd at most 131072)
//     head_dim: 128         # d_k (GQA 128; MLA 576 = 512 latent + 64 rope)
//     v_dim: 128            # d_v (default head_dim; MLA 512, as its own int8 tensor here)
//     scale: 0.088          # softmax scale (default 1 / sqrt(head_dim))
//     out_dtype: fp32       # fp32 | bf16
//     seed: 1               # Q with seed, K with seed + 1, V with seed + 2
//     q: {kind: normal}     # generators as in linear_params.hpp, or npy: (batch x kv_heads x
//                           #   queries) x head_dim
//     kv: {kind: normal}    # K and V values before quantisation (a generator)
//     cores: 24             # AICs used (with their AIVs), die by die
// clang-format on
//
// K and V are quantised per channel: for each task and column c, s_c = max_t |x[t, c]| / 127
// over its M keys, x_q = RNE(x / s_c) in int8 (MSD.md §3: per-channel scales); the kernels see
// only the int8 tensors and the scales, and the check's reference uses s_c x_q.
#include <cstdint>
#include <string>

#include "kernels/msd/linear_params.hpp"

namespace ascendsim::kernels {

struct AttnParams {
  LinearPipeline pipeline = LinearPipeline::msd;
  std::uint32_t batch = 1, kv_heads = 1, queries = 12;
  std::uint64_t s_kv = 4096;
  std::uint32_t head_dim = 128, v_dim = 128;
  double scale = 0;
  numeric::DType out_dtype = numeric::DType::fp32;
  std::uint64_t seed = 1;
  GeneratedInput q, kv;
  std::uint32_t cores = 0;
  std::string where_cores = "kernel.cores", where_queries = "kernel.queries";

  std::uint64_t tasks() const { return std::uint64_t(batch) * kv_heads; }
  std::uint32_t passes() const { return 2; }  // K = 2 int8 pieces for Q and P (MSD.md §4)
};

AttnParams read_attn_params(const config::ConfigNode& kernel, LinearPipeline pipeline);
Json attn_params_json(const AttnParams& p);
std::string attn_kernel_name(LinearPipeline p);

}  // namespace ascendsim::kernels
