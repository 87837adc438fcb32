// The AIV side of the prefill attention pipeline (pasa_pipeline.hpp): this AIV's rows of each
// task, the online softmax in S's precision and the O accumulator in `o_accum`'s.
// Per-row statistics live in columns (rows x 1) for row-broadcast ops and are read as one row
// (1 x rows) by elementwise ops: one short repeat instead of one per row.
#include "kernels/pasa/pasa_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using namespace pasa_sync;
using isa::Opcode;

class PasaAiv {
 public:
  PasaAiv(CoreBuilder& c, const PasaPlan& plan, const PasaTensors& gm, std::uint32_t slot,
          std::uint32_t half)
      : c_(c), plan_(plan), p_(plan.params), gm_(gm), slot_(slot), half_(half) {
    const std::uint32_t rows = (p_.block_rows + 1) / 2, n = p_.block_cols, d = p_.head_dim;
    s_type_ = pasa_score_dtype(p_);
    pasa_ = p_.variant == PasaVariant::pasa;
    st_type_ = p_.stats;
    LocalBuffer ub = c.buffer(Buffer::UB);
    // Only what the variant needs: the fp16 P of fa_mixed, a cast PV where O is wider, an
    // output buffer where out's type differs from O's, the mask where a block needs one.
    s_ = ub.alloc("pasa UB S rows", s_type_, rows, n);
    if (plan.mask_tiles > 0) mask_ = ub.alloc("pasa UB mask rows", s_type_, rows, n);
    if (s_type_ != DType::fp16) p16_ = ub.alloc("pasa UB P rows (fp16)", DType::fp16, rows, n);
    o_ = ub.alloc("pasa UB O", p_.o_accum, rows, d);
    ob_ = ub.alloc("pasa UB PV block", s_type_, rows, d);
    if (s_type_ != p_.o_accum)
      ob_o_ = ub.alloc("pasa UB PV block in O's type", p_.o_accum, rows, d);
    if (p_.out_dtype != p_.o_accum) out_ = ub.alloc("pasa UB out", p_.out_dtype, rows, d);
    for (Tile* t : {&m_, &mn_, &mb_, &al2_[0], &al2_[1], &l_, &lb_})
      *t = ub.alloc("pasa UB row statistic", st_type_, rows, 1);
    if (pasa_)
      for (Tile* t : {&a_, &abar_, &abar_old_, &dl_, &dp_, &cn2_[0], &cn2_[1]})
        *t = ub.alloc("pasa UB recovering statistic", st_type_, rows, 1);
    if (st_type_ != s_type_) red_ = ub.alloc("pasa UB row reduction", s_type_, rows, 1);
    // pasa's row sums: of S~ / n in fp16 (fp16 stats), or of S~ cast to fp32 (fp32 stats: the
    // row mean's rounding, amplified by gamma, is the error PASA.md §8 names).
    if (pasa_) mean_ = ub.alloc("pasa UB row-sum operand", st_type_, rows, n);
    col_o_ = ub.alloc("pasa UB statistic in O's type", p_.o_accum, rows, 1);
  }

  void task(std::uint64_t index) {
    const PasaTask& t = plan_.tasks[index];
    c_.region(plan_.task_region(index, 0));
    const std::uint32_t first = (t.rows + 1) / 2;
    r0_ = half_ == 0 ? 0 : first, r_ = half_ == 0 ? first : t.rows - first;
    index_ = index;
    const std::uint32_t r = r_, d = p_.head_dim;
    const Tile o = o_.dense(p_.o_accum, r, d);
    if (r > 0) {
      c_.handoff(Pipe::MTE3, Pipe::V, 0);  // the last task's output rows are in GM
      c_.vdup(row(m_, r), -INFINITY);
      c_.vdup(row(l_, r), 0.0);
      c_.vdup(o, 0.0);
    }
    if (!p_.preload) {
      for (std::uint64_t j = 0; j < t.kv_blocks; ++j) v1(t, j), v2(j);
    } else {  // the Cube's order (pasa_cube.cpp): softmax of j+1 before the O update of j
      v1(t, 0);
      for (std::uint64_t j = 1; j < t.kv_blocks; ++j) v1(t, j), v2(j - 1);
      v2(t.kv_blocks - 1);
    }
    if (r == 0) return;
    c_.region(plan_.task_region(index, t.kv_blocks));
    c_.vrow_div(o, o, in_o_type(l_, r));
    Tile result = o;
    if (p_.out_dtype != p_.o_accum) c_.vcast(result = out_.dense(p_.out_dtype, r, d), o);
    c_.handoff(Pipe::V, Pipe::MTE3, 0);
    c_.copy_ub_to_gm(gm_.out.tile(pasa_q_row(plan_, t) + r0_, 0, r, d), result);
  }

 private:
  // Block j's rows of this AIV in a ping-pong workspace (pasa_cube.cpp's slots).
  std::uint64_t ws_row(std::uint64_t j) const {
    return (std::uint64_t(slot_) * 2 + j % 2) * p_.block_rows + r0_;
  }

  // V1: block j's softmax (and PASA's recovering statistics) into P_j; kPReady.
  void v1(const PasaTask& t, std::uint64_t j) {
    c_.region(plan_.task_region(index_, j));
    // c_old and c_new of block j live until its O update, after the next block's softmax.
    al_ = al2_[j % 2], cn_ = cn2_[j % 2];
    c_.cross_core_wait(kSReady);
    if (r_ > 0) softmax_block(t, j, s_.dense(s_type_, r_, p_.block_cols));
    c_.cross_core_set(isa::SyncMode::aic_aiv, kPReady, Pipe::MTE3);
  }

  // V2: O = c_old O + c_new P_j V_j (fa: alpha O + P_j V_j) in o_accum's type.
  void v2(std::uint64_t j) {
    const std::uint32_t r = r_, d = p_.head_dim;
    c_.region(plan_.task_region(index_, j));
    c_.cross_core_wait(kOReady);
    if (r == 0) return;
    c_.handoff(Pipe::V, Pipe::MTE2, 0);
    const Tile ob = ob_.dense(s_type_, r, d), o = o_.dense(p_.o_accum, r, d);
    c_.copy_gm_to_ub(ob, gm_.ws_o.tile(ws_row(j), 0, r, d));
    c_.handoff(Pipe::MTE2, Pipe::V, 0);
    Tile add = ob;
    if (s_type_ != p_.o_accum) c_.vcast(add = ob_o_.dense(p_.o_accum, r, d), ob);
    c_.vrow_mul(o, o, in_o_type(al2_[j % 2], r));
    if (pasa_) c_.vrow_mul(add, add, in_o_type(cn2_[j % 2], r));  // P~ was relative to mt
    c_.vadd(o, o, add);
  }

  Tile col(const Tile& t, std::uint32_t r) const { return t.dense(t.dtype, r, 1); }
  Tile row(const Tile& t, std::uint32_t r) const { return t.dense(t.dtype, 1, r); }
  // A row reduction of s (max or sum) into the statistic column `dst` (through s's type).
  void reduce(Opcode op, const Tile& dst, const Tile& s, std::uint32_t r) {
    if (dst.dtype == s.dtype) return emit_reduce(op, col(dst, r), s);
    emit_reduce(op, col(red_, r), s);
    c_.vcast(row(dst, r), row(red_, r));
  }
  void emit_reduce(Opcode op, const Tile& dst, const Tile& s) {
    if (op == Opcode::vrowmax)
      c_.vrowmax(dst, s);
    else
      c_.vrowsum(dst, s);
  }

  // Statistic `t` as an O-typed column (a cast into a scratch column when the types differ).
  Tile in_o_type(const Tile& t, std::uint32_t r) {
    if (t.dtype == p_.o_accum) return col(t, r);
    c_.vcast(row(col_o_, r), row(t, r));
    return col(col_o_, r);
  }

  // This AIV's r_ rows of block j from r0_.
  void softmax_block(const PasaTask& t, std::uint64_t j, const Tile& s) {
    const std::uint32_t n = p_.block_cols, r0 = r0_, r = r_;
    c_.handoff(Pipe::V, Pipe::MTE2, 0);     // S and the mask of the last block are consumed
    c_.handoff(Pipe::MTE3, Pipe::MTE2, 0);  // and its P is in GM
    c_.copy_gm_to_ub(s, gm_.ws_s.tile(ws_row(j), 0, r, n));
    const std::int64_t mi = plan_.mask_index[t.q_block * plan_.kv_blocks + j];
    const Tile mask = mask_.dense(s_type_, r, n);
    if (mi >= 0)
      c_.copy_gm_to_ub(mask, gm_.mask.tile(std::uint64_t(mi) * p_.block_rows + r0, 0, r, n));
    c_.handoff(Pipe::MTE2, Pipe::V, 0);
    if (pasa_) {
      recover(j, s, mi >= 0 ? &mask : nullptr, r);
    } else {
      c_.vmuls(s, s, p_.scale);
      if (mi >= 0) c_.vadd(s, s, mask);
      reduce(Opcode::vrowmax, mb_, s, r);
      c_.vmax(row(mn_, r), row(m_, r), row(mb_, r));
      c_.vsub(row(al_, r), row(m_, r), row(mn_, r));  // the first block: exp(-inf) = 0
      c_.vexp(row(al_, r), row(al_, r));
      c_.vrow_sub(s, s, col(mn_, r));
      c_.vexp(s, s);
      reduce(Opcode::vrowsum, lb_, s, r);
      c_.vmul(row(l_, r), row(l_, r), row(al_, r));
      c_.vadd(row(l_, r), row(l_, r), row(lb_, r));
      c_.vadds(row(m_, r), row(mn_, r), 0.0);
    }
    Tile p = s;
    if (s_type_ != DType::fp16) c_.vcast(p = p16_.dense(DType::fp16, r, n), s);
    c_.handoff(Pipe::V, Pipe::MTE3, 0);
    c_.copy_ub_to_gm(gm_.ws_p.tile(ws_row(j), 0, r, n), p);
  }

  // scale x the row sum of s into the statistic `dst`: fp16 statistics sum s x scale in fp16
  // (a plain fp16 sum of 128 shifted scores near 636 would overflow); fp32 ones sum s cast to
  // fp32, then scale.
  void row_sum(const Tile& dst, const Tile& s, std::uint32_t r, double scale) {
    const Tile operand = mean_.dense(st_type_, r, p_.block_cols);
    if (st_type_ == s.dtype) {
      if (scale != 1.0) c_.vmuls(operand, s, scale);
      c_.vrowsum(col(dst, r), scale != 1.0 ? operand : s);
      return;
    }
    c_.vcast(operand, s);
    c_.vrowsum(col(dst, r), operand);
    if (scale != 1.0) c_.vmuls(row(dst, r), row(dst, r), scale);
  }

  // PASA.md §3.3 on block j's shifted scores s (fp16, already scaled by M_s): al_ = c_old,
  // cn_ = c_new, s becomes P~ = exp(S~ - mt).
  void recover(std::uint64_t j, const Tile& s, const Tile* mask, std::uint32_t r) {
    const double g = p_.beta / (1 - p_.beta);
    row_sum(a_, s, r, 1.0 / p_.block_cols);  // a: before the mask (M_s shifted all n keys)
    if (mask) c_.vadd(s, s, *mask);
    reduce(Opcode::vrowmax, mb_, s, r);  // mt
    // A row the causal mask hides from this whole block has mt = -inf; PASA's script uses
    // -60000 for -inf, which keeps P~ = exp(-inf + 60000) = 0 and c_new = 0 instead of NaN. Its
    // a still enters abar: the recurrence is exact for any sequence of reference means.
    c_.vmaxs(row(mb_, r), row(mb_, r), -60000.0);
    if (j == 0) {
      c_.vadds(row(abar_, r), row(a_, r), 0.0);
      c_.vadds(row(abar_old_, r), row(a_, r), 0.0);
    } else {
      c_.vadds(row(abar_old_, r), row(abar_, r), 0.0);
      c_.vmuls(row(abar_, r), row(abar_, r), double(j) / double(j + 1));
      c_.vmuls(row(dl_, r), row(a_, r), 1.0 / double(j + 1));
      c_.vadd(row(abar_, r), row(abar_, r), row(dl_, r));
    }
    c_.vsub(row(dl_, r), row(a_, r), row(abar_, r));  // delta = g (a - abar)
    c_.vmuls(row(dl_, r), row(dl_, r), g);
    c_.vsub(row(dp_, r), row(abar_old_, r), row(abar_, r));  // delta' = g (abar_old - abar)
    c_.vmuls(row(dp_, r), row(dp_, r), g);
    c_.vadd(row(dl_, r), row(mb_, r), row(dl_, r));  // mt + delta
    c_.vadd(row(dp_, r), row(m_, r), row(dp_, r));   // m + delta' (-inf at the first block)
    c_.vmax(row(mn_, r), row(dl_, r), row(dp_, r));
    c_.vsub(row(al_, r), row(dp_, r), row(mn_, r));  // c_old
    c_.vexp(row(al_, r), row(al_, r));
    c_.vsub(row(cn_, r), row(dl_, r), row(mn_, r));  // c_new
    c_.vexp(row(cn_, r), row(cn_, r));
    Tile mt = col(mb_, r);
    if (mb_.dtype != s.dtype) c_.vcast(row(red_, r), row(mb_, r)), mt = col(red_, r);
    c_.vrow_sub(s, s, mt);
    c_.vexp(s, s);
    row_sum(lb_, s, r, 1.0);
    c_.vmul(row(l_, r), row(l_, r), row(al_, r));
    c_.vmul(row(lb_, r), row(lb_, r), row(cn_, r));
    c_.vadd(row(l_, r), row(l_, r), row(lb_, r));
    c_.vadds(row(m_, r), row(mn_, r), 0.0);
  }

  CoreBuilder& c_;
  const PasaPlan& plan_;
  const PasaParams& p_;
  const PasaTensors& gm_;
  std::uint32_t slot_, half_;
  DType s_type_ = DType::fp32, st_type_ = DType::fp32;
  bool pasa_ = false;
  Tile s_, mask_, p16_, o_, ob_, ob_o_, out_, m_, mn_, mb_, al_, l_, lb_, col_o_;
  Tile al2_[2], cn2_[2];  // c_old (fa: alpha) and c_new by block parity; al_, cn_: this block's
  std::uint32_t r0_ = 0, r_ = 0;  // this AIV's first row and row count in the current task
  std::uint64_t index_ = 0;       // the current task
  Tile a_, abar_, abar_old_, dl_, dp_, cn_, red_,
      mean_;  // pasa's recovering state; a reduction scratch
};

}  // namespace

void emit_pasa_aiv(CoreBuilder& core, const PasaPlan& plan, const PasaTensors& gm,
                   const CoreShare& work, std::uint32_t slot, std::uint32_t half) {
  PasaAiv aiv(core, plan, gm, slot, half);
  for (std::uint64_t item : work.items) aiv.task(plan.split.die_first[work.aic.die] + item);
}

}  // namespace ascendsim::kernels
