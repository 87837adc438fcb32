#pragma once
// The parameters of kernel `gemm` (C = A * B) as a run file states them under `kernel:`:
//
//   kernel:
//     name: gemm
//     m: 4096            # rows of A and C        (any value >= 1: GM tensors are padded)
//     n: 4096            # cols of B and C
//     k: 4096            # reduction length
//     dtype: bf16        # fp16 | bf16 | int8 | fp8_e4m3 | fp8_e5m2 (if the chip's cube takes it)
//     out_dtype: fp32    # fp32 | fp16 | bf16 for float inputs (default fp32); int32 for int8
//     tile: {m: 128, n: 256, k: 64, l1_k: 256}   # output tile, L0 K step, K per L1 load
//     seed: 1            # A is drawn with `seed`, B with `seed + 1`
//     distribution: normal                        # or {kind: normal, mean: 0, std: 1}
//                                                 # or {kind: uniform, low: -1, high: 1}
//     cores: 24          # AICs used, die by die (default: every AIC of every die)
//
// Reading checks what needs no hardware (types, ranges, fractal multiples of the tile sizes);
// plan_gemm (gemm_plan.hpp) checks the rest against the chip. Each value keeps the place it
// was read from, so a later hardware-dependent error still names file, line and key.
#include <cstdint>
#include <string>

#include "kernels/common/kernel.hpp"
#include "sim/isa/program.hpp"

namespace ascendsim::kernels {

struct GemmTileParams {
  std::uint32_t m = 128;     // output tile rows (L0A rows, L0C rows)
  std::uint32_t n = 256;     // output tile cols (L0B cols, L0C cols)
  std::uint32_t k = 64;      // K depth of one mmad (L0A cols, L0B rows)
  std::uint32_t l1_k = 256;  // K depth of one GM -> L1 load (a multiple of k)
};

struct GemmParams {
  std::uint64_t m = 0, n = 0, k = 0;
  numeric::DType dtype = numeric::DType::bf16;
  numeric::DType out_dtype = numeric::DType::fp32;
  GemmTileParams tile;
  std::uint64_t seed = 1;
  isa::TensorInit::Kind distribution = isa::TensorInit::Kind::normal;
  double dist_a = 0.0, dist_b = 1.0;  // normal: mean, std; uniform: [low, high)
  std::uint32_t cores = 0;            // 0: every AIC of every die

  // Where each hardware-checked value came from ("file:line:col: kernel.dtype"), for errors
  // raised once the chip is known; plain key paths when the params were built in code.
  std::string where_dtype = "kernel.dtype";
  std::string where_tile = "kernel.tile";
  std::string where_cores = "kernel.cores";
};

// Reads (and consumes) every parameter of the `kernel:` node except `name`; ConfigError on a bad
// value. Unknown keys are left for the caller's finish().
GemmParams read_gemm_params(const config::ConfigNode& kernel);

// Elements of `t` per 32-byte fractal row: 16 for 16-bit types, 32 for 8-bit types. Tiles in
// L0 are whole 16-row x 32-byte fractals (HARDWARE.md §4), so K steps and 8-bit N are multiples.
std::uint32_t elements_per_32_bytes(numeric::DType t);

// The parameters as resolved, defaults filled in (the report's `kernel_params`).
Json gemm_params_json(const GemmParams& p);

}  // namespace ascendsim::kernels
