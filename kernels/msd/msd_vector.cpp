// The AIV side of msd_gemm (linear_pipeline.hpp).
//
// Split (MSD.md §4, the shipped AntiquantMatmulPreProcess, §8.4): for this AIV's share of X's
// token rows, M = max |x| over the row (pass A over 1024-wide chunks), then per chunk
//   t = x * (first / M);  q1 = round(t);  t = (t - q1) * step;  q2 = round(t);  ...
// with RNE casts to the piece type, so alpha = M / first and piece k weighs alpha / step^(k-1).
// The rounding happens on t in fp32, not on x / alpha in exact arithmetic (msd_split.hpp), so
// the pieces may differ from the ideal split in a last bit; the check measures the pieces in GM.
// Recombination: y = alpha (z1 + z2 / step + ...), z_k the FixPipe's s_W-scaled partials.
// Both phases run serially within the AIV (one buffer each, a flag round trip per hand-off):
// they are small next to the AIC's work in decode, and the split is not overlapped with the
// Cube in the shipped kernel either (it precedes the matmul).
#include <algorithm>
#include <cmath>

#include "kernels/msd/linear_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using namespace linear_sync;
constexpr std::uint32_t kSplitRows = 8, kSplitCols = 1024;

// The event of the serial hand-offs between two pipes of this core (CoreBuilder::handoff).
constexpr std::uint8_t kSerial = 7;

struct SplitBuffers {
  Tile xb, xf, qf, q, amax, rowmax, inv, alpha;
};

void split_rows(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm,
                const SplitBuffers& b, std::uint64_t tok0, std::uint32_t rows) {
  const LinearParams& p = plan.params;
  const Tile amax = b.amax.sub(0, 0, rows, 1), rowmax = b.rowmax.sub(0, 0, rows, 1),
             inv = b.inv.sub(0, 0, rows, 1), alpha = b.alpha.sub(0, 0, rows, 1);
  auto load = [&](std::uint64_t col, std::uint32_t w) {
    c.handoff(Pipe::V, Pipe::MTE2, kSerial);  // the previous chunk's xb is consumed
    const Tile xb = b.xb.dense(DType::bf16, rows, w), xf = b.xf.dense(DType::fp32, rows, w);
    c.copy_gm_to_ub(xb, gm.x.tile(tok0, col, rows, w));
    c.handoff(Pipe::MTE2, Pipe::V, kSerial);
    c.vcast(xf, xb);
    return xf;
  };
  // Pass A: the row maxima.
  for (std::uint64_t col = 0; col < p.n; col += kSplitCols) {
    const std::uint32_t w =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(kSplitCols, p.n - col));
    const Tile xf = load(col, w);
    c.vabs(xf, xf);
    c.vrowmax(col == 0 ? amax : rowmax, xf);
    if (col != 0) c.vmax(amax, amax, rowmax);
  }
  // M' = max(M, kSplitFloor): an all-zero row gives zero pieces (not 0 * inf), first / M' and
  // alpha = M' / first stay normal fp32; inv = first / M' and alpha use the same M'. Rows below
  // the floor are split coarsely (the check exempts them from Theorem 5.1's gate).
  c.vmaxs(amax, amax, kSplitFloor);
  c.vrec(inv, amax);
  c.vmuls(inv, inv, p.first_divisor());
  c.vmuls(alpha, amax, 1.0 / p.first_divisor());
  c.handoff(Pipe::V, Pipe::MTE3, kSerial);
  c.copy_ub_to_gm(gm.ws_alpha.tile(tok0, 0, rows, 1), alpha);
  // Pass B: the pieces.
  const std::uint64_t blk = tok0 / plan.block_tokens, t0 = tok0 % plan.block_tokens;
  for (std::uint64_t col = 0; col < p.n; col += kSplitCols) {
    const std::uint32_t w =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(kSplitCols, p.n - col));
    const Tile xf = load(col, w), qf = b.qf.dense(DType::fp32, rows, w),
               q = b.q.dense(p.piece(), rows, w);
    c.vrow_mul(xf, xf, inv);
    for (std::uint32_t k = 0; k < p.passes; ++k) {
      c.handoff(Pipe::MTE3, Pipe::V, kSerial);  // q's previous piece is in GM
      c.vcast(q, xf, numeric::Rounding::nearest_even, /*saturate=*/true);
      c.handoff(Pipe::V, Pipe::MTE3, kSerial);
      const std::uint64_t row = blk * plan.block_rows + std::uint64_t(k) * plan.block_tokens + t0;
      c.copy_ub_to_gm(gm.ws_x.tile(row, col, rows, w), q);
      if (k + 1 == p.passes) break;
      c.vcast(qf, q);
      c.vsub(xf, xf, qf);
      c.vmuls(xf, xf, p.step_divisor());
    }
  }
}

}  // namespace

RowShare row_share(std::uint32_t real, std::uint32_t half) {
  const std::uint32_t first_half = (real + 1) / 2;
  return half == 0 ? RowShare{0, first_half} : RowShare{first_half, real - first_half};
}

void emit_msd_aiv(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm,
                  const LinearCore& work, std::uint32_t index, std::uint32_t half) {
  const LinearParams& p = plan.params;
  // ---- split: a contiguous share of the tokens, in row groups inside one block ----
  {
    LocalBuffer ub = c.buffer(Buffer::UB);
    SplitBuffers b;
    b.xb = ub.alloc("msd split x", DType::bf16, kSplitRows, kSplitCols);
    b.xf = ub.alloc("msd split x fp32", DType::fp32, kSplitRows, kSplitCols);
    b.qf = ub.alloc("msd split piece fp32", DType::fp32, kSplitRows, kSplitCols);
    b.q = ub.alloc("msd split piece", p.piece(), kSplitRows, kSplitCols);
    b.amax = ub.alloc("msd split max", DType::fp32, kSplitRows, 1);
    b.rowmax = ub.alloc("msd split chunk max", DType::fp32, kSplitRows, 1);
    b.inv = ub.alloc("msd split 1/alpha", DType::fp32, kSplitRows, 1);
    b.alpha = ub.alloc("msd split alpha", DType::fp32, kSplitRows, 1);
    const std::uint64_t aivs = std::uint64_t(plan.die_cores[work.aic.die]) * 2;  // of this die
    const std::uint64_t per = (p.tokens + aivs - 1) / aivs;
    const std::uint64_t begin = std::min<std::uint64_t>(p.tokens, index * per),
                        end = std::min<std::uint64_t>(p.tokens, begin + per);
    for (std::uint64_t t = begin; t < end;) {
      const std::uint64_t block_end = (t / plan.block_tokens + 1) * plan.block_tokens;
      const auto rows = static_cast<std::uint32_t>(std::min({end, block_end, t + kSplitRows}) - t);
      split_rows(c, plan, gm, b, t, rows);
      t += rows;
    }
    c.cross_core_set(isa::SyncMode::all_cores, kSplitAll, Pipe::MTE3);
    c.cross_core_wait(kSplitAll);
    c.cross_core_set(isa::SyncMode::aic_aiv, kSplit, Pipe::MTE3);
  }
  // ---- recombine: per (tile, block) job, this AIV's rows of the block ----
  LocalBuffer ub = c.buffer(Buffer::UB);
  const std::uint32_t max_rows = (plan.block_tokens + 1) / 2;
  std::vector<Tile> z(p.passes);
  for (auto& t : z) t = ub.alloc("msd partial", DType::fp32, max_rows, kLinearTile);
  const Tile alpha_buf = ub.alloc("msd alpha", DType::fp32, max_rows, 1);
  const Tile out_buf = ub.alloc("msd y", p.out_dtype, max_rows, kLinearTile);
  const std::uint64_t jobs = work.tiles.size() * plan.blocks;
  std::uint64_t job = 0;
  for (std::size_t ti = 0; ti < work.tiles.size(); ++ti) {
    for (std::uint64_t blk = 0; blk < plan.blocks; ++blk, ++job) {
      const RowShare share = row_share(plan.real_tokens(blk), half);
      const std::uint64_t slot = (std::uint64_t(work.die_slot) * 2 + job % 2) * plan.block_rows;
      c.cross_core_wait(kYReady);
      if (share.count > 0) {
        c.handoff(Pipe::V, Pipe::MTE2, kSerial);     // the previous job's partials are consumed
        c.handoff(Pipe::MTE3, Pipe::MTE2, kSerial);  // and its fp32 y (z1's rows) is in GM
        const std::uint64_t tok = blk * plan.block_tokens + share.first;
        c.copy_gm_to_ub(alpha_buf.sub(0, 0, share.count, 1),
                        gm.ws_alpha.tile(tok, 0, share.count, 1));
        for (std::uint32_t k = 0; k < p.passes; ++k)
          c.copy_gm_to_ub(z[k].sub(0, 0, share.count, kLinearTile),
                          gm.ws_y.tile(slot + std::uint64_t(k) * plan.block_tokens + share.first, 0,
                                       share.count, kLinearTile));
      }
      if (job + 2 < jobs) c.cross_core_set(isa::SyncMode::aic_aiv, kYFree, Pipe::MTE2);
      if (share.count == 0) continue;
      c.handoff(Pipe::MTE2, Pipe::V, kSerial);
      const Tile acc = z[0].sub(0, 0, share.count, kLinearTile);
      for (std::uint32_t k = 1; k < p.passes; ++k) {
        const Tile zk = z[k].sub(0, 0, share.count, kLinearTile);
        c.vmuls(zk, zk, std::pow(p.step_divisor(), -double(k)));
        c.vadd(acc, acc, zk);
      }
      c.vrow_mul(acc, acc, alpha_buf.sub(0, 0, share.count, 1));
      Tile result = acc;
      if (p.out_dtype != DType::fp32) {
        c.handoff(Pipe::MTE3, Pipe::V, kSerial);  // out_buf's previous rows are in GM
        result = out_buf.sub(0, 0, share.count, kLinearTile);
        c.vcast(result, acc);
      }
      c.handoff(Pipe::V, Pipe::MTE3, kSerial);
      c.copy_ub_to_gm(gm.y.tile(blk * plan.block_tokens + share.first, work.tiles[ti] * kLinearTile,
                                share.count, kLinearTile),
                      result);
    }
  }
}

}  // namespace ascendsim::kernels
