// The AIC side of dequant_gemm and msd_gemm (linear_pipeline.hpp): per output tile, row block
// and K chunk (plan.l1_cols wide), W and X (or the stacked pieces) GM -> L1 (ping-pong), L0 steps
// (double-buffered L0A / L0B), mmads into one of two L0C tiles; FixPipe writes y (dequant) or
// each scale group's partial, scaled by s_W from FB, into ws_y (msd).
#include <array>

#include "kernels/msd/linear_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using namespace linear_sync;

struct AicBuffers {
  std::array<Tile, 2> w, x, s, l0a, l0b, l0c, fb;
};

class LinearAic {
 public:
  LinearAic(CoreBuilder& c, const LinearPlan& plan, const LinearDieTensors& gm,
            const LinearCore& work)
      : c_(c), plan_(plan), p_(plan.params), gm_(gm), work_(work) {
    msd_ = p_.pipeline == LinearPipeline::msd;
    in_ = msd_ ? p_.piece() : DType::bf16;
    span_ = msd_ ? p_.group_length() : p_.n;
    cols_ = plan.l1_cols;
    scale_rows_ = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, cols_ / span_));
    LocalBuffer l1 = c.buffer(Buffer::L1), l0a = c.buffer(Buffer::L0A), l0b = c.buffer(Buffer::L0B),
                l0c = c.buffer(Buffer::L0C), fb = c.buffer(Buffer::FB);
    const DType acc = msd_ ? DType::int32 : DType::fp32;
    for (std::uint32_t i = 0; i < slots_; ++i) {
      b_.w[i] = l1.alloc("linear L1 W chunk", in_, kLinearTile, cols_);
      b_.x[i] = l1.alloc("linear L1 X chunk", in_, plan.block_rows, cols_);
      if (msd_) b_.s[i] = l1.alloc("linear L1 scales", DType::fp32, scale_rows_, kLinearTile);
    }
    for (int i = 0; i < 2; ++i) {
      b_.l0a[i] = l0a.alloc("linear L0A", in_, plan.block_rows, plan.k_step);
      b_.l0b[i] = l0b.alloc("linear L0B", in_, plan.k_step, kLinearTile);
      b_.l0c[i] = l0c.alloc("linear L0C", acc, plan.block_rows, kLinearTile);
      if (msd_) b_.fb[i] = fb.alloc("linear FB scales", DType::fp32, 1, kLinearTile);
    }
  }

  void emit() {
    for (std::uint8_t e = 0; e < slots_; ++e) {
      c_.set_flag(Pipe::MTE1, Pipe::MTE2, e);
      if (msd_) c_.set_flag(Pipe::FIX, Pipe::MTE2, std::uint8_t(kScaleEvent + e));
    }
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.set_flag(Pipe::M, Pipe::MTE1, e);
      c_.set_flag(Pipe::FIX, Pipe::M, e);
    }
    const std::size_t tiles = work_.tiles.size();
    if (msd_ && tiles == 0) c_.cross_core_wait(kSplit);  // its AIVs still take part in the split
    for (std::size_t ti = 0; ti < tiles; ++ti) {
      for (std::uint64_t blk = 0; blk < plan_.blocks; ++blk) {
        for (std::uint64_t col = 0; col < p_.n; col += cols_) chunk(ti, blk, col);
        ++job_;
      }
      // dequant: tile ti's ws_w slot is free once its last reads landed (MTE2 set waits).
      if (!msd_ && ti + 2 < tiles) c_.cross_core_set(isa::SyncMode::aic_aiv, kDqFree, Pipe::MTE2);
    }
    for (std::uint8_t e = 0; e < slots_; ++e) {
      c_.wait_flag(Pipe::MTE1, Pipe::MTE2, e);
      if (msd_) c_.wait_flag(Pipe::FIX, Pipe::MTE2, std::uint8_t(kScaleEvent + e));
    }
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.wait_flag(Pipe::M, Pipe::MTE1, e);
      c_.wait_flag(Pipe::FIX, Pipe::M, e);
    }
  }

 private:
  std::uint64_t tile_row(std::size_t ti) const { return work_.tiles[ti] * kLinearTile; }

  void chunk(std::size_t ti, std::uint64_t blk, std::uint64_t col) {
    const std::uint8_t pp = std::uint8_t(it_ % slots_);
    const auto w = static_cast<std::uint32_t>(std::min<std::uint64_t>(cols_, p_.n - col));
    const Tile l1_w = b_.w[pp].sub(0, 0, kLinearTile, w),
               l1_x = b_.x[pp].sub(0, 0, plan_.block_rows, w);
    c_.wait_flag(Pipe::MTE1, Pipe::MTE2, pp);
    if (msd_) {
      c_.copy_gm_to_l1(l1_w, gm_.w.tile(tile_row(ti), col, kLinearTile, w));
      if (it_ == 0) c_.cross_core_wait(kSplit);  // the pieces are in GM
      c_.copy_gm_to_l1(l1_x, gm_.ws_x.tile(blk * plan_.block_rows, col, plan_.block_rows, w));
      if (col % span_ == 0) load_scales(ti, col, pp);
    } else {
      // the AIVs converted this group of chunks
      if (blk == 0 && (col / kLinearChunk) % plan_.chunk_group() == 0) c_.cross_core_wait(kDqReady);
      const std::uint64_t slot = (std::uint64_t(work_.die_slot) * 2 + ti % 2) * kLinearTile;
      c_.copy_gm_to_l1(l1_w, gm_.ws_w.tile(slot, col, kLinearTile, w));
      c_.copy_gm_to_l1(l1_x, gm_.x.tile(blk * plan_.block_tokens, col, plan_.block_rows, w));
    }
    c_.handoff(Pipe::MTE2, Pipe::MTE1, pp);
    for (std::uint32_t s = 0; s < w / plan_.k_step; ++s) step(ti, blk, col, pp, s);
    c_.set_flag(Pipe::MTE1, Pipe::MTE2, pp);
    ++it_;
  }

  // The s_W rows of the groups starting in this chunk -> L1 slot pp (FixPipe moves them to FB).
  void load_scales(std::size_t ti, std::uint64_t col, std::uint8_t pp) {
    const std::uint8_t e = std::uint8_t(kScaleEvent + pp);
    c_.wait_flag(Pipe::FIX, Pipe::MTE2, e);
    const auto rows =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(scale_rows_, p_.groups() - col / span_));
    c_.copy_gm_to_l1(b_.s[pp].sub(0, 0, rows, kLinearTile),
                     gm_.s.tile(col / span_, tile_row(ti), rows, kLinearTile));
    s_count_ = rows;
    c_.set_flag(Pipe::MTE2, Pipe::FIX, e);
    s_slot_ = pp;
    s_group0_ = col / span_;
    s_waited_ = false;
  }

  void step(std::size_t ti, std::uint64_t blk, std::uint64_t col, std::uint8_t pp,
            std::uint32_t s) {
    const std::uint32_t ks = plan_.k_step;
    const std::uint64_t k = col + std::uint64_t(s) * ks;
    const std::uint8_t q = std::uint8_t(step_ % 2), cs = std::uint8_t(acc_ % 2);
    c_.wait_flag(Pipe::M, Pipe::MTE1, q);
    c_.load_l0a(b_.l0a[q], b_.x[pp].sub(0, s * ks, plan_.block_rows, ks));
    c_.load_l0b(b_.l0b[q], b_.w[pp].sub(0, s * ks, kLinearTile, ks), /*transpose=*/true);
    c_.handoff(Pipe::MTE1, Pipe::M, q);
    const bool first = k % span_ == 0, last = (k + ks) % span_ == 0;
    if (first) c_.wait_flag(Pipe::FIX, Pipe::M, cs);
    c_.mmad(b_.l0c[cs], b_.l0a[q], b_.l0b[q], /*accumulate=*/!first);
    c_.set_flag(Pipe::M, Pipe::MTE1, q);
    ++step_;
    if (!last) return;
    c_.handoff(Pipe::M, Pipe::FIX, cs);
    if (msd_)
      write_partial(k / span_, cs);
    else
      c_.fixpipe(gm_.y.tile(blk * plan_.block_tokens, tile_row(ti), plan_.block_rows, kLinearTile),
                 b_.l0c[cs]);
    c_.set_flag(Pipe::FIX, Pipe::M, cs);
    ++acc_;
  }

  // Group g's int32 partial x s_W[g] (fp32) into the job's ws_y slot; added onto the earlier
  // groups' (atomic) after the first.
  void write_partial(std::uint64_t g, std::uint8_t cs) {
    if (g == 0 && job_ >= 2) c_.cross_core_wait(kYFree);  // the AIVs read job - 2's slot
    if (!s_waited_)
      c_.wait_flag(Pipe::MTE2, Pipe::FIX, std::uint8_t(kScaleEvent + s_slot_)), s_waited_ = true;
    const std::uint8_t f = std::uint8_t(g % 2);
    c_.copy_l1_to_fb(b_.fb[f], b_.s[s_slot_].sub(std::uint32_t(g - s_group0_), 0, 1, kLinearTile));
    if (g == 1) c_.set_atomic_add();
    const std::uint64_t slot = (std::uint64_t(work_.die_slot) * 2 + job_ % 2) * plan_.block_rows;
    c_.fixpipe_per_channel(gm_.ws_y.tile(slot, 0, plan_.block_rows, kLinearTile), b_.l0c[cs],
                           b_.fb[f]);
    const bool last_in_load = g + 1 == s_group0_ + s_count_;
    if (last_in_load) c_.set_flag(Pipe::FIX, Pipe::MTE2, std::uint8_t(kScaleEvent + s_slot_));
    if (g + 1 == p_.groups()) {
      if (g >= 1) c_.set_atomic_none();
      c_.cross_core_set(isa::SyncMode::aic_aiv, kYReady, Pipe::FIX);
    }
  }

  CoreBuilder& c_;
  const LinearPlan& plan_;
  const LinearParams& p_;
  const LinearDieTensors& gm_;
  const LinearCore& work_;
  bool msd_ = false;
  DType in_ = DType::bf16;
  std::uint64_t span_ = 0;  // K length of one accumulation (msd: a scale group; dequant: n)
  std::uint32_t scale_rows_ = 1;
  std::uint32_t cols_ = kLinearChunk;  // n per L1 load
  std::uint32_t slots_ = 2;
  static constexpr std::uint8_t kScaleEvent = 2;  // MTE2 <-> FIX events of the scale slots
  AicBuffers b_;
  std::uint64_t it_ = 0, step_ = 0, acc_ = 0, job_ = 0;
  std::uint8_t s_slot_ = 0;
  std::uint64_t s_group0_ = 0;
  std::uint32_t s_count_ = 0;
  bool s_waited_ = true;
};

}  // namespace

void emit_linear_aic(CoreBuilder& core, const LinearPlan& plan, const LinearDieTensors& gm,
                     const LinearCore& work) {
  LinearAic(core, plan, gm, work).emit();
}

}  // namespace ascendsim::kernels
