// The AIV program of `sinkhorn_dense` (dense_vector.hpp).
//
// Event ids, per pipe pair, each a slot's "free" (V -> MTE2) and "loaded" (MTE2 -> V) pair:
// 0, 1 the K tiles; 2, 3 the replicated chunks; 4 the panel's or chunk's small inputs. V <-> MTE3
// use 0: a result computed (V -> MTE3), its store landed (MTE3 -> V). Each pass opens with every
// slot free and closes by taking those flags back, so passes share no pending flag.
#include "kernels/sinkhorn/dense_vector.hpp"

#include <string>

namespace ascendsim::kernels::sinkhorn {

DenseGm declare_dense_tensors(ProgramBuilder& b, const DensePlan& plan) {
  const DType f = DType::fp32;
  const std::uint64_t m = plan.m_pad, n = plan.n_pad;
  DenseGm g;
  for (std::uint32_t d = 0; d < plan.dies; ++d)
    g.k.push_back(b.gm_tensor(d ? "k_die" + std::to_string(d) : "k", f, m, n, d));
  g.x = b.gm_tensor("x", f, m, 1);
  g.a = b.gm_tensor("a", f, m, 1);
  g.not_src = b.gm_tensor("not_src", f, m, 1);
  g.y = b.gm_tensor("y", f, 1, n);
  g.b = b.gm_tensor("b", f, 1, n);
  g.not_tgt = b.gm_tensor("not_tgt", f, 1, n);
  g.u = b.gm_tensor("u", f, m, 1, 0, /*output=*/true);
  g.kv = b.gm_tensor("kv", f, m, 1, 0, true);
  g.v = b.gm_tensor("v", f, 1, n, 0, true);
  g.partial = b.gm_tensor("partial", f, plan.cores, 8);
  g.w_eps = b.gm_tensor("w_eps", f, 1, 8, 0, true);
  return g;
}

namespace {

constexpr std::uint8_t kBarrier = 0;  // cross-core flag of the chip-wide barriers
constexpr std::uint8_t kRep = 2, kInputs = 4, kOut = 0;
constexpr std::uint8_t kMte2Events = 5;

// A dense 1 x count row view of `count` entries of a dense column, from entry `first`.
Tile row_of(const Tile& column, std::uint64_t first, std::uint64_t count) {
  return column.sub(std::uint32_t(first), 0, std::uint32_t(count), 1)
      .dense(DType::fp32, 1, std::uint32_t(count));
}

class DenseAiv {
 public:
  DenseAiv(CoreBuilder& c, const DensePlan& plan, const DenseGm& gm, std::uint32_t core)
      : c_(c), p_(plan), gm_(gm), core_(core), k_(gm.k[c.id().die]) {}

  void emit() {
    c_.region("setup");
    init_v();
    barrier();
    for (std::uint32_t it = 0; it < p_.iterations; ++it) {
      c_.region("iteration " + std::to_string(it + 1));
      rows_pass(false);
      barrier();
      cols_pass();
      barrier();
    }
    c_.region("final");
    rows_pass(true);
    barrier();
    if (core_ == 0) sum_partials();
  }

 private:
  void barrier() {
    c_.cross_core_set(isa::SyncMode::all_cores, kBarrier, Pipe::MTE3);
    c_.cross_core_wait(kBarrier);
  }
  void open() {
    for (std::uint8_t e = 0; e < kMte2Events; ++e) c_.set_flag(Pipe::V, Pipe::MTE2, e);
    c_.set_flag(Pipe::MTE3, Pipe::V, kOut);
  }
  void close() {
    for (std::uint8_t e = 0; e < kMte2Events; ++e) c_.wait_flag(Pipe::V, Pipe::MTE2, e);
    c_.wait_flag(Pipe::MTE3, Pipe::V, kOut);
  }

  // One K tile through the ping-pong slots: `load(slot)` on MTE2, then `compute(slot)` on V.
  template <typename Load, typename Compute>
  void tile(Load load, Compute compute) {
    const std::uint8_t s = std::uint8_t(tiles_++ % 2);
    c_.wait_flag(Pipe::V, Pipe::MTE2, s);
    load(s);
    c_.handoff(Pipe::MTE2, Pipe::V, s);
    compute(s);
    c_.set_flag(Pipe::V, Pipe::MTE2, s);
  }

  // v = 1 on this core's columns.
  void init_v() {
    LocalBuffer ub = c_.buffer(Buffer::UB);
    const Tile ones = ub.alloc("dense ones", DType::fp32, 1, p_.ktu.cols);
    c_.vdup(ones, 1.0);
    c_.handoff(Pipe::V, Pipe::MTE3, kOut);
    for_each_piece(p_.cols[core_], p_.ktu.cols, [&](std::uint64_t c0, std::uint64_t cw) {
      c_.copy_ub_to_gm(gm_.v.tile(0, c0, 1, std::uint32_t(cw)),
                       ones.sub(0, 0, 1, std::uint32_t(cw)));
    });
  }

  // K v over this core's rows: u = a / (K v + not_src), or (final) kv = K v and this core's
  // share of <C, P> into gm.partial.
  void rows_pass(bool final) {
    const TileShape t = final ? p_.final : p_.kv;
    const std::uint32_t panel = p_.panel_rows;
    LocalBuffer ub = c_.buffer(Buffer::UB);
    Tile k[2], rep_v[2], rep_y[2], dist;
    for (int i = 0; i < 2; ++i) {
      k[i] = ub.alloc("dense K tile", DType::fp32, t.rows, t.cols);
      rep_v[i] = ub.alloc("dense v rows", DType::fp32, t.rows, t.cols);
      if (final) rep_y[i] = ub.alloc("dense y rows", DType::fp32, t.rows, t.cols);
    }
    if (final) dist = ub.alloc("dense weighted distances", DType::fp32, t.rows, t.cols);
    const Tile sums = ub.alloc("dense K v sums", DType::fp32, panel, 1);
    const Tile in0 = ub.alloc(final ? "dense x" : "dense a", DType::fp32, panel, 1);
    const Tile in1 = ub.alloc(final ? "dense u" : "dense not_src", DType::fp32, panel, 1);
    const Tile extra = ub.alloc(final ? "dense cost sums" : "dense u out", DType::fp32, panel, 1);
    const Tile row_sums = ub.alloc("dense row sums", DType::fp32, t.rows, 1);
    const Tile total = ub.alloc("dense cost share", DType::fp32, 1, 8).sub(0, 0, 1, 1);
    const GmTensor& gm0 = final ? gm_.x : gm_.a;
    const GmTensor& gm1 = final ? gm_.u : gm_.not_src;
    auto load_inputs = [&](std::uint64_t p0, std::uint32_t pr) {
      c_.wait_flag(Pipe::V, Pipe::MTE2, kInputs);
      c_.copy_gm_to_ub(in0.sub(0, 0, pr, 1), gm0.tile(p0, 0, pr, 1));
      c_.copy_gm_to_ub(in1.sub(0, 0, pr, 1), gm1.tile(p0, 0, pr, 1));
      c_.handoff(Pipe::MTE2, Pipe::V, kInputs);
    };

    open();
    if (final) c_.vdup(total, 0.0);
    for_each_piece(p_.rows[core_], panel, [&](std::uint64_t p0, std::uint64_t pr64) {
      const std::uint32_t pr = std::uint32_t(pr64);
      if (final) {
        load_inputs(p0, pr);                      // x is read by every tile
        c_.wait_flag(Pipe::MTE3, Pipe::V, kOut);  // the last panel's K v has left `sums`
      }
      c_.vdup(row_of(sums, 0, pr), 0.0);
      if (final) c_.vdup(row_of(extra, 0, pr), 0.0);
      for_each_piece({0, p_.n_pad}, t.cols, [&](std::uint64_t c0, std::uint64_t cw64) {
        const std::uint32_t cw = std::uint32_t(cw64), rep_rows = std::min(t.rows, pr);
        const std::uint8_t q = std::uint8_t(reps_++ % 2);
        const Tile vr = rep_v[q].dense(DType::fp32, rep_rows, cw);
        const Tile yr = final ? rep_y[q].dense(DType::fp32, rep_rows, cw) : Tile();
        c_.wait_flag(Pipe::V, Pipe::MTE2, kRep + q);
        for (std::uint32_t r = 0; r < rep_rows; ++r) {
          c_.copy_gm_to_ub(vr.sub(r, 0, 1, cw), gm_.v.tile(0, c0, 1, cw));
          if (final) c_.copy_gm_to_ub(yr.sub(r, 0, 1, cw), gm_.y.tile(0, c0, 1, cw));
        }
        c_.handoff(Pipe::MTE2, Pipe::V, kRep + q);
        for_each_piece({p0, pr}, t.rows, [&](std::uint64_t i0, std::uint64_t rr64) {
          const std::uint32_t rr = std::uint32_t(rr64), at = std::uint32_t(i0 - p0);
          tile(
              [&](std::uint8_t s) {
                c_.copy_gm_to_ub(k[s].dense(DType::fp32, rr, cw), k_.tile(i0, c0, rr, cw));
              },
              [&](std::uint8_t s) {
                const Tile kt = k[s].dense(DType::fp32, rr, cw), rs = row_sums.sub(0, 0, rr, 1);
                c_.vmul(kt, kt, vr.sub(0, 0, rr, cw));  // K_ij v_j
                c_.vrowsum(rs, kt);
                c_.vadd(row_of(sums, at, rr), row_of(sums, at, rr), row_of(rs, 0, rr));
                if (!final) return;
                const Tile d = dist.dense(DType::fp32, rr, cw);
                c_.vrow_sub(d, yr.sub(0, 0, rr, cw), in0.sub(at, 0, rr, 1));  // y_j - x_i
                c_.vabs(d, d);
                c_.vmul(d, d, kt);
                c_.vrowsum(rs, d);
                c_.vadd(row_of(extra, at, rr), row_of(extra, at, rr), row_of(rs, 0, rr));
              });
        });
        c_.set_flag(Pipe::V, Pipe::MTE2, kRep + q);
      });
      const Tile s = row_of(sums, 0, pr), e = row_of(extra, 0, pr);
      if (final) {  // sum_i u_i (K o C) v, into the running total
        c_.vmul(e, e, row_of(in1, 0, pr));
        c_.vrowsum(row_sums.sub(0, 0, 1, 1), e);
        c_.vadd(total, total, row_sums.sub(0, 0, 1, 1));
      } else {
        load_inputs(p0, pr);
        c_.vadd(s, s, row_of(in1, 0, pr));
        c_.wait_flag(Pipe::MTE3, Pipe::V, kOut);  // the last panel's u has left `extra`
        c_.vdiv(e, row_of(in0, 0, pr), s);
      }
      c_.set_flag(Pipe::V, Pipe::MTE2, kInputs);
      c_.handoff(Pipe::V, Pipe::MTE3, kOut);
      c_.copy_ub_to_gm((final ? gm_.kv : gm_.u).tile(p0, 0, pr, 1),
                       (final ? sums : extra).sub(0, 0, pr, 1));
      c_.set_flag(Pipe::MTE3, Pipe::V, kOut);
    });
    close();
    if (!final) return;
    c_.handoff(Pipe::V, Pipe::MTE3, kOut);
    c_.copy_ub_to_gm(gm_.partial.tile(core_, 0, 1, 1), total);
  }

  // K^T u over this core's columns: v = b / (K^T u + not_tgt).
  void cols_pass() {
    const TileShape t = p_.ktu;
    LocalBuffer ub = c_.buffer(Buffer::UB);
    Tile k[2], u[2];
    for (int i = 0; i < 2; ++i) {
      k[i] = ub.alloc("dense K tile", DType::fp32, t.rows, t.cols);
      u[i] = ub.alloc("dense u rows", DType::fp32, t.rows, 1);
    }
    const Tile acc = ub.alloc("dense K^T u rows", DType::fp32, t.rows, t.cols);
    const Tile b = ub.alloc("dense b", DType::fp32, 1, t.cols);
    const Tile mask = ub.alloc("dense not_tgt", DType::fp32, 1, t.cols);
    const Tile out = ub.alloc("dense v out", DType::fp32, 1, t.cols);

    open();
    for_each_piece(p_.cols[core_], t.cols, [&](std::uint64_t c0, std::uint64_t cw64) {
      const std::uint32_t cw = std::uint32_t(cw64);
      const Tile a = acc.dense(DType::fp32, t.rows, cw);
      bool first = true;  // t.rows <= m_pad: the first row tile fills the accumulator
      for_each_piece({0, p_.m_pad}, t.rows, [&](std::uint64_t i0, std::uint64_t rr64) {
        const std::uint32_t rr = std::uint32_t(rr64);
        tile(
            [&](std::uint8_t s) {
              c_.copy_gm_to_ub(k[s].dense(DType::fp32, rr, cw), k_.tile(i0, c0, rr, cw));
              c_.copy_gm_to_ub(u[s].sub(0, 0, rr, 1), gm_.u.tile(i0, 0, rr, 1));
            },
            [&](std::uint8_t s) {
              const Tile kt = k[s].dense(DType::fp32, rr, cw), us = u[s].sub(0, 0, rr, 1);
              if (first) {
                c_.vrow_mul(a, kt, us);
              } else {
                c_.vrow_mul(kt, kt, us);
                c_.vadd(a.sub(0, 0, rr, cw), a.sub(0, 0, rr, cw), kt);
              }
              first = false;
            });
      });
      for (std::uint32_t h = t.rows / 2; h >= 1; h /= 2)
        c_.vadd(a.sub(0, 0, h, cw), a.sub(0, 0, h, cw), a.sub(h, 0, h, cw));
      c_.wait_flag(Pipe::V, Pipe::MTE2, kInputs);
      c_.copy_gm_to_ub(b.sub(0, 0, 1, cw), gm_.b.tile(0, c0, 1, cw));
      c_.copy_gm_to_ub(mask.sub(0, 0, 1, cw), gm_.not_tgt.tile(0, c0, 1, cw));
      c_.handoff(Pipe::MTE2, Pipe::V, kInputs);
      const Tile sum = a.sub(0, 0, 1, cw), o = out.sub(0, 0, 1, cw);
      c_.vadd(sum, sum, mask.sub(0, 0, 1, cw));
      c_.wait_flag(Pipe::MTE3, Pipe::V, kOut);  // the last chunk's v has left `out`
      c_.vdiv(o, b.sub(0, 0, 1, cw), sum);
      c_.set_flag(Pipe::V, Pipe::MTE2, kInputs);
      c_.handoff(Pipe::V, Pipe::MTE3, kOut);
      c_.copy_ub_to_gm(gm_.v.tile(0, c0, 1, cw), o);
      c_.set_flag(Pipe::MTE3, Pipe::V, kOut);
    });
    close();
  }

  // Core 0, after the final barrier: w_eps = the sum of the cores' shares.
  void sum_partials() {
    LocalBuffer ub = c_.buffer(Buffer::UB);
    const Tile shares = ub.alloc("dense cost shares", DType::fp32, p_.cores, 1);
    const Tile w = ub.alloc("dense w_eps", DType::fp32, 1, 8).sub(0, 0, 1, 1);
    Tile column = gm_.partial.tile(0, 0, 1, 1);
    column.rows = p_.cores;
    column.row_stride = 8;
    c_.copy_gm_to_ub(shares, column);
    c_.handoff(Pipe::MTE2, Pipe::V, kInputs);
    c_.vrowsum(w, shares.dense(DType::fp32, 1, p_.cores));
    c_.handoff(Pipe::V, Pipe::MTE3, kOut);
    c_.copy_ub_to_gm(gm_.w_eps.tile(0, 0, 1, 1), w);
  }

  CoreBuilder& c_;
  const DensePlan& p_;
  const DenseGm& gm_;
  std::uint32_t core_;
  const GmTensor& k_;                   // K on this core's die
  std::uint64_t tiles_ = 0, reps_ = 0;  // K tiles and replicated chunks so far: their slots
};

}  // namespace

void emit_dense_aiv(CoreBuilder& c, const DensePlan& plan, const DenseGm& gm, std::uint32_t core) {
  DenseAiv(c, plan, gm, core).emit();
}

}  // namespace ascendsim::kernels::sinkhorn
