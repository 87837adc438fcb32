// The AIV side of the prefill attention pipeline (pasa_pipeline.hpp): this AIV's rows of each
// task, the online softmax in S's precision and the O accumulator in `o_accum`'s.
// Per-row statistics live in columns (rows x 1) for row-broadcast ops and are read as one row
// (1 x rows) by elementwise ops: one short repeat instead of one per row.
#include "kernels/pasa/pasa_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using namespace pasa_sync;

class PasaAiv {
 public:
  PasaAiv(CoreBuilder& c, const PasaPlan& plan, const PasaTensors& gm, std::uint32_t slot,
          std::uint32_t half)
      : c_(c), plan_(plan), p_(plan.params), gm_(gm), slot_(slot), half_(half) {
    const std::uint32_t rows = (p_.block_rows + 1) / 2, n = p_.block_cols, d = p_.head_dim;
    s_type_ = pasa_score_dtype(p_);
    st_type_ = p_.variant == PasaVariant::fa_mixed ? DType::fp32 : DType::fp16;
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
    for (Tile* t : {&m_, &mn_, &mb_, &al_, &l_, &lb_})
      *t = ub.alloc("pasa UB row statistic", st_type_, rows, 1);
    col_o_ = ub.alloc("pasa UB statistic in O's type", p_.o_accum, rows, 1);
  }

  void task(const PasaTask& t) {
    const std::uint32_t first = (t.rows + 1) / 2;
    const std::uint32_t r0 = half_ == 0 ? 0 : first, r = half_ == 0 ? first : t.rows - first;
    const std::uint32_t n = p_.block_cols, d = p_.head_dim;
    const std::uint64_t ws_row = std::uint64_t(slot_) * p_.block_rows + r0;
    const Tile s = s_.dense(s_type_, r, n), o = o_.dense(p_.o_accum, r, d);
    if (r > 0) {
      c_.handoff(Pipe::MTE3, Pipe::V, 0);  // the last task's output rows are in GM
      c_.vdup(row(m_, r), -INFINITY);
      c_.vdup(row(l_, r), 0.0);
      c_.vdup(o, 0.0);
    }
    for (std::uint64_t j = 0; j < t.kv_blocks; ++j) {
      c_.cross_core_wait(kSReady);
      if (r > 0) softmax_block(t, j, r0, r, ws_row, s);
      c_.cross_core_set(isa::SyncMode::aic_aiv, kPReady, Pipe::MTE3);
      c_.cross_core_wait(kOReady);
      if (r == 0) continue;
      c_.handoff(Pipe::V, Pipe::MTE2, 0);
      const Tile ob = ob_.dense(s_type_, r, d);
      c_.copy_gm_to_ub(ob, gm_.ws_o.tile(ws_row, 0, r, d));
      c_.handoff(Pipe::MTE2, Pipe::V, 0);
      Tile add = ob;
      if (s_type_ != p_.o_accum) c_.vcast(add = ob_o_.dense(p_.o_accum, r, d), ob);
      c_.vrow_mul(o, o, in_o_type(al_, r));
      c_.vadd(o, o, add);
    }
    if (r == 0) return;
    c_.vrow_div(o, o, in_o_type(l_, r));
    Tile result = o;
    if (p_.out_dtype != p_.o_accum) c_.vcast(result = out_.dense(p_.out_dtype, r, d), o);
    c_.handoff(Pipe::V, Pipe::MTE3, 0);
    c_.copy_ub_to_gm(gm_.out.tile(pasa_q_row(plan_, t) + r0, 0, r, d), result);
  }

 private:
  Tile col(const Tile& t, std::uint32_t r) const { return t.dense(t.dtype, r, 1); }
  Tile row(const Tile& t, std::uint32_t r) const { return t.dense(t.dtype, 1, r); }
  // Statistic `t` as an O-typed column (a cast into a scratch column when the types differ).
  Tile in_o_type(const Tile& t, std::uint32_t r) {
    if (t.dtype == p_.o_accum) return col(t, r);
    c_.vcast(row(col_o_, r), row(t, r));
    return col(col_o_, r);
  }

  void softmax_block(const PasaTask& t, std::uint64_t j, std::uint32_t r0, std::uint32_t r,
                     std::uint64_t ws_row, const Tile& s) {
    const std::uint32_t n = p_.block_cols;
    c_.handoff(Pipe::V, Pipe::MTE2, 0);     // S and the mask of the last block are consumed
    c_.handoff(Pipe::MTE3, Pipe::MTE2, 0);  // and its P is in GM
    c_.copy_gm_to_ub(s, gm_.ws_s.tile(ws_row, 0, r, n));
    const std::int64_t mi = plan_.mask_index[t.q_block * plan_.kv_blocks + j];
    const Tile mask = mask_.dense(s_type_, r, n);
    if (mi >= 0)
      c_.copy_gm_to_ub(mask, gm_.mask.tile(std::uint64_t(mi) * p_.block_rows + r0, 0, r, n));
    c_.handoff(Pipe::MTE2, Pipe::V, 0);
    c_.vmuls(s, s, p_.scale);
    if (mi >= 0) c_.vadd(s, s, mask);
    c_.vrowmax(col(mb_, r), s);
    c_.vmax(row(mn_, r), row(m_, r), row(mb_, r));
    c_.vsub(row(al_, r), row(m_, r), row(mn_, r));  // the first block: exp(-inf) = 0
    c_.vexp(row(al_, r), row(al_, r));
    c_.vrow_sub(s, s, col(mn_, r));
    c_.vexp(s, s);
    c_.vrowsum(col(lb_, r), s);
    c_.vmul(row(l_, r), row(l_, r), row(al_, r));
    c_.vadd(row(l_, r), row(l_, r), row(lb_, r));
    c_.vadds(row(m_, r), row(mn_, r), 0.0);
    Tile p = s;
    if (s_type_ != DType::fp16) c_.vcast(p = p16_.dense(DType::fp16, r, n), s);
    c_.handoff(Pipe::V, Pipe::MTE3, 0);
    c_.copy_ub_to_gm(gm_.ws_p.tile(ws_row, 0, r, n), p);
  }

  CoreBuilder& c_;
  const PasaPlan& plan_;
  const PasaParams& p_;
  const PasaTensors& gm_;
  std::uint32_t slot_, half_;
  DType s_type_ = DType::fp32, st_type_ = DType::fp32;
  Tile s_, mask_, p16_, o_, ob_, ob_o_, out_, m_, mn_, mb_, al_, l_, lb_, col_o_;
};

}  // namespace

void emit_pasa_aiv(CoreBuilder& core, const PasaPlan& plan, const PasaTensors& gm,
                   const CoreShare& work, std::uint32_t slot, std::uint32_t half) {
  PasaAiv aiv(core, plan, gm, slot, half);
  for (std::uint64_t item : work.items)
    aiv.task(plan.tasks[plan.split.die_first[work.aic.die] + item]);
}

}  // namespace ascendsim::kernels
