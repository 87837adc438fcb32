#pragma once
// How one GEMM is laid out on one chip: GM padding, output tiles, K chunks, which AIC computes
// which tile, and the on-chip buffer layout every AIC uses. The generator (gemm_pipeline.cpp)
// and the closed-form model (gemm_model.cpp) both start from this, so they see one tiling.
//
// Padding: the GM tensors are allocated with M rounded up to 16, N to 16 (32 for 8-bit inputs,
// so a B row is whole 32-byte GM blocks) and K to k_align = lcm(k0, one 32-byte fractal row).
// The padding holds zeros, so it adds nothing to C, and the check compares only the real M x N.
// Edge tiles are smaller whole-fractal tiles, not padded up to the tile size: a 16-row GEMV
// does not pay for the 128 rows of a full tile.
//
// Work split: output tiles are numbered row-major (t = tile_row * tiles_n + tile_col) and dealt
// round-robin to the AICs, die by die (tile t to core t mod cores). Every core gets the floor or
// the ceiling of tiles / cores, the best balance whole tiles allow (contiguous blocks give the
// same counts), and the cores running at the same moment work on neighbouring tiles, which share
// A row panels and B column panels while they are hot in L2. Each tile's K loop is rotated
// (chunk_order) so that the cores sharing a new A panel fetch different parts of it.
//
// Placement: A, B and C live in die 0's GM. Cores of other dies reach them over the die-to-die
// link, through die 0's L2. A copy of A and B per die would take the reads off the link, but it
// needs a copy step the run does not model and doubles the GM footprint; the link is part of
// what a 910C GEMM over one set of tensors costs, and the model has a term for it.
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/gemm/gemm_params.hpp"

namespace ascendsim::kernels {

struct OutputTile {
  std::uint64_t index = 0;
  std::uint64_t row0 = 0, col0 = 0;  // first element of the tile in C
  std::uint32_t rows = 0, cols = 0;  // whole fractals; smaller at the edges
};

// One GM -> L1 load: K columns [k0, k0 + depth) of an A row panel and K rows of a B col panel.
struct KChunk {
  std::uint64_t k0 = 0;
  std::uint32_t depth = 0;
};

// On-chip buffers, the same offsets on every AIC (what TPipe::InitBuffer would hand out).
struct GemmLayout {
  std::array<Tile, 2> l1_a, l1_b;  // A (tile.m x l1_k) and B (l1_k x tile.n) chunks, ping-pong
  std::array<Tile, 2> l0a, l0b;    // one L0 step: tile.m x tile.k and tile.k x tile.n, ping-pong
  std::array<Tile, 2> l0c;         // accumulators tile.m x tile.n (fp32 / int32)
  std::uint32_t l0c_buffers = 2;   // 2 when two accumulators fit L0C, else 1 (FIX then stalls M)
};

struct GemmPlan {
  GemmParams params;
  std::uint32_t k0 = 16;       // cube fractal depth for the input dtype (hw config)
  std::uint32_t k_align = 16;  // K padding granule: lcm(k0, elements per 32 bytes)
  std::uint32_t n_align = 16;  // N padding granule
  std::uint64_t m_pad = 0, n_pad = 0, k_pad = 0;
  GemmTileParams tile;  // effective sizes: the requested ones, clamped to the padded problem
  std::uint64_t tiles_m = 0, tiles_n = 0;
  std::vector<KChunk> chunks;  // K split into L1 loads (the same for every output tile)
  std::vector<isa::CoreId> cores;
  GemmLayout layout;

  std::uint64_t tile_count() const { return tiles_m * tiles_n; }
  OutputTile output_tile(std::uint64_t t) const;
  // The core (index into `cores`) that computes tile t: round-robin.
  std::size_t core_of(std::uint64_t t) const { return static_cast<std::size_t>(t % cores.size()); }
  // Tiles of core `core` (index into `cores`), in the order it computes them.
  std::vector<std::uint64_t> tiles_of(std::size_t core) const;
  // The order in which tile t loads its K chunks (indices into `chunks`), a rotation: of the k
  // tiles of t's row in t's round (they share its A row panel at the same moment), the i-th
  // starts at chunk i * chunks / k. Each then fetches its own part of the panel from HBM at its
  // own port rate and finds the rest in L2, instead of every core waiting on the one that
  // touches each chunk first (a K swizzle; the sum is the same, accumulated in another order).
  std::vector<std::size_t> chunk_order(std::uint64_t t) const;
  // K depths of the L0 steps (mmads) that consume one chunk.
  std::vector<std::uint32_t> steps(const KChunk& chunk) const;
};

// ConfigError (naming the run keys) when the chip's cube does not take the dtype, the tile K
// step is not whole cube fractals, `cores` exceeds the chip, or a tile does not fit its buffer.
GemmPlan plan_gemm(const GemmParams& params, const config::HardwareConfig& hw);

// The resolved tiling for the report (padded sizes, effective tile, tile count, L0C buffers).
Json gemm_plan_json(const GemmPlan& plan);

}  // namespace ascendsim::kernels
