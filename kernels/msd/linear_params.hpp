#pragma once
// The parameters of the quantized-weight linear kernels `dequant_gemm` and `msd_gemm`
// (y = (s_W . W_q) x, MSD.md §3) as a run file states them under `kernel:`:
//
// clang-format off
//   kernel:
//     name: msd_gemm        # dequant_gemm | msd_gemm
//     tokens: 8             # b, rows of X (decode: 1..64; prefill: hundreds and more)
//     n: 4096               # in features, the reduction length (a multiple of 256)
//     m: 4096               # out features, rows of W (a multiple of 128)
//     weight: int8          # int8 (W8A16) | int4 (W4A16) | mxfp4 (OCP e2m1 elements) |
//                           #   mxfp4_e1m2 (MSD.md's grid); MX: one e8m0 scale per 32 inputs,
//                           #   a chip whose cube takes fp4 / fp8 with MX scales (ascend950pr)
//     group: 0              # 0: one scale per output channel; else the group along n
//                           #   (32, 64, 128, 256); MX weights: 32 (their block) or omitted
//     passes: 2             # msd_gemm: K activation pieces (default 2 for int8 and MX, 3 for
//                           #   int4; 1-4, MX 1-3: the passes' L1 rows, linear_plan.cpp)
//     piece: e1m2           # msd_gemm, MX: the pieces' fp4 element, e1m2 (MSD.md §5: threshold
//                           #   1.859375, beta = alpha / 16) or e2m1 (7, alpha / 4: msd_split.cpp)
//     act_scale: no_clip    # dequant_gemm, MX: X -> MXFP8 (e4m3) scale rule, no_clip (MSD.md's
//                           #   baseline, 2^ceil(log2(M / 448))) or ocp (2^(floor(log2 M) - 8))
//     w_prefetch: true      # msd_gemm, MX: the AIVs pull the AIC's next W tiles into L2
//                           #   through their own HBM ports (mx_pipeline.hpp)
//     out_dtype: fp32       # fp32 | bf16
//     seed: 1               # X drawn with seed, W with seed + 1, the scales with seed + 2
//     x: {kind: normal, mean: 0, std: 1}   # any trace generator (uniform lo/hi, laplace loc/scale,
//                           #   student_t dof, cauchy loc/scale, outliers std/rate/scale, hybrid
//                           #   mean/amplitude/rate, resonance mean/amplitude/phase: its cosine
//                           #   runs along n) or {kind: npy, path: x.npy} (tokens x n)
//     scale: {low: 0.01, high: 1}          # s_W ~ U[low, high) (MSD.md §6: U[0.01, 1])
//     cores: 24             # AICs used (with their AIVs), die by die (default: all)
// clang-format on
//
// X is bf16, W_q uniform integers over the type's symmetric range (int8 -127..127, int4 -7..7),
// s_W fp32 stored group-major (n / group rows of m; one row per-channel). MX weights: W codes
// uniform over the 16 fp4 codes, s_W the e8m0 2^floor(log2 u) of u ~ U[low, high), stored
// block-major (n / 32 rows of m) like the groups; the activation is MX-quantised on the AIVs
// (mx_pipeline.hpp).
#include <cstdint>
#include <string>

#include "kernels/common/generated_input.hpp"
#include "kernels/common/kernel.hpp"
#include "kernels/msd/msd_split.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

enum class LinearPipeline : std::uint8_t { dequant, msd };

struct LinearParams {
  LinearPipeline pipeline = LinearPipeline::msd;
  std::uint32_t tokens = 8;
  std::uint64_t n = 4096, m = 4096;
  numeric::DType weight = numeric::DType::int8;
  std::uint32_t group = 0;  // 0: per output channel
  std::uint32_t passes = 2;
  numeric::DType out_dtype = numeric::DType::fp32;
  std::uint64_t seed = 1;
  GeneratedInput x;
  double scale_low = 0.01, scale_high = 1.0;
  std::uint32_t cores = 0;
  // MX weights: the activation's element (dequant: fp8_e4m3; msd: the fp4 piece) and, for the
  // dequant baseline, its scale rule.
  numeric::DType mx_act = numeric::DType::fp8_e4m3;
  msd::MxScaleRule mx_rule = msd::MxScaleRule::ceil_threshold;
  bool w_prefetch = true;  // msd, MX: AIV L2 prefetch of W
  std::string where_cores = "kernel.cores", where_group = "kernel.group",
              where_weight = "kernel.weight";

  bool mx() const {
    return weight == numeric::DType::fp4_e2m1 || weight == numeric::DType::fp4_e1m2;
  }
  std::uint64_t groups() const { return group == 0 ? 1 : n / group; }  // scale rows
  std::uint64_t group_length() const { return group == 0 ? n : group; }
  // The activation's piece type: the weight's for the integer MSD (the cube takes one input
  // dtype), mx_act for MX.
  numeric::DType piece() const { return mx() ? mx_act : weight; }
  // MX: the split the AIVs apply to X (msd_split.hpp's constants, `passes` passes).
  msd::MxSplitParams mx_split() const;
  // MSD.md §4: alpha = M / first, each later piece's step / second (127 / 254, int4 7 / 14).
  double first_divisor() const { return weight == numeric::DType::int4 ? 7.0 : 127.0; }
  double step_divisor() const { return weight == numeric::DType::int4 ? 14.0 : 254.0; }
};

LinearParams read_linear_params(const config::ConfigNode& kernel, LinearPipeline pipeline);
Json linear_params_json(const LinearParams& p);
std::string linear_kernel_name(LinearPipeline p);

}  // namespace ascendsim::kernels
