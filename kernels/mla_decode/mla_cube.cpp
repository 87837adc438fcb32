// The AIC side of the MLA-decode pipeline: C1 (S = Q K^T) and C2 (O += P V) with the
// hierarchical tiling of AMLA.md §7, in the variant's order (see mla_pipeline.hpp).
//
// Intra-core flags, one id per buffer slot of each hand-off (event ids 0-7 per pipe pair):
//   MTE2 -> MTE1 id s (0-3 Q/P slots, 4-6 K/V slots): the slot holds its tile; MTE1 -> MTE2:
//   the slot is free. MTE1 -> M id b: L0A/L0B pair b holds a step; M -> MTE1: it is free.
//   M -> FIX id c: L0C c holds a finished 128 x 128 tile; FIX -> M: L0C c is free.
// Every "free" flag is set once at the start and waited once at the end, so each set has one
// wait. Loads are emitted ahead of the mmads that use them (the in-order scalar hands MTE2 its
// next tiles while MTE1 and M still work), which is what the Ascend C queues do.
#include <algorithm>

#include "kernels/mla_decode/mla_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

constexpr std::uint8_t kKvEvent0 = 4;  // K/V slots use MTE2<->MTE1 ids 4, 5, 6

class AicEmitter {
 public:
  AicEmitter(CoreBuilder& c, const MlaPlan& plan, const MlaDieTensors& gm)
      : c_(c), plan_(plan), gm_(gm), buf_(allocate_aic(c, plan)), dt_(plan.params.dtype) {}

  void run(const std::vector<MlaTaskRef>& tasks) {
    if (tasks.empty()) return;
    for (std::uint8_t s = 0; s < 4; ++s) c_.set_flag(Pipe::MTE1, Pipe::MTE2, s);
    for (std::uint8_t s = 0; s < 3; ++s) c_.set_flag(Pipe::MTE1, Pipe::MTE2, kKvEvent0 + s);
    for (std::uint8_t b = 0; b < 2; ++b) c_.set_flag(Pipe::M, Pipe::MTE1, b);
    for (std::uint8_t b = 0; b < 2; ++b) c_.set_flag(Pipe::FIX, Pipe::M, b);
    if (mla_preload(plan_.params.variant)) {
      for (std::size_t k = 0; k <= tasks.size(); ++k) {
        if (k < tasks.size()) c1(tasks[k]);
        if (k > 0) c2(tasks[k - 1], k < tasks.size() ? &tasks[k] : nullptr);
      }
    } else {
      for (std::size_t k = 0; k < tasks.size(); ++k) {
        c1(tasks[k]);
        c2(tasks[k], k + 1 < tasks.size() ? &tasks[k + 1] : nullptr);
      }
    }
    for (std::uint8_t s = 0; s < 4; ++s) c_.wait_flag(Pipe::MTE1, Pipe::MTE2, s);
    for (std::uint8_t s = 0; s < 3; ++s) c_.wait_flag(Pipe::MTE1, Pipe::MTE2, kKvEvent0 + s);
    for (std::uint8_t b = 0; b < 2; ++b) c_.wait_flag(Pipe::M, Pipe::MTE1, b);
    for (std::uint8_t b = 0; b < 2; ++b) c_.wait_flag(Pipe::FIX, Pipe::M, b);
  }

 private:
  // GM rows of `count` tokens starting at block-relative token `tok0` (within one page).
  Tile kv_tile(const MlaTaskRef& t, std::uint32_t tok0, std::uint32_t count, std::uint32_t col0,
               std::uint32_t cols) const {
    const std::uint64_t token = std::uint64_t(t.task->block) * plan_.params.kv_block + tok0;
    return gm_.kv.tile(plan_.kv_row(t.request, token), col0, count, cols);
  }

  std::uint8_t next_kv_slot() { return static_cast<std::uint8_t>(kv_cursor_++ % 3); }

  // MTE2 fills one L1 slot (one or more copies) once MTE1 has released it, then hands it over.
  void load_slot(std::uint8_t event, const std::vector<std::pair<Tile, Tile>>& parts) {
    c_.wait_flag(Pipe::MTE1, Pipe::MTE2, event);
    for (const auto& [d, s] : parts) c_.copy_gm_to_l1(d, s);
    c_.set_flag(Pipe::MTE2, Pipe::MTE1, event);
  }

  // One L0 step: both operands into L0 pair b, then the mmad into `acc`.
  void step(const Tile& a_src, const Tile& b_src, bool transpose_b, const Tile& acc,
            bool accumulate) {
    const std::uint8_t b = static_cast<std::uint8_t>(l0_cursor_++ % 2);
    const Tile a = buf_.l0a[b].dense(dt_, a_src.rows, a_src.cols);
    const Tile bt = transpose_b ? buf_.l0b[b].dense(dt_, b_src.cols, b_src.rows)
                                : buf_.l0b[b].dense(dt_, b_src.rows, b_src.cols);
    c_.wait_flag(Pipe::M, Pipe::MTE1, b);
    c_.load_l0a(a, a_src);
    c_.load_l0b(bt, b_src, transpose_b);
    c_.handoff(Pipe::MTE1, Pipe::M, b);
    c_.mmad(acc, a, bt, accumulate);
    c_.set_flag(Pipe::M, Pipe::MTE1, b);
  }

  Tile acquire_l0c(std::uint32_t rows, std::uint32_t cols) {
    cur_l0c_ = static_cast<std::uint8_t>(l0c_cursor_++ % 2);
    c_.wait_flag(Pipe::FIX, Pipe::M, cur_l0c_);
    return buf_.l0c[cur_l0c_].dense(DType::fp32, rows, cols);
  }
  void drain_l0c(const Tile& dst, const Tile& acc) {
    c_.handoff(Pipe::M, Pipe::FIX, cur_l0c_);
    c_.fixpipe(dst, acc);
    c_.set_flag(Pipe::FIX, Pipe::M, cur_l0c_);
  }

  // C1: S(task) = Q K^T into the task's ws_s slot. The Q tiles are loaded interleaved with
  // the first step's K tiles, in the order the mmads need them.
  void c1(const MlaTaskRef& t) {
    const std::uint32_t half = plan_.half, tokens = t.task->tokens_pad;
    std::array<Tile, 4> q;
    auto load_q = [&](std::uint8_t slot) {
      const std::uint32_t h = slot / 2, s = slot % 2;
      q[slot] = buf_.qp[slot].dense(dt_, half, kC1L1K);
      load_slot(slot, {{q[slot], gm_.q.tile(t.group->row0 + h * half, s * kC1L1K, half, kC1L1K)}});
    };
    const std::uint32_t n_steps = (tokens + kC1N - 1) / kC1N;
    for (std::uint32_t n = 0; n < n_steps; ++n) {
      const std::uint32_t cols = std::min(kC1N, tokens - n * kC1N);
      std::array<Tile, 2> k;
      std::array<std::uint8_t, 2> ev;
      for (std::uint32_t s = 0; s < 2; ++s) {
        if (n == 0) load_q(static_cast<std::uint8_t>(s));
        const std::uint8_t slot = next_kv_slot();
        ev[s] = kKvEvent0 + slot;
        k[s] = buf_.kv[slot].dense(dt_, cols, kC1L1K);
        load_slot(ev[s], {{k[s], kv_tile(t, n * kC1N, cols, s * kC1L1K, kC1L1K)}});
      }
      if (n == 0) load_q(2), load_q(3);
      const bool last_n = n + 1 == n_steps;
      for (std::uint32_t h = 0; h < 2; ++h) {
        const Tile acc = acquire_l0c(half, cols);
        for (std::uint32_t s = 0; s < 2; ++s) {
          const std::uint8_t qs = static_cast<std::uint8_t>(h * 2 + s);
          if (n == 0) c_.wait_flag(Pipe::MTE2, Pipe::MTE1, qs);
          if (h == 0) c_.wait_flag(Pipe::MTE2, Pipe::MTE1, ev[s]);
          for (std::uint32_t l = 0; l < kC1L1K / kC1L0K; ++l)
            step(q[qs].sub(0, l * kC1L0K, half, kC1L0K), k[s].sub(0, l * kC1L0K, cols, kC1L0K),
                 /*transpose_b=*/true, acc, s > 0 || l > 0);
          if (last_n) c_.set_flag(Pipe::MTE1, Pipe::MTE2, qs);
          if (h == 1) c_.set_flag(Pipe::MTE1, Pipe::MTE2, ev[s]);
        }
        drain_l0c(gm_.ws_s.tile(t.ws_row0 + h * half, n * kC1N, half, cols), acc);
      }
    }
    c_.cross_core_set(isa::SyncMode::aic_aiv, mla_sync::c1v1, Pipe::FIX);
  }

  // C2: O(group) += P(task) V(task); `next` is the task that follows in the core's list. The
  // P tiles are loaded interleaved with the first step's V tiles, in the order of use; O may
  // only be added to once R(task) landed, so that wait comes before the first FixPipe.
  void c2(const MlaTaskRef& t, const MlaTaskRef* next) {
    const std::uint32_t half = plan_.half, tokens = t.task->tokens_pad;
    const std::uint32_t kt_steps = (tokens + kC2L1K - 1) / kC2L1K;
    c_.cross_core_wait(mla_sync::v1c2);  // P(t) is in GM
    std::array<Tile, 4> p;
    auto load_p = [&](std::uint32_t h, std::uint32_t kt) {
      const std::uint8_t slot = static_cast<std::uint8_t>(h * 2 + kt);
      const std::uint32_t len = std::min(kC2L1K, tokens - kt * kC2L1K);
      p[slot] = buf_.qp[slot].dense(dt_, half, len);
      load_slot(slot, {{p[slot], gm_.ws_p.tile(t.ws_row0 + h * half, kt * kC2L1K, half, len)}});
    };
    bool waited = t.task->first;
    for (std::uint32_t n = 0; n < kMlaDv / kC2N; ++n) {
      std::array<Tile, 2> v;
      std::array<std::uint8_t, 2> ev{};
      for (std::uint32_t kt = 0; kt < kt_steps; ++kt) {
        if (n == 0) load_p(0, kt);
        const std::uint32_t len = std::min(kC2L1K, tokens - kt * kC2L1K);
        const std::uint8_t slot = next_kv_slot();
        ev[kt] = kKvEvent0 + slot;
        v[kt] = buf_.kv[slot].dense(dt_, len, kC2N);
        std::vector<std::pair<Tile, Tile>> parts;  // one copy per 128-token page
        for (std::uint32_t r = 0; r < len; r += kMlaPageTokens) {
          const std::uint32_t rows = std::min(kMlaPageTokens, len - r);
          parts.push_back(
              {v[kt].sub(r, 0, rows, kC2N), kv_tile(t, kt * kC2L1K + r, rows, n * kC2N, kC2N)});
        }
        load_slot(ev[kt], parts);
      }
      if (n == 0)
        for (std::uint32_t kt = 0; kt < kt_steps; ++kt) load_p(1, kt);
      const bool last_n = n + 1 == kMlaDv / kC2N;
      for (std::uint32_t h = 0; h < 2; ++h) {
        const Tile acc = acquire_l0c(half, kC2N);
        for (std::uint32_t kt = 0; kt < kt_steps; ++kt) {
          const std::uint8_t ps = static_cast<std::uint8_t>(h * 2 + kt);
          if (n == 0) c_.wait_flag(Pipe::MTE2, Pipe::MTE1, ps);
          if (h == 0) c_.wait_flag(Pipe::MTE2, Pipe::MTE1, ev[kt]);
          const std::uint32_t len = v[kt].rows;
          for (std::uint32_t l = 0; l * kC2L0K < len; ++l) {
            const std::uint32_t depth = std::min(kC2L0K, len - l * kC2L0K);
            step(p[ps].sub(0, l * kC2L0K, half, depth), v[kt].sub(l * kC2L0K, 0, depth, kC2N),
                 /*transpose_b=*/false, acc, kt > 0 || l > 0);
          }
          if (last_n) c_.set_flag(Pipe::MTE1, Pipe::MTE2, ps);
          if (h == 1) c_.set_flag(Pipe::MTE1, Pipe::MTE2, ev[kt]);
        }
        if (!waited) c_.cross_core_wait(mla_sync::v1r_c2), waited = true;  // O rescaled
        if (!t.task->first) c_.set_atomic_add();
        drain_l0c(gm_.o_acc.tile(t.group->row0 + h * half, n * kC2N, half, kC2N), acc);
        if (!t.task->first) c_.set_atomic_none();
      }
    }
    // The next block of the same row group may now rescale O; after a group's last block V2
    // may read it.
    const bool more = next && next->task->group == t.task->group;
    c_.cross_core_set(isa::SyncMode::aic_aiv, more ? mla_sync::c2v1 : mla_sync::c2v2, Pipe::FIX);
  }

  CoreBuilder& c_;
  const MlaPlan& plan_;
  const MlaDieTensors& gm_;
  MlaAicBuffers buf_;
  DType dt_;
  std::uint64_t kv_cursor_ = 0, l0_cursor_ = 0, l0c_cursor_ = 0;
  std::uint8_t cur_l0c_ = 0;
};

}  // namespace

MlaAicBuffers allocate_aic(const CoreBuilder& core, const MlaPlan& plan) {
  const DType dt = plan.params.dtype;
  const std::string at = "mla AIC";
  LocalBuffer l1 = core.buffer(isa::Buffer::L1);
  LocalBuffer l0a = core.buffer(isa::Buffer::L0A), l0b = core.buffer(isa::Buffer::L0B);
  LocalBuffer l0c = core.buffer(isa::Buffer::L0C);
  MlaAicBuffers b;
  for (auto& t : b.qp) t = l1.alloc(at + ": L1 Q/P slot (128 x 288)", dt, 128, kC1L1K);
  for (auto& t : b.kv) t = l1.alloc(at + ": L1 K/V slot (128 x 288)", dt, 128, kC1L1K);
  for (auto& t : b.l0a) t = l0a.alloc(at + ": L0A step (128 x 128)", dt, 128, 128);
  for (auto& t : b.l0b) t = l0b.alloc(at + ": L0B step (128 x 128)", dt, 128, 128);
  for (auto& t : b.l0c) t = l0c.alloc(at + ": L0C tile (128 x 128 fp32)", DType::fp32, 128, 128);
  return b;
}

void emit_aic(CoreBuilder& core, const MlaPlan& plan, const MlaDieTensors& gm,
              const std::vector<MlaTaskRef>& tasks) {
  AicEmitter(core, plan, gm).run(tasks);
}

}  // namespace ascendsim::kernels
