// The AIV side of the MX-weight pipelines (mx_pipeline.hpp).
//
// Quantisation of one unit (16 token rows x one K step of X), per 32-element block b:
//   M_b = max |x|, raised to kMxFloor;  alpha = 2^ceil(log2(M_b / threshold)) (no-clip rule: a
//   cast to e8m0 rounding up) or 2^(floor(log2 M_b) - emax) (OCP: rounding down);
//   t = x / alpha;  q1 = fp4/fp8(t) (RNE, saturating);  then per later pass t = (t - q_k) ratio,
//   scale / ratio, q_{k+1} = cast(t).
// Every step is exact in fp32 (bf16 inputs, power-of-two scales, residuals of few bits), and
// M_b / threshold rounds to the same ceiling as the exact quotient for bf16 M_b, so the pieces
// equal msd_split.cpp's reference split bit for bit (the check counts any that do not). The
// block maximum runs as a row reduction of a (16 k_step / 32) x 32 view: the model charges one
// 128-byte repeat per block, where the hardware's block reductions may pack several.
#include <algorithm>

#include "kernels/msd/mx_pipeline.hpp"
#include "sim/numeric/convert.hpp"

namespace ascendsim::kernels {
namespace {

using namespace linear_sync;
constexpr std::uint32_t kGroupRows = 16;  // token rows per unit: one L0A fractal of rows
constexpr std::uint8_t kSerial = 7;       // the serial hand-offs' event (CoreBuilder::handoff)

struct QuantBuffers {
  Tile xb, xf, ab, qf, q, bmax, ratio, thr, codes, scale;
};

QuantBuffers quant_buffers(CoreBuilder& c, const LinearPlan& plan) {
  const std::uint32_t ks = plan.k_step, blocks = kGroupRows * ks / 32;
  LocalBuffer ub = c.buffer(Buffer::UB);
  QuantBuffers b;
  b.xb = ub.alloc("mx quant x", DType::bf16, kGroupRows, ks);
  b.xf = ub.alloc("mx quant x fp32", DType::fp32, kGroupRows, ks);
  b.ab = ub.alloc("mx quant |x|", DType::fp32, kGroupRows, ks);
  b.qf = ub.alloc("mx quant piece fp32", DType::fp32, kGroupRows, ks);
  b.q = ub.alloc("mx quant piece", plan.params.piece(), kGroupRows, ks);
  b.bmax = ub.alloc("mx quant block max", DType::fp32, blocks, 1);
  b.ratio = ub.alloc("mx quant max / threshold", DType::fp32, blocks, 1);
  b.thr = ub.alloc("mx quant threshold", DType::fp32, blocks, 1);
  b.codes = ub.alloc("mx quant scale codes", DType::e8m0, blocks, 1);
  b.scale = ub.alloc("mx quant scale", DType::fp32, blocks, 1);
  return b;
}

void quantize_unit(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm,
                   const QuantBuffers& b, std::uint64_t row0, std::uint64_t step) {
  const LinearParams& p = plan.params;
  const msd::MxSplitParams sp = p.mx_split();
  const std::uint32_t ks = plan.k_step, per_row = ks / 32, blocks = kGroupRows * per_row;
  const Tile xblk = b.xf.dense(DType::fp32, blocks, 32), ablk = b.ab.dense(DType::fp32, blocks, 32);
  // The per-block values as one row for elementwise ops (a few 256-byte repeats instead of one
  // per block); the row reduction writes, and the row-broadcast divide reads, the column view.
  auto row = [&](const Tile& column) { return column.dense(column.dtype, 1, blocks); };
  const Tile bmax = row(b.bmax), ratio = row(b.ratio), thr = row(b.thr), codes = row(b.codes),
             scale = row(b.scale);
  c.handoff(Pipe::V, Pipe::MTE2, kSerial);  // the previous unit's x is consumed
  c.copy_gm_to_ub(b.xb, gm.x.tile(row0, step * ks, kGroupRows, ks));
  c.handoff(Pipe::MTE2, Pipe::V, kSerial);
  c.handoff(Pipe::MTE3, Pipe::V, kSerial);  // and its pieces and codes are in GM
  c.vcast(b.xf, b.xb);
  c.vabs(b.ab, b.xf);
  c.vrowmax(b.bmax, ablk);
  c.vmaxs(bmax, bmax, kMxFloor);
  if (sp.rule == msd::MxScaleRule::ceil_threshold) {
    c.vdiv(ratio, bmax, thr);
    c.vcast(codes, ratio, numeric::Rounding::ceil);
  } else {  // OCP: 2^(floor(log2 M) - emax_elem)
    const int emax = std::ilogb(numeric::max_finite(p.piece()));
    c.vmuls(ratio, bmax, std::ldexp(1.0, -emax));
    c.vcast(codes, ratio, numeric::Rounding::floor);
  }
  c.vcast(scale, codes);
  c.vrow_div(xblk, xblk, b.scale);
  const std::uint64_t steps = plan.mx_steps();
  for (std::uint32_t k = 0; k < p.passes; ++k) {
    if (k > 0) {
      c.vcast(b.qf, b.q);
      c.vsub(b.xf, b.xf, b.qf);
      c.vmuls(b.xf, b.xf, sp.step_ratio);
      c.vmuls(scale, scale, 1.0 / sp.step_ratio);
      c.handoff(Pipe::MTE3, Pipe::V, kSerial);  // the previous pass's piece and codes are out
      c.vcast(codes, scale);
    }
    c.vcast(b.q, b.xf, numeric::Rounding::nearest_even, /*saturate=*/true);
    c.handoff(Pipe::V, Pipe::MTE3, kSerial);
    c.copy_ub_to_gm(gm.ws_x.tile(k * plan.x_rows() + row0, step * ks, kGroupRows, ks), b.q);
    c.copy_ub_to_gm(gm.ws_sx.tile(k * steps + step, row0 * per_row, 1, blocks), codes);
  }
}

// msd with w_prefetch: this AIV's half of the W rows (and, for half 0, the scale rows) of its
// AIC's tiles 1, 2, ... touched into L2, one tile at a time; kWReady after each (a set waits for
// the pipe's transfers, so the lines have landed when the AIC reads them), at most two tiles
// ahead of the AIC (kWTaken: the AIC started tile t - 2).
void prefetch_weights(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm,
                      const LinearCore& work, std::uint32_t half) {
  if (work.tiles.size() < 2) return;  // the AIC reads its only tile itself
  const LinearParams& p = plan.params;
  constexpr std::uint32_t kRows = kLinearTile / 2;
  constexpr std::uint32_t kTouchRows = 1024;  // lines per touch (a 32 KiB scratch nobody reads)
  const std::uint64_t row_bytes = numeric::dtype_bytes(p.weight, p.n);
  const Tile touch =
      c.buffer(Buffer::UB).alloc("mx W prefetch scratch", DType::bf16, kTouchRows, 16);
  // Touches `rows` x 16 bf16 of `lines` (a strided GM view), at most kTouchRows rows at a time.
  auto touch_lines = [&](Tile lines) {
    for (std::uint32_t r0 = 0; r0 < lines.rows; r0 += kTouchRows) {
      const std::uint32_t rows = std::min(kTouchRows, lines.rows - r0);
      c.copy_gm_to_ub(touch.sub(0, 0, rows, 16), lines.sub(r0, 0, rows, 16));
    }
  };
  for (std::size_t t = 1; t < work.tiles.size(); ++t) {
    if (t >= 3) c.cross_core_wait(kWTaken);
    const std::uint64_t row = work.tiles[t] * kLinearTile + half * kRows;
    touch_lines(l2_line_pieces(gm.w.address + row * row_bytes, kRows * row_bytes, plan.l2_line));
    if (half == 0) {  // the tile's 128 scales of each K block: 32 bytes of each s row's piece
      const Tile s = gm.s.tile(0, work.tiles[t] * kLinearTile,
                               static_cast<std::uint32_t>(p.groups()), kLinearTile);
      touch_lines(s.as(DType::bf16).sub(0, 0, s.rows, 16));
    }
    c.cross_core_set(isa::SyncMode::aic_aiv, kWReady, Pipe::MTE2);
  }
}

}  // namespace

void emit_mx_aiv(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm,
                 const LinearCore& work, std::uint32_t index, std::uint32_t half) {
  const LinearParams& p = plan.params;
  {
    const QuantBuffers b = quant_buffers(c, plan);
    c.vdup(b.thr.dense(DType::fp32, 1, b.thr.rows), p.mx_split().threshold);
    // Units: 16-row groups holding real tokens x K steps, round-robin over the die's AIVs
    // (padding rows of the last block stay zero in GM: zero pieces, scale codes 0).
    const std::uint64_t aivs = std::uint64_t(plan.die_cores[work.aic.die]) * 2;
    const std::uint64_t groups = (p.tokens + kGroupRows - 1) / kGroupRows;
    const std::uint64_t steps = plan.mx_steps();
    for (std::uint64_t u = index; u < groups * steps; u += aivs)
      quantize_unit(c, plan, gm, b, (u / steps) * kGroupRows, u % steps);
    c.cross_core_set(isa::SyncMode::all_cores, kSplitAll, Pipe::MTE3);
    c.cross_core_wait(kSplitAll);
    c.cross_core_set(isa::SyncMode::aic_aiv, kSplit, Pipe::MTE3);
  }
  if (p.pipeline == LinearPipeline::dequant)
    emit_dequant_aiv(c, plan, gm, work, half);  // W fp4 -> e4m3 into the AIC's workspace
  else if (p.w_prefetch)
    prefetch_weights(c, plan, gm, work, half);
}

}  // namespace ascendsim::kernels
