// The AIC side of the prefill attention pipeline (pasa_pipeline.hpp): per task Q into L1 once;
// per visible KV block K_j, S = Q K_j^T, FixPipe to ws_s; after the AIVs' P, P V_j to ws_o, in
// the Preload order (S_{j+1} before P_j V_j) or serially. Every buffer is reused only after its
// last reader's pipe has handed it back.
#include "kernels/pasa/pasa_pipeline.hpp"

namespace ascendsim::kernels {

DType pasa_score_dtype(const PasaParams& p) {
  return p.variant == PasaVariant::fa_mixed ? DType::fp32 : DType::fp16;
}

std::uint64_t pasa_q_row(const PasaPlan& plan, const PasaTask& t) {
  const std::uint64_t head = std::uint64_t(t.batch) * plan.params.q_heads + t.head;
  return head * plan.q_rows_pad() + t.q_block * plan.params.block_rows;
}

std::uint64_t pasa_kv_row(const PasaPlan& plan, const PasaTask& t) {
  const std::uint64_t head = std::uint64_t(t.batch) * plan.params.kv_heads + plan.kv_head(t.head);
  return head * plan.kv_rows_pad();
}

namespace {

using namespace pasa_sync;

class PasaAic {
 public:
  PasaAic(CoreBuilder& c, const PasaPlan& plan, const PasaTensors& gm, std::uint32_t slot)
      : c_(c), plan_(plan), p_(plan.params), gm_(gm), slot_(slot) {
    pasa_ = p_.variant == PasaVariant::pasa;
    // pasa's shift units put n-row tiles (M_s, K~) where the tasks put B_r rows.
    const std::uint32_t br = std::max(p_.block_rows,
                                      p_.variant == PasaVariant::pasa ? p_.block_cols : 0u),
                        n = p_.block_cols, d = p_.head_dim;
    LocalBuffer l1 = c.buffer(Buffer::L1), l0a = c.buffer(Buffer::L0A), l0b = c.buffer(Buffer::L0B),
                l0c = c.buffer(Buffer::L0C);
    q_ = l1.alloc("pasa L1 Q", DType::fp16, br, d);
    k_ = l1.alloc("pasa L1 K block", DType::fp16, n, d);
    p_l1_ = l1.alloc("pasa L1 P", DType::fp16, br, n);
    v_ = l1.alloc("pasa L1 V block", DType::fp16, n, d);
    a_ = l0a.alloc("pasa L0A (Q or P)", DType::fp16, br, std::max(n, d));
    b_ = l0b.alloc("pasa L0B (K^T or V)", DType::fp16, std::max(n, d), std::max(n, d));
    cs_ = l0c.alloc("pasa L0C S", DType::fp32, br, n);
    co_ = l0c.alloc("pasa L0C PV", DType::fp32, br, d);
  }

  // pasa: K~ for this AIC's shift units (batch, KV head, KV block), then the all-AIC barrier.
  void shift(const CoreShare& units, std::uint64_t first) {
    const std::uint32_t n = p_.block_cols, d = p_.head_dim;
    c_.copy_gm_to_l1(p_l1_.dense(DType::fp16, n, n), gm_.ms.all());
    for (std::uint64_t u : units.items) {
      const std::uint64_t row = (first + u) * n;  // units run head-major: kv_rows_pad per head
      c_.region(plan_.shift_region(first + u));
      c_.handoff(Pipe::MTE1, Pipe::MTE2, 0);
      c_.copy_gm_to_l1(k_, gm_.k.tile(row, 0, n, d));
      c_.handoff(Pipe::MTE2, Pipe::MTE1, 0);
      c_.handoff(Pipe::M, Pipe::MTE1, 0);
      c_.load_l0a(a_.dense(DType::fp16, n, n), p_l1_.dense(DType::fp16, n, n));  // M_s = M_s^T
      c_.load_l0b(b_.dense(DType::fp16, n, d), k_);
      c_.handoff(Pipe::MTE1, Pipe::M, 0);
      c_.handoff(Pipe::FIX, Pipe::M, 0);
      c_.mmad(co_.dense(DType::fp32, n, d), a_.dense(DType::fp16, n, n),
              b_.dense(DType::fp16, n, d), false);
      c_.handoff(Pipe::M, Pipe::FIX, 0);
      c_.fixpipe(gm_.kt.tile(row, 0, n, d), co_.dense(DType::fp32, n, d));
    }
    c_.cross_core_set(isa::SyncMode::all_cores, kShiftAll, Pipe::FIX);
    c_.cross_core_wait(kShiftAll);
  }

  void task(std::uint64_t index) {
    const PasaTask& t = plan_.tasks[index];
    rows_ = (t.rows + 15) / 16 * 16;
    q_row_ = pasa_q_row(plan_, t), kv_row_ = pasa_kv_row(plan_, t), index_ = index;
    c_.region(plan_.task_region(index, 0));
    c_.handoff(Pipe::MTE1, Pipe::MTE2, 0);  // L1 Q, K, P, V read by the last block
    c_.copy_gm_to_l1(q_.sub(0, 0, rows_, p_.head_dim), gm_.q.tile(q_row_, 0, rows_, p_.head_dim));
    if (!p_.preload) {
      for (std::uint64_t j = 0; j < t.kv_blocks; ++j) score(j), pv(j);
      return;
    }
    // AMLA's Preload order: S of block j+1 runs on the Cube while the AIVs' softmax of block j
    // does, so the Cube waits for P only when the Vector is the slower side.
    score(0);
    for (std::uint64_t j = 1; j < t.kv_blocks; ++j) score(j), pv(j - 1);
    pv(t.kv_blocks - 1);
  }

 private:
  // Block j's tiles of the ping-pong workspaces (this AIC's two B_r-row slots).
  Tile ws(const GmTensor& g, std::uint64_t j, std::uint32_t cols) const {
    return g.tile((std::uint64_t(slot_) * 2 + j % 2) * p_.block_rows, 0, rows_, cols);
  }

  // S_j = Q K_j^T (pasa: Q K~_j^T) -> FixPipe -> ws_s; kSReady.
  void score(std::uint64_t j) {
    const std::uint32_t rows = rows_, n = p_.block_cols, d = p_.head_dim;
    c_.region(plan_.task_region(index_, j));
    c_.handoff(Pipe::MTE1, Pipe::MTE2, 0);  // L1 K read by the last block
    c_.copy_gm_to_l1(k_, (pasa_ ? gm_.kt : gm_.k).tile(kv_row_ + j * n, 0, n, d));
    c_.handoff(Pipe::MTE2, Pipe::MTE1, 0);
    c_.handoff(Pipe::M, Pipe::MTE1, 0);  // L0A / L0B read by the last mmad
    c_.load_l0a(a_.dense(DType::fp16, rows, d), q_.sub(0, 0, rows, d));
    c_.load_l0b(b_.dense(DType::fp16, d, n), k_, /*transpose=*/true);
    c_.handoff(Pipe::MTE1, Pipe::M, 0);
    c_.handoff(Pipe::FIX, Pipe::M, 0);  // L0C read by the last FixPipe
    c_.mmad(cs_.dense(DType::fp32, rows, n), a_.dense(DType::fp16, rows, d),
            b_.dense(DType::fp16, d, n), false);
    c_.handoff(Pipe::M, Pipe::FIX, 0);
    // fa_*: unscaled, the AIVs scale (fa_fp16 overflows here); pasa: M_s held the scale.
    c_.fixpipe(ws(gm_.ws_s, j, n), cs_.dense(DType::fp32, rows, n));
    c_.cross_core_set(isa::SyncMode::aic_aiv, kSReady, Pipe::FIX);
  }

  // After the AIVs' P_j: P_j V_j -> FixPipe -> ws_o; kOReady.
  void pv(std::uint64_t j) {
    const std::uint32_t rows = rows_, n = p_.block_cols, d = p_.head_dim;
    c_.region(plan_.task_region(index_, j));
    c_.cross_core_wait(kPReady);
    c_.handoff(Pipe::MTE1, Pipe::MTE2, 0);  // L1 P, V read by the last P V
    c_.copy_gm_to_l1(p_l1_.sub(0, 0, rows, n), ws(gm_.ws_p, j, n));
    c_.copy_gm_to_l1(v_, gm_.v.tile(kv_row_ + j * n, 0, n, d));
    c_.handoff(Pipe::MTE2, Pipe::MTE1, 0);
    c_.handoff(Pipe::M, Pipe::MTE1, 0);
    c_.load_l0a(a_.dense(DType::fp16, rows, n), p_l1_.sub(0, 0, rows, n));
    c_.load_l0b(b_.dense(DType::fp16, n, d), v_);
    c_.handoff(Pipe::MTE1, Pipe::M, 0);
    // L0C's PV tile: the last P V's FixPipe is done (score() since then waited for FixPipe).
    c_.mmad(co_.dense(DType::fp32, rows, d), a_.dense(DType::fp16, rows, n),
            b_.dense(DType::fp16, n, d), false);
    c_.handoff(Pipe::M, Pipe::FIX, 0);
    c_.fixpipe(ws(gm_.ws_o, j, d), co_.dense(DType::fp32, rows, d));
    c_.cross_core_set(isa::SyncMode::aic_aiv, kOReady, Pipe::FIX);
  }

  CoreBuilder& c_;
  const PasaPlan& plan_;
  const PasaParams& p_;
  const PasaTensors& gm_;
  std::uint32_t slot_;
  bool pasa_ = false;
  Tile q_, k_, p_l1_, v_, a_, b_, cs_, co_;
  std::uint32_t rows_ = 0;  // the current task's rows, rounded up to whole fractals
  std::uint64_t q_row_ = 0, kv_row_ = 0, index_ = 0;
};

}  // namespace

void emit_pasa_aic(CoreBuilder& core, const PasaPlan& plan, const PasaTensors& gm,
                   const CoreShare& work, std::uint32_t slot) {
  PasaAic aic(core, plan, gm, slot);
  if (plan.shift_units() > 0)
    aic.shift(plan.shift_split.cores[slot], plan.shift_split.die_first[work.aic.die]);
  for (std::uint64_t item : work.items) aic.task(plan.split.die_first[work.aic.die] + item);
}

}  // namespace ascendsim::kernels
