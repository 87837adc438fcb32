// The AIV side of the INT8-KV attention kernels (attn_pipeline.hpp). Each AIV owns half of a
// task's query rows for the softmax and the output, and half of every key tile's rows for
// dequant's conversions. Phases reuse the same UB (a pipe_barrier(ALL) between them); the
// softmax sums l and msd's alpha_q stay in a small region that persists.
#include <array>
#include <cmath>

#include "kernels/msd/attn_pipeline.hpp"
#include "kernels/msd/linear_plan.hpp"  // kSplitFloor

namespace ascendsim::kernels {
namespace {

using namespace attn_sync;
constexpr std::uint32_t kRows16 = 16;     // rows per conversion step (the scale block's rows)
constexpr std::uint32_t kSoftCols = 256;  // S columns per softmax step

// The event of the serial hand-offs between two pipes of this core (CoreBuilder::handoff).
constexpr std::uint8_t kSerial = 7;

class AttnAiv {
 public:
  AttnAiv(CoreBuilder& c, const AttnPlan& plan, const AttnDieTensors& gm, const AttnCore& work,
          std::uint32_t half)
      : c_(c),
        plan_(plan),
        p_(plan.params),
        gm_(gm),
        work_(work),
        half_(half),
        rows_(attn_rows(plan, half)),
        ub_(c.buffer(Buffer::UB)) {
    msd_ = p_.pipeline == LinearPipeline::msd;
    const std::uint32_t r = std::max<std::uint32_t>(rows_.count, 1);
    for (auto& l : l_) l = ub_.alloc("attn row sums", DType::fp32, r, 1);
    for (auto& a : alpha_) a = ub_.alloc("attn alpha_q", DType::fp32, r, 1);
  }

  void emit() {
    // Preload order, matching the AIC's S(t + 1) before O(t): prepare(t + 1), out(t - 1),
    // softmax(t).
    const std::size_t n = work_.tasks.size();
    if (n > 0) prepare(0);
    for (std::size_t ti = 0; ti < n; ++ti) {
      if (ti + 1 < n) prepare(ti + 1);
      if (ti > 0) finish(ti - 1);
      softmax(ti);
    }
    if (n > 0) finish(n - 1);
  }

 private:
  std::uint64_t slot_row(std::size_t ti, std::uint64_t rows) const {
    return (std::uint64_t(work_.die_slot) * 2 + ti % 2) * rows;
  }
  void prepare(std::size_t ti) {
    if (msd_) {
      split_q(ti);
    } else {
      convert(ti, gm_.k, gm_.s_k, gm_.ws_k, p_.head_dim, true);
      convert(ti, gm_.v, gm_.s_v, gm_.ws_v, p_.v_dim, false);
    }
  }
  LocalBuffer phase() {  // a fresh allocator over the UB after the persistent region
    c_.pipe_barrier(Pipe::ALL);
    return ub_;
  }

  // dequant: this AIV's 64 rows of every 128-key tile of `src` -> bf16 x per-channel scale.
  void convert(std::size_t ti, const GmTensor& src, const GmTensor& scales, const GmTensor& ws,
               std::uint32_t cols, bool signal) {
    const std::uint64_t t = work_.tasks[ti];
    LocalBuffer ub = phase();
    const Tile s = ub.alloc("attn scale block", DType::fp32, kRows16, cols);
    const Tile wide = ub.alloc("attn fp32 rows", DType::fp32, kRows16, cols);
    std::array<Tile, 2> in, out;
    for (int i = 0; i < 2; ++i) {
      in[i] = ub.alloc("attn int8 rows", DType::int8, kRows16, cols);
      out[i] = ub.alloc("attn bf16 rows", DType::bf16, kRows16, cols);
    }
    c_.copy_gm_to_ub(s, scales.tile(t * 16, 0, kRows16, cols));
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.set_flag(Pipe::V, Pipe::MTE2, e);
      c_.set_flag(Pipe::MTE3, Pipe::V, e);
    }
    constexpr std::uint32_t kHalf = kAttnKeyTile / 2;
    std::uint32_t it = 0;
    for (std::uint64_t kt = 0; kt < plan_.key_tiles(); ++kt) {
      for (std::uint32_t r = 0; r < kHalf; r += kRows16, ++it) {
        const std::uint8_t pp = std::uint8_t(it % 2);
        const std::uint64_t key = kt * kAttnKeyTile + half_ * kHalf + r;
        c_.wait_flag(Pipe::V, Pipe::MTE2, pp);
        c_.copy_gm_to_ub(in[pp], src.tile(t * p_.s_kv + key, 0, kRows16, cols));
        c_.handoff(Pipe::MTE2, Pipe::V, pp);
        c_.vcast(wide, in[pp]);
        c_.set_flag(Pipe::V, Pipe::MTE2, pp);
        c_.vmul(wide, wide, s);
        c_.wait_flag(Pipe::MTE3, Pipe::V, pp);
        c_.vcast(out[pp], wide);
        c_.handoff(Pipe::V, Pipe::MTE3, pp);
        c_.copy_ub_to_gm(
            ws.tile(
                (std::uint64_t(work_.die_slot) * kAttnKvSlots + ti % kAttnKvSlots) * p_.s_kv + key,
                0, kRows16, cols),
            out[pp]);
        c_.set_flag(Pipe::MTE3, Pipe::V, pp);
      }
      if (signal && ((kt + 1) % plan_.key_group() == 0 || kt + 1 == plan_.key_tiles()))
        c_.cross_core_set(isa::SyncMode::aic_aiv, kKReady, Pipe::MTE3);
    }
    for (std::uint8_t e = 0; e < 2; ++e) {
      c_.wait_flag(Pipe::V, Pipe::MTE2, e);
      c_.wait_flag(Pipe::MTE3, Pipe::V, e);
    }
  }

  // msd: this AIV's query rows of Q . s_K split into two int8 pieces (127 / 254), alpha_q kept.
  void split_q(std::size_t ti) {
    const std::uint64_t t = work_.tasks[ti];
    const std::uint32_t n = rows_.count, d = p_.head_dim;
    if (n > 0) {
      LocalBuffer ub = phase();
      const Tile s = ub.alloc("attn s_K block", DType::fp32, kRows16, d);
      const Tile xb = ub.alloc("attn Q rows", DType::bf16, n, d);
      const Tile x = ub.alloc("attn Q s_K", DType::fp32, n, d);
      const Tile tmp = ub.alloc("attn split tmp", DType::fp32, n, d);
      const Tile q = ub.alloc("attn Q piece", DType::int8, n, d);
      const Tile amax = ub.alloc("attn row max", DType::fp32, n, 1);
      const Tile inv = ub.alloc("attn 127 / max", DType::fp32, n, 1);
      const Tile& alpha = alpha_[ti % 2];
      c_.copy_gm_to_ub(s, gm_.s_k.tile(t * 16, 0, kRows16, d));
      c_.copy_gm_to_ub(xb, gm_.q.tile(t * plan_.n_pad + rows_.first, 0, n, d));
      c_.handoff(Pipe::MTE2, Pipe::V, kSerial);
      c_.vcast(x, xb);
      for (std::uint32_t r = 0; r < n; r += kRows16) {
        const std::uint32_t m = std::min(kRows16, n - r);
        const Tile rows = x.sub(r, 0, m, d);
        c_.vmul(rows, rows, s.sub(0, 0, m, d));
      }
      c_.vabs(tmp, x);
      c_.vrowmax(amax, tmp);
      // M' = max(M, 2^-110): 127 / M' and alpha_q = M' / 127 stay normal fp32 (rows below the
      // floor are split coarsely; the check exempts them from Theorem 5.1's gate).
      c_.vmaxs(amax, amax, kSplitFloor);
      c_.vrec(inv, amax);
      c_.vmuls(inv, inv, 127.0);
      c_.vmuls(alpha, amax, 1.0 / 127.0);
      c_.vrow_mul(x, x, inv);
      c_.handoff(Pipe::V, Pipe::MTE3, kSerial);
      c_.copy_ub_to_gm(gm_.ws_alpha.tile(t * plan_.n_pad + rows_.first, 0, n, 1), alpha);
      for (std::uint32_t k = 0; k < 2; ++k) {
        c_.handoff(Pipe::MTE3, Pipe::V, kSerial);
        c_.vcast(q, x, numeric::Rounding::nearest_even, /*saturate=*/true);
        c_.handoff(Pipe::V, Pipe::MTE3, kSerial);
        c_.copy_ub_to_gm(gm_.ws_q.tile(t * plan_.rows + k * plan_.n_pad + rows_.first, 0, n, d), q);
        if (k == 1) break;
        c_.vcast(tmp, q);
        c_.vsub(x, x, tmp);
        c_.vmuls(x, x, 254.0);
      }
    }
    c_.cross_core_set(isa::SyncMode::aic_aiv, kQReady, Pipe::MTE3);
  }

  // S rows [first, +n) of columns [col, +w) into `s` (msd: alpha_q (z1 + z2 / 254) scale).
  void load_scores(std::size_t ti, std::uint64_t col, std::uint32_t w, const Tile& s,
                   const Tile& z2) {
    const std::uint32_t n = rows_.count;
    const std::uint64_t row0 = slot_row(ti, plan_.rows) + rows_.first;
    c_.handoff(Pipe::V, Pipe::MTE2, kSerial);
    c_.copy_gm_to_ub(s, gm_.ws_s.tile(row0, col, n, w));
    if (msd_) c_.copy_gm_to_ub(z2, gm_.ws_s.tile(row0 + plan_.n_pad, col, n, w));
    c_.handoff(Pipe::MTE2, Pipe::V, kSerial);
    if (!msd_) return;
    c_.vmuls(z2, z2, 1.0 / 254.0);
    c_.vadd(s, s, z2);
    c_.vrow_mul(s, s, alpha_[ti % 2]);
    c_.vmuls(s, s, p_.scale);
  }

  void softmax(std::size_t ti) {
    c_.cross_core_wait(kSDone);
    const std::uint32_t n = rows_.count;
    if (n > 0) {
      LocalBuffer ub = phase();
      const Tile s_all = ub.alloc("attn S chunk", DType::fp32, n, kSoftCols);
      const Tile z_all = ub.alloc("attn S piece 2", DType::fp32, n, kSoftCols);
      const Tile p_all = ub.alloc("attn P chunk", msd_ ? DType::int8 : DType::bf16, n, kSoftCols);
      const Tile m = ub.alloc("attn row max", DType::fp32, n, 1);
      const Tile part = ub.alloc("attn chunk max / sum", DType::fp32, n, 1);
      const Tile& l = l_[ti % 2];
      const std::uint64_t p_row0 = slot_row(ti, plan_.rows) + rows_.first;
      // Chunks of 256 keys; the last is 128 wide when s_kv is an odd multiple of 128.
      const auto width = [&](std::uint64_t col) {
        return static_cast<std::uint32_t>(std::min<std::uint64_t>(kSoftCols, p_.s_kv - col));
      };
      for (std::uint64_t col = 0; col < p_.s_kv; col += kSoftCols) {  // pass 1: m
        const Tile s_buf = s_all.sub(0, 0, n, width(col)), z_buf = z_all.sub(0, 0, n, width(col));
        load_scores(ti, col, width(col), s_buf, z_buf);
        c_.vrowmax(col == 0 ? m : part, s_buf);
        if (col != 0) c_.vmax(m, m, part);
      }
      for (std::uint64_t col = 0; col < p_.s_kv; col += kSoftCols) {  // pass 2: e, l, P
        const std::uint32_t w = width(col);
        const Tile s_buf = s_all.sub(0, 0, n, w), z_buf = z_all.sub(0, 0, n, w),
                   p_buf = p_all.sub(0, 0, n, w);
        load_scores(ti, col, w, s_buf, z_buf);
        c_.vrow_sub(s_buf, s_buf, m);
        c_.vexp(s_buf, s_buf);
        c_.vrowsum(col == 0 ? l : part, s_buf);
        if (col != 0) c_.vadd(l, l, part);
        if (!msd_) {
          c_.handoff(Pipe::MTE3, Pipe::V, kSerial);
          c_.vcast(p_buf, s_buf);
          c_.handoff(Pipe::V, Pipe::MTE3, kSerial);
          c_.copy_ub_to_gm(gm_.ws_p.tile(p_row0, col, n, w), p_buf);
          continue;
        }
        c_.vmuls(s_buf, s_buf, 127.0);  // P's pieces at alpha_P = 1 / 127 (max e = 1)
        for (std::uint32_t k = 0; k < 2; ++k) {
          c_.handoff(Pipe::MTE3, Pipe::V, kSerial);
          c_.vcast(p_buf, s_buf, numeric::Rounding::nearest_even, /*saturate=*/true);
          c_.handoff(Pipe::V, Pipe::MTE3, kSerial);
          c_.copy_ub_to_gm(gm_.ws_p.tile(p_row0 + k * plan_.n_pad, col, n, w), p_buf);
          if (k == 1) break;
          c_.vcast(z_buf, p_buf);
          c_.vsub(s_buf, s_buf, z_buf);
          c_.vmuls(s_buf, s_buf, 254.0);
        }
      }
    }
    c_.cross_core_set(isa::SyncMode::aic_aiv, kPReady, Pipe::MTE3);
  }

  // out = O / l (msd: O = (u1 + u2 / 254) / 127, u_k already x s_V by FixPipe).
  void finish(std::size_t ti) {
    c_.cross_core_wait(kODone);
    const std::uint32_t n = rows_.count;
    if (n == 0) return;
    const std::uint64_t t = work_.tasks[ti];
    LocalBuffer ub = phase();
    const Tile o = ub.alloc("attn O tile", DType::fp32, n, kAttnVTile);
    const Tile u2 = ub.alloc("attn O piece 2", DType::fp32, n, kAttnVTile);
    const Tile ob = ub.alloc("attn out tile", p_.out_dtype, n, kAttnVTile);
    const std::uint64_t row0 = slot_row(ti, plan_.rows) + rows_.first;
    for (std::uint32_t nt = 0; nt < plan_.v_tiles(); ++nt) {
      const std::uint64_t col = std::uint64_t(nt) * kAttnVTile;
      c_.handoff(Pipe::V, Pipe::MTE2, kSerial);
      c_.handoff(Pipe::MTE3, Pipe::MTE2, kSerial);
      c_.copy_gm_to_ub(o, gm_.ws_o.tile(row0, col, n, kAttnVTile));
      if (msd_) c_.copy_gm_to_ub(u2, gm_.ws_o.tile(row0 + plan_.n_pad, col, n, kAttnVTile));
      c_.handoff(Pipe::MTE2, Pipe::V, kSerial);
      if (msd_) {
        c_.vmuls(u2, u2, 1.0 / 254.0);
        c_.vadd(o, o, u2);
        c_.vmuls(o, o, 1.0 / 127.0);
      }
      c_.vrow_div(o, o, l_[ti % 2]);
      const Tile* result = &o;
      if (p_.out_dtype != DType::fp32) {
        c_.vcast(ob, o);
        result = &ob;
      }
      c_.handoff(Pipe::V, Pipe::MTE3, kSerial);
      c_.copy_ub_to_gm(gm_.out.tile(t * plan_.n_pad + rows_.first, col, n, kAttnVTile), *result);
    }
  }

  CoreBuilder& c_;
  const AttnPlan& plan_;
  const AttnParams& p_;
  const AttnDieTensors& gm_;
  const AttnCore& work_;
  std::uint32_t half_;
  AttnRows rows_;
  LocalBuffer ub_;  // after the persistent l / alpha_q columns
  bool msd_ = false;
  std::array<Tile, 2> l_, alpha_;
};

}  // namespace

AttnRows attn_rows(const AttnPlan& plan, std::uint32_t half) {
  const std::uint32_t n = plan.params.queries, first_half = (n + 1) / 2;
  return half == 0 ? AttnRows{0, first_half} : AttnRows{first_half, n - first_half};
}

void emit_attn_aiv(CoreBuilder& core, const AttnPlan& plan, const AttnDieTensors& gm,
                   const AttnCore& work, std::uint32_t half) {
  AttnAiv(core, plan, gm, work, half).emit();
}

}  // namespace ascendsim::kernels
