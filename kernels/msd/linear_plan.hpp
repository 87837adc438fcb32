#pragma once
// How `dequant_gemm` and `msd_gemm` spread y = (s_W . W_q) x over the chip.
//
// Work unit: an output tile of 128 rows of W (128 columns of y). Tiles go to dies in proportion
// to the AICs used on each (cores are taken die by die), then round-robin to the die's AICs;
// each die holds its own slice of W, s_W and y and a copy of X (no die-link traffic). Tokens go
// in row blocks of at most 128 L0C rows: dequant `block_tokens` = tokens rounded up to 16 (at
// most 128); MSD stacks its K pieces, [x^(1); x^(2); ...], `part` rows each, so part * K is a
// multiple of 16 and at most 128.
//
// The K axis (n) moves in chunks of 256 elements for dequant (one AIV -> AIC hand-off of
// converted weight and one L1 load of it and of X) and in l1_cols (512 int8, 1024 int4: one
// L2 line of a W row) for MSD's loads of W and the pieces. L0 steps: 128 for bf16, 256 for int8
// and int4, or the scale group when it is shorter (MSD keeps one int32 partial per group).
// MX weights (mx_pipeline.hpp): row blocks of tokens rounded up to 16 (at most 128) per pass,
// loads of 512 bytes of a W row, K steps of 256 (fp4) or 128 (fp8).
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/msd/linear_params.hpp"
#include "sim/config/hardware_config.hpp"

namespace ascendsim::kernels {

inline constexpr std::uint32_t kLinearTile = 128;   // rows of W per output tile
inline constexpr std::uint32_t kLinearChunk = 256;  // n per hand-off / L1 load
// ws_alpha holds alpha in column 0 of 8-float rows: every GM row starts 32-byte aligned, as the
// movers need, whichever AIV writes it.
inline constexpr std::uint32_t kAlphaCols = 8;
// The smallest row maximum MSD's splits scale by (2^-110): 127 / 2^-110 and 2^-110 / 127 are
// normal fp32, so inv and alpha never overflow or flush; rows below it are split coarsely.
inline constexpr double kSplitFloor = 0x1p-110;

struct LinearCore {
  isa::CoreId aic;
  std::uint32_t die_slot = 0;        // index among the die's used AICs (workspace rows)
  std::vector<std::uint64_t> tiles;  // output tiles, indices within the die's slice
};

struct LinearPlan {
  LinearParams params;
  std::uint32_t dies = 1;
  std::vector<std::uint64_t> die_tile0, die_tiles;  // each die's slice: first global tile, count
  std::vector<std::uint32_t> die_cores;             // used AICs per die
  std::vector<LinearCore> cores;                    // every used AIC, die by die
  std::uint32_t block_tokens = 16;                  // tokens per row block
  std::uint32_t block_rows = 16;  // L0A / L0C rows of a block (MSD: passes x block_tokens)
  std::uint64_t blocks = 1;
  std::uint32_t k_step = 128;  // L0 K per mmad
  // n per GM -> L1 load: 512 bytes of a W row, one whole L2 line (msd: 512 int8, 1024 int4),
  // so a load never half-fetches a line the next one then waits on; dequant: the hand-off chunk.
  std::uint32_t l1_cols = kLinearChunk;
  std::uint32_t l2_line = 512;  // the chip's L2 line (MX msd's W prefetch touches each once)

  std::uint64_t x_rows() const { return blocks * block_tokens; }  // X, y rows (zero-padded)
  // MX: K steps of n (the unit of the activation's scale layout, mx_pipeline.hpp).
  std::uint64_t mx_steps() const { return params.n / k_step; }
  std::uint64_t tiles() const { return params.m / kLinearTile; }
  std::uint64_t chunks() const { return params.n / kLinearChunk; }
  // dequant: K chunks per hand-off flag, so a tile sets at most 8 and the two tiles the AIVs
  // may have in flight stay within the 16 sets a cross-core counter holds.
  std::uint64_t chunk_group() const { return (chunks() + 7) / 8; }
  // Tokens of block `blk` that are real (the rest is padding).
  std::uint32_t real_tokens(std::uint64_t blk) const;
  std::string tensor_name(const std::string& base, std::uint32_t die) const;
};

LinearPlan plan_linear(const LinearParams& params, const config::HardwareConfig& hw);
Json linear_plan_json(const LinearPlan& plan);

}  // namespace ascendsim::kernels
