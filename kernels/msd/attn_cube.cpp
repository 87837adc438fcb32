// The AIC side of the INT8-KV attention kernels (attn_pipeline.hpp): per task S = Q K^T over
// 128-key tiles, then O = P V per 128-column tile of V, with L1 tiles ping-ponged against MTE2,
// double-buffered L0A / L0B and two L0C tiles.
#include <array>

#include "kernels/msd/attn_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using namespace attn_sync;

class AttnAic {
 public:
  AttnAic(CoreBuilder& c, const AttnPlan& plan, const AttnDieTensors& gm, const AttnCore& work)
      : c_(c), plan_(plan), p_(plan.params), gm_(gm), work_(work) {
    msd_ = p_.pipeline == LinearPipeline::msd;
    in_ = msd_ ? DType::int8 : DType::bf16;
    LocalBuffer l1 = c.buffer(Buffer::L1), l0a = c.buffer(Buffer::L0A), l0b = c.buffer(Buffer::L0B),
                l0c = c.buffer(Buffer::L0C);
    const std::uint32_t rows = plan.rows, d = p_.head_dim;
    for (int i = 0; i < 2; ++i) {
      q_[i] = l1.alloc("attn L1 Q", in_, rows, d);
      k_[i] = l1.alloc("attn L1 K tile", in_, kAttnKeyTile, d);
      v_[i] = l1.alloc("attn L1 V tile", in_, kAttnKeyTile, kAttnVTile);
      p_l1_[i] = l1.alloc("attn L1 P tile", in_, rows, kAttnKeyTile);
      const std::uint32_t a_cols = std::max(plan.qk_step, plan.pv_step);
      l0a_[i] = l0a.alloc("attn L0A", in_, rows, a_cols);
      l0b_[i] = l0b.alloc("attn L0B", in_, std::max(plan.qk_step, plan.pv_step), kAttnVTile);
      l0c_[i] = l0c.alloc("attn L0C", msd_ ? DType::int32 : DType::fp32, rows, kAttnVTile);
    }
    if (msd_) {
      s_v_ = l1.alloc("attn L1 s_V", DType::fp32, 1, p_.v_dim);
      LocalBuffer fb = c.buffer(Buffer::FB);
      for (auto& f : fb_) f = fb.alloc("attn FB s_V", DType::fp32, 1, kAttnVTile);
    }
  }

  void emit() {
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.set_flag(Pipe::MTE1, Pipe::MTE2, e);
      c_.set_flag(Pipe::MTE1, Pipe::MTE2, std::uint8_t(kQEvent + e));
      c_.set_flag(Pipe::M, Pipe::MTE1, e);
      c_.set_flag(Pipe::FIX, Pipe::M, e);
    }
    // Preload order: S(t + 1) runs before O(t), so the AIVs' softmax(t) overlaps it.
    const std::size_t n = work_.tasks.size();
    if (n > 0) scores(0);
    for (std::size_t ti = 0; ti < n; ++ti) {
      if (ti + 1 < n) scores(ti + 1);
      values(ti);
    }
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.wait_flag(Pipe::MTE1, Pipe::MTE2, e);
      c_.wait_flag(Pipe::MTE1, Pipe::MTE2, std::uint8_t(kQEvent + e));
      c_.wait_flag(Pipe::M, Pipe::MTE1, e);
      c_.wait_flag(Pipe::FIX, Pipe::M, e);
    }
  }

 private:
  std::uint64_t slot_row(std::size_t ti, std::uint32_t rows) const {
    return (std::uint64_t(work_.die_slot) * 2 + ti % 2) * rows;
  }
  std::uint64_t kv_slot_row(std::size_t ti) const {  // dequant's K / V: three slots
    return (std::uint64_t(work_.die_slot) * kAttnKvSlots + ti % kAttnKvSlots) * p_.s_kv;
  }

  // One mmad step: L1 operands -> L0A / L0B -> L0C tile cs (a new accumulation when `first`).
  void step(const Tile& a, const Tile& b, bool transpose, bool first) {
    const std::uint8_t q = std::uint8_t(step_ % 2), cs = std::uint8_t(acc_ % 2);
    c_.wait_flag(Pipe::M, Pipe::MTE1, q);
    const Tile l0a = l0a_[q].dense(in_, a.rows, a.cols);
    const Tile l0b = l0b_[q].dense(in_, transpose ? b.cols : b.rows, transpose ? b.rows : b.cols);
    c_.load_l0a(l0a, a);
    c_.load_l0b(l0b, b, transpose);
    c_.handoff(Pipe::MTE1, Pipe::M, q);
    if (first) c_.wait_flag(Pipe::FIX, Pipe::M, cs);
    c_.mmad(l0c_[cs].dense(l0c_[cs].dtype, a.rows, l0b.cols), l0a, l0b, !first);
    c_.set_flag(Pipe::M, Pipe::MTE1, q);
    ++step_;
  }

  // The accumulation in L0C tile cs is complete: FixPipe it to `dst`.
  void drain(const Tile& dst, double scale, const Tile* per_column) {
    const std::uint8_t cs = std::uint8_t(acc_ % 2);
    c_.handoff(Pipe::M, Pipe::FIX, cs);
    const Tile src = l0c_[cs].dense(l0c_[cs].dtype, dst.rows, dst.cols);
    if (per_column)
      c_.fixpipe_per_channel(dst, src, *per_column);
    else
      c_.fixpipe(dst, src, scale);
    c_.set_flag(Pipe::FIX, Pipe::M, cs);
    ++acc_;
  }

  // S(t) = Q K^T (dequant: x scale in FixPipe; msd: int32 partials of both pieces to fp32).
  void scores(std::size_t ti) {
    const std::uint64_t t = work_.tasks[ti];
    const std::uint32_t rows = plan_.rows, d = p_.head_dim, st = plan_.qk_step;
    const Tile& q = q_[ti % 2];
    const std::uint8_t qe = std::uint8_t(kQEvent + ti % 2);
    c_.wait_flag(Pipe::MTE1, Pipe::MTE2, qe);  // S(t - 2)'s loads of this Q slot are done
    if (msd_) {
      c_.cross_core_wait(kQReady);
      c_.copy_gm_to_l1(q, gm_.ws_q.tile(t * rows, 0, rows, d));
    } else {
      c_.copy_gm_to_l1(q, gm_.q.tile(t * plan_.n_pad, 0, rows, d));
    }
    for (std::uint64_t kt = 0; kt < plan_.key_tiles(); ++kt) {
      const std::uint8_t pp = std::uint8_t(it_++ % 2);
      c_.wait_flag(Pipe::MTE1, Pipe::MTE2, pp);
      if (msd_) {
        c_.copy_gm_to_l1(k_[pp], gm_.k.tile(t * p_.s_kv + kt * kAttnKeyTile, 0, kAttnKeyTile, d));
      } else {
        if (kt % plan_.key_group() == 0) c_.cross_core_wait(kKReady);
        c_.copy_gm_to_l1(k_[pp],
                         gm_.ws_k.tile(kv_slot_row(ti) + kt * kAttnKeyTile, 0, kAttnKeyTile, d));
      }
      c_.handoff(Pipe::MTE2, Pipe::MTE1, pp);
      for (std::uint32_t s = 0; s < d / st; ++s)
        step(q.sub(0, s * st, rows, st), k_[pp].sub(0, s * st, kAttnKeyTile, st), true, s == 0);
      c_.set_flag(Pipe::MTE1, Pipe::MTE2, pp);
      if (kt + 1 == plan_.key_tiles()) c_.set_flag(Pipe::MTE1, Pipe::MTE2, qe);
      drain(gm_.ws_s.tile(slot_row(ti, rows), kt * kAttnKeyTile, rows, kAttnKeyTile),
            msd_ ? 1.0 : p_.scale, nullptr);
    }
    c_.cross_core_set(isa::SyncMode::aic_aiv, kSDone, Pipe::FIX);
  }

  // O(t) = P V, one 128-column tile of V at a time.
  void values(std::size_t ti) {
    const std::uint64_t t = work_.tasks[ti];
    const std::uint32_t rows = plan_.rows;
    c_.cross_core_wait(kPReady);
    if (msd_) {  // s_V of the task -> L1, FixPipe takes 128 columns into FB per tile
      c_.copy_gm_to_l1(s_v_, gm_.s_v.tile(t * 16, 0, 1, p_.v_dim));
      c_.handoff(Pipe::MTE2, Pipe::FIX, 2);
    }
    for (std::uint32_t nt = 0; nt < plan_.v_tiles(); ++nt) {
      for (std::uint64_t kt = 0; kt < plan_.key_tiles(); ++kt) {
        const std::uint8_t pp = std::uint8_t(it_++ % 2);
        const std::uint64_t key = kt * kAttnKeyTile, col = std::uint64_t(nt) * kAttnVTile;
        c_.wait_flag(Pipe::MTE1, Pipe::MTE2, pp);
        if (msd_) {
          c_.copy_gm_to_l1(v_[pp], gm_.v.tile(t * p_.s_kv + key, col, kAttnKeyTile, kAttnVTile));
        } else {
          c_.copy_gm_to_l1(v_[pp],
                           gm_.ws_v.tile(kv_slot_row(ti) + key, col, kAttnKeyTile, kAttnVTile));
        }
        c_.copy_gm_to_l1(p_l1_[pp], gm_.ws_p.tile(slot_row(ti, rows), key, rows, kAttnKeyTile));
        c_.handoff(Pipe::MTE2, Pipe::MTE1, pp);
        step(p_l1_[pp], v_[pp], false, kt == 0);
        c_.set_flag(Pipe::MTE1, Pipe::MTE2, pp);
      }
      const Tile dst =
          gm_.ws_o.tile(slot_row(ti, rows), std::uint64_t(nt) * kAttnVTile, rows, kAttnVTile);
      if (msd_) {
        const Tile& fb = fb_[nt % 2];
        c_.copy_l1_to_fb(fb, s_v_.sub(0, nt * kAttnVTile, 1, kAttnVTile));
        drain(dst, 1.0, &fb);
      } else {
        drain(dst, 1.0, nullptr);
      }
    }
    if (msd_) {  // s_V's L1 copy may be replaced once FixPipe took the last tile of it
      c_.handoff(Pipe::FIX, Pipe::MTE2, 2);
    }
    c_.cross_core_set(isa::SyncMode::aic_aiv, kODone, Pipe::FIX);
  }

  CoreBuilder& c_;
  const AttnPlan& plan_;
  const AttnParams& p_;
  const AttnDieTensors& gm_;
  const AttnCore& work_;
  bool msd_ = false;
  DType in_ = DType::bf16;
  Tile s_v_;
  std::array<Tile, 2> q_, k_, v_, p_l1_, l0a_, l0b_, l0c_, fb_;
  std::uint64_t it_ = 0, step_ = 0, acc_ = 0;
  static constexpr std::uint8_t kQEvent = 2;  // MTE1 -> MTE2 events of the two Q slots
};

}  // namespace

void emit_attn_aic(CoreBuilder& core, const AttnPlan& plan, const AttnDieTensors& gm,
                   const AttnCore& work) {
  AttnAic(core, plan, gm, work).emit();
}

}  // namespace ascendsim::kernels
