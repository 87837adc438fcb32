// The AIC side of the MX-weight pipelines (mx_pipeline.hpp): per output tile, row block and
// 512-byte-per-W-row chunk, W (fp4 from GM for msd, e4m3 from ws_w for dequant) with its scales,
// and every pass's pieces with theirs GM -> L1 (ping-pong); per K step W^T and its scales into
// L0B, each pass and its scales into L0A (double-buffered), one MX mmad per pass into the
// block's L0C tile; FixPipe writes y once n is done.
#include <array>
#include <vector>

#include "kernels/msd/mx_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using namespace linear_sync;

class MxAic {
 public:
  MxAic(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm, const LinearCore& work)
      : c_(c), plan_(plan), p_(plan.params), gm_(gm), work_(work) {
    msd_ = p_.pipeline == LinearPipeline::msd;
    const DType w_in = msd_ ? p_.weight : p_.piece();  // dequant: W converted to e4m3
    const std::uint32_t bt = plan.block_tokens, ks = plan.k_step, cols = plan.l1_cols;
    per_step_ = ks / 32;
    LocalBuffer l1 = c.buffer(Buffer::L1), l0a = c.buffer(Buffer::L0A), l0b = c.buffer(Buffer::L0B),
                l0c = c.buffer(Buffer::L0C);
    for (int i = 0; i < 2; ++i) {
      w_[i] = l1.alloc("mx L1 W chunk", w_in, kLinearTile, cols);
      sw_[i] = l1.alloc("mx L1 W scales", DType::e8m0, cols / 32, kLinearTile);
      b_[i] = l0b.alloc("mx L0B W", w_in, ks, kLinearTile);
      sb_[i] = l0b.alloc("mx L0B W scales", DType::e8m0, per_step_, kLinearTile);
      c0_[i] = l0c.alloc("mx L0C", DType::fp32, bt, kLinearTile);
      for (std::uint32_t k = 0; k < p_.passes; ++k) {
        x_[i].push_back(l1.alloc("mx L1 pieces", p_.piece(), bt, cols));
        sx_[i].push_back(l1.alloc("mx L1 piece scales", DType::e8m0, cols / ks, bt * per_step_));
        a_[i].push_back(l0a.alloc("mx L0A piece", p_.piece(), bt, ks));
        sa_[i].push_back(l0a.alloc("mx L0A piece scales", DType::e8m0, bt, per_step_));
      }
    }
  }

  void emit() {
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.set_flag(Pipe::MTE1, Pipe::MTE2, e);
      c_.set_flag(Pipe::M, Pipe::MTE1, e);
      c_.set_flag(Pipe::FIX, Pipe::M, e);
    }
    const std::size_t tiles = work_.tiles.size();
    if (tiles == 0) c_.cross_core_wait(kSplit);  // its AIVs still take part in the quantisation
    for (std::size_t ti = 0; ti < tiles; ++ti) {
      for (std::uint64_t blk = 0; blk < plan_.blocks; ++blk)
        for (std::uint64_t col = 0; col < p_.n; col += plan_.l1_cols) chunk(ti, blk, col);
      // dequant: tile ti's ws_w slot is free once its last reads landed (MTE2 set waits).
      if (!msd_ && ti + 2 < tiles) c_.cross_core_set(isa::SyncMode::aic_aiv, kDqFree, Pipe::MTE2);
    }
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.wait_flag(Pipe::MTE1, Pipe::MTE2, e);
      c_.wait_flag(Pipe::M, Pipe::MTE1, e);
      c_.wait_flag(Pipe::FIX, Pipe::M, e);
    }
  }

 private:
  std::uint64_t tile_row(std::size_t ti) const { return work_.tiles[ti] * kLinearTile; }

  void chunk(std::size_t ti, std::uint64_t blk, std::uint64_t col) {
    const std::uint8_t pp = std::uint8_t(it_ % 2);
    const auto w = static_cast<std::uint32_t>(std::min<std::uint64_t>(plan_.l1_cols, p_.n - col));
    const std::uint32_t bt = plan_.block_tokens, ks = plan_.k_step;
    c_.wait_flag(Pipe::MTE1, Pipe::MTE2, pp);
    const Tile l1_w = w_[pp].sub(0, 0, kLinearTile, w);
    if (msd_) {
      if (p_.w_prefetch && ti > 0 && blk == 0 && col == 0) {
        c_.cross_core_wait(kWReady);  // the AIVs have this tile's W in L2
        if (ti + 2 < work_.tiles.size())
          c_.cross_core_set(isa::SyncMode::aic_aiv, kWTaken, Pipe::S);
      }
      c_.copy_gm_to_l1(l1_w, gm_.w.tile(tile_row(ti), col, kLinearTile, w));
    } else {
      // every hand-off group with a chunk in [col, col + w) is converted (the first block waits)
      for (std::uint64_t ch = col / kLinearChunk; blk == 0 && ch < (col + w) / kLinearChunk; ++ch)
        if (ch % plan_.chunk_group() == 0) c_.cross_core_wait(kDqReady);
      const std::uint64_t slot = (std::uint64_t(work_.die_slot) * 2 + ti % 2) * kLinearTile;
      c_.copy_gm_to_l1(l1_w, gm_.ws_w.tile(slot, col, kLinearTile, w));
    }
    c_.copy_gm_to_l1(sw_[pp].sub(0, 0, w / 32, kLinearTile),
                     gm_.s.tile(col / 32, tile_row(ti), w / 32, kLinearTile));
    if (it_ == 0) c_.cross_core_wait(kSplit);  // the pieces are in GM
    for (std::uint32_t k = 0; k < p_.passes; ++k) {
      c_.copy_gm_to_l1(x_[pp][k].sub(0, 0, bt, w),
                       gm_.ws_x.tile(k * plan_.x_rows() + blk * bt, col, bt, w));
      c_.copy_gm_to_l1(sx_[pp][k].sub(0, 0, w / ks, bt * per_step_),
                       gm_.ws_sx.tile(k * plan_.mx_steps() + col / ks, blk * bt * per_step_, w / ks,
                                      bt * per_step_));
    }
    c_.handoff(Pipe::MTE2, Pipe::MTE1, pp);
    for (std::uint32_t s = 0; s < w / ks; ++s) step(ti, blk, col + std::uint64_t(s) * ks, pp, s);
    c_.set_flag(Pipe::MTE1, Pipe::MTE2, pp);
    ++it_;
  }

  void step(std::size_t ti, std::uint64_t blk, std::uint64_t k, std::uint8_t pp, std::uint32_t s) {
    const std::uint32_t bt = plan_.block_tokens, ks = plan_.k_step;
    const std::uint8_t q = std::uint8_t(step_ % 2), cs = std::uint8_t(acc_ % 2);
    c_.wait_flag(Pipe::M, Pipe::MTE1, q);
    c_.load_l0b(b_[q], w_[pp].sub(0, s * ks, kLinearTile, ks), /*transpose=*/true);
    c_.load_l0b(sb_[q], sw_[pp].sub(s * per_step_, 0, per_step_, kLinearTile));
    for (std::uint32_t p = 0; p < p_.passes; ++p) {
      c_.load_l0a(a_[q][p], x_[pp][p].sub(0, s * ks, bt, ks));
      c_.load_l0a(sa_[q][p],
                  sx_[pp][p].sub(s, 0, 1, bt * per_step_).dense(DType::e8m0, bt, per_step_));
    }
    c_.handoff(Pipe::MTE1, Pipe::M, q);
    const bool first = k == 0, last = k + ks == p_.n;
    if (first) c_.wait_flag(Pipe::FIX, Pipe::M, cs);
    for (std::uint32_t p = 0; p < p_.passes; ++p)
      c_.mmad_mx(c0_[cs], a_[q][p], b_[q], sa_[q][p], sb_[q], /*accumulate=*/!(first && p == 0));
    c_.set_flag(Pipe::M, Pipe::MTE1, q);
    ++step_;
    if (!last) return;
    c_.handoff(Pipe::M, Pipe::FIX, cs);
    c_.fixpipe(gm_.y.tile(blk * bt, tile_row(ti), bt, kLinearTile), c0_[cs]);
    c_.set_flag(Pipe::FIX, Pipe::M, cs);
    ++acc_;
  }

  CoreBuilder& c_;
  const LinearPlan& plan_;
  const LinearParams& p_;
  const LinearDieTensors& gm_;
  const LinearCore& work_;
  bool msd_ = false;
  std::uint32_t per_step_ = 8;  // scales per row (L0A) or column (L0B) of one K step
  std::array<Tile, 2> w_, sw_, b_, sb_, c0_;
  std::array<std::vector<Tile>, 2> x_, sx_, a_, sa_;  // [ping-pong][pass]
  std::uint64_t it_ = 0, step_ = 0, acc_ = 0;
};

}  // namespace

void emit_mx_aic(CoreBuilder& core, const LinearPlan& plan, const LinearDieTensors& gm,
                 const LinearCore& work) {
  MxAic(core, plan, gm, work).emit();
}

}  // namespace ascendsim::kernels
