#pragma once
// One AIC's share of the GEMM as an instruction stream, written the way an Ascend C matmul
// kernel is written: per output tile, a loop over K in L1 chunks and, inside, over L0 steps:
//
//   CopyIn   MTE2  GM -> L1     A chunk (tile.m x l1_k) and B chunk (l1_k x tile.n), ping-pong
//   SplitA   MTE1  L1 -> L0A    A step (tile.m x tile.k), ping-pong
//   SplitB   MTE1  L1 -> L0B    B step (tile.k x tile.n), ping-pong
//   Compute  M     mmad         L0C (+)= L0A * L0B; the first step of a tile overwrites
//   CopyOut  FIX   L0C -> GM    the finished tile, cast to out_dtype; L0C ping-pong if it fits
//
// The K loop of each tile runs its chunks in GemmPlan::chunk_order (a rotation, so the cores
// sharing an A panel fetch different parts of it). CopyIn of the next chunk is emitted before the Split/Compute of the current one (software
// pipelining across chunks and tiles), so the in-order scalar unit hands MTE2 its next load
// while MTE1 and M still work on the current chunk. Pipes are ordered only by flags; every
// buffer's "free" event is set once before the loop and waited once after it, so each set has
// exactly one wait and the program ends with every flag balanced.
//
// What Ascend C would add and this leaves out: the ND -> NZ/ZZ/ZN fractal reshuffles inside
// the copies (the simulator stores tiles row-major and charges bytes, see isa/instruction.hpp),
// scalar address arithmetic (folded into the core's issue cost), and tail-tile masking (the GM
// tensors are zero-padded to whole fractals instead, gemm_plan.hpp).
#include <cstdint>
#include <vector>

#include "kernels/common/program_builder.hpp"
#include "kernels/gemm/gemm_plan.hpp"

namespace ascendsim::kernels {

struct GemmOperands {
  GmTensor a;  // m_pad x k_pad, input dtype
  GmTensor b;  // k_pad x n_pad, input dtype
  GmTensor c;  // m_pad x n_pad, out dtype
};

// Emits the program of one AIC computing `tiles` (plan.tiles_of(core)) in that order.
void emit_gemm_core(CoreBuilder& core, const GemmPlan& plan, const GemmOperands& gm,
                    const std::vector<std::uint64_t>& tiles);

// Instructions emit_gemm_core produces for `tiles` (closed form, for tests and the model's
// scalar-issue term): per chunk 4 MTE2 + (2 + 4 steps) MTE1 + 3 steps M, per tile 2 M + 3 FIX,
// plus 2 x (4 + L0C buffers) for the initial "free" sets and the final waits.
std::uint64_t gemm_core_instruction_count(const GemmPlan& plan, std::uint64_t tiles);
// The same for one output tile without the set-up (every tile has the same count).
std::uint64_t gemm_tile_instruction_count(const GemmPlan& plan);

}  // namespace ascendsim::kernels
