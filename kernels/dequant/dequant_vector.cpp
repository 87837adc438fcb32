// The AIV side of dequant_gemm (linear_pipeline.hpp): each AIV converts its 64 rows of every
// 128-row W tile, one 256-wide K chunk at a time, and hands the bf16 chunk to its AIC through
// the GM workspace. Ascend C's shape of it (W8A16 antiquant):
//   CopyIn:  W (int8 / int4) and the chunk's scale rows -> UB           (MTE2, ping-pong)
//   Compute: Cast to fp32, Mul by s_W per row (per group), Cast to bf16 (RNE)      (V)
//   CopyOut: UB -> ws_w, then CrossCoreSetFlag to the AIC               (MTE3, ping-pong)
// The 910B Vector has no bf16 arithmetic (bf16 is cast-only), hence the fp32 middle.
// MX weights (mx_pipeline.hpp): fp4 -> fp16 -> e4m3, both casts exact, no scales (W's e8m0
// scales serve the e4m3 copy as they are).
#include <array>

#include "kernels/msd/linear_pipeline.hpp"

namespace ascendsim::kernels {

void emit_dequant_aiv(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm,
                      const LinearCore& work, std::uint32_t half) {
  using namespace linear_sync;
  const LinearParams& p = plan.params;
  constexpr std::uint32_t kRows = kLinearTile / 2;  // this AIV's rows of a tile
  const std::uint64_t span = p.group_length();
  const std::uint32_t groups_per_chunk =
      static_cast<std::uint32_t>(std::max<std::uint64_t>(1, kLinearChunk / span));
  const std::uint32_t group_cols =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(span, kLinearChunk));
  const bool mx = p.mx();
  LocalBuffer ub = c.buffer(Buffer::UB);
  std::array<Tile, 2> in, scales, out;
  for (int i = 0; i < 2; ++i) {
    in[i] = ub.alloc("dequant W chunk", p.weight, kRows, kLinearChunk);
    if (!mx) scales[i] = ub.alloc("dequant scales", DType::fp32, groups_per_chunk, kRows);
    out[i] = ub.alloc(mx ? "dequant e4m3 chunk" : "dequant bf16 chunk",
                      mx ? p.piece() : DType::bf16, kRows, kLinearChunk);
  }
  const Tile wide = ub.alloc(mx ? "dequant fp16 chunk" : "dequant fp32 chunk",
                             mx ? DType::fp16 : DType::fp32, kRows, kLinearChunk);

  for (std::uint8_t e = 0; e < 2; ++e) {
    c.set_flag(Pipe::V, Pipe::MTE2, e);
    c.set_flag(Pipe::MTE3, Pipe::V, e);
  }
  std::uint64_t it = 0;
  for (std::size_t ti = 0; ti < work.tiles.size(); ++ti) {
    if (ti >= 2) c.cross_core_wait(kDqFree);  // the AIC has read tile ti - 2's slot
    const std::uint64_t row = work.tiles[ti] * kLinearTile + half * kRows;
    const std::uint64_t ws_row =
        (std::uint64_t(work.die_slot) * 2 + ti % 2) * kLinearTile + half * kRows;
    for (std::uint64_t ch = 0; ch < plan.chunks(); ++ch, ++it) {
      const std::uint8_t pp = std::uint8_t(it % 2);
      const std::uint64_t col = ch * kLinearChunk;
      c.wait_flag(Pipe::V, Pipe::MTE2, pp);
      c.copy_gm_to_ub(in[pp], gm.w.tile(row, col, kRows, kLinearChunk));
      if (!mx) c.copy_gm_to_ub(scales[pp], gm.s.tile(col / span, row, groups_per_chunk, kRows));
      c.handoff(Pipe::MTE2, Pipe::V, pp);
      c.vcast(wide, in[pp]);
      // s[g][row .. row + 63] is 64 contiguous floats: read as the 64 x 1 column of a row op.
      for (std::uint32_t g = 0; !mx && g < groups_per_chunk; ++g) {
        const Tile cols = wide.sub(0, g * group_cols, kRows, group_cols);
        c.vrow_mul(cols, cols, scales[pp].sub(g, 0, 1, kRows).dense(DType::fp32, kRows, 1));
      }
      c.set_flag(Pipe::V, Pipe::MTE2, pp);
      c.wait_flag(Pipe::MTE3, Pipe::V, pp);
      c.vcast(out[pp], wide);
      c.handoff(Pipe::V, Pipe::MTE3, pp);
      c.copy_ub_to_gm(gm.ws_w.tile(ws_row, col, kRows, kLinearChunk), out[pp]);
      c.set_flag(Pipe::MTE3, Pipe::V, pp);
      if ((ch + 1) % plan.chunk_group() == 0 || ch + 1 == plan.chunks())
        c.cross_core_set(isa::SyncMode::aic_aiv, kDqReady, Pipe::MTE3);
    }
  }
  for (std::uint8_t e = 0; e < 2; ++e) {
    c.wait_flag(Pipe::V, Pipe::MTE2, e);
    c.wait_flag(Pipe::MTE3, Pipe::V, e);
  }
}

}  // namespace ascendsim::kernels
