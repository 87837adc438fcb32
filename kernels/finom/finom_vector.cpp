// The AIV program of `finom` (finom_vector.hpp): setup (decays, lane and segment decay
// products), the Sinkhorn iterations, and the transport cost. Its tensors and UB budget:
// finom_tensors.cpp.
#include "kernels/finom/finom_vector.hpp"

#include <algorithm>
#include <functional>

namespace ascendsim::kernels::finom {
namespace {

constexpr std::uint8_t kBarrier = 0;  // cross-core flag of the chip-wide carry exchange
constexpr std::uint32_t kSlots = kFinomTileSlots;
constexpr std::uint32_t kBlock = kFloatsPerBlock;

enum Dir : int { kFwd = 0, kBwd = 1 };

class FinomAiv {
 public:
  FinomAiv(CoreBuilder& c, const FinomPlan& plan, const FinomGm& gm, std::uint32_t core)
      : c_(c),
        p_(plan),
        gm_(gm),
        core_(core),
        L_(plan.lanes),
        A_(plan.groups),
        B_(plan.group_lanes),
        T_(plan.rows),
        tr_(plan.tile_rows),
        C_(plan.cores) {
    LocalBuffer ub = c.buffer(Buffer::UB);
    for (std::uint32_t s = 0; s < kSlots; ++s)
      slot_[s] = ub.alloc("finom tile slot " + std::to_string(s), DType::fp32, tr_, L_);
    for (int d : {kFwd, kBwd}) {
      carry_row_[d] = ub.alloc("finom carry row", DType::fp32, 1, L_);
      lane_in_[d] = ub.alloc("finom lane carry-ins", DType::fp32, 1, L_);
      lane_dec_[d] = ub.alloc("finom lane decays", DType::fp32, 1, L_);
      group_row_[d] = ub.alloc("finom group row", DType::fp32, 1, A_);
      lam_[d] = column(ub, "finom group decays", A_);
      local_[d] = column(ub, "finom group totals", A_);
      chain_[d] = column(ub, "finom group chain", std::max(A_ + 1, C_));
      segdec_[d] = column(ub, "finom segment decays", C_);
      core_w_[d] = ub.alloc("finom core weights", DType::fp32, 1, C_);
      tot_[d] = ub.alloc("finom segment totals", DType::fp32, 1, C_);
      core_in_[d] = ub.alloc("finom core carry-in", DType::fp32, 1, 1);
      group_end_w_[d] = ub.alloc("finom group end weights", DType::fp32, 1, A_);
      seg_total_[d] = ub.alloc("finom segment total", DType::fp32, 1, 1);
    }
    zero_col_ = column(ub, "finom zeros", std::max(A_, C_));
    zero_row_ = ub.alloc("finom zero row", DType::fp32, 1, L_);
    sum_col_ = ub.alloc("finom row sums", DType::fp32, tr_, 1);
    sum_one_ = ub.alloc("finom sum", DType::fp32, 1, 1);
    scratch_row_ = ub.alloc("finom scratch row", DType::fp32, 1, std::max(L_, C_));
    partials_ = ub.alloc("finom partial sums", DType::fp32, C_, 1);
  }

  void emit() {
    c_.region("setup");
    setup();
    for (std::uint32_t it = 0; it < p_.iterations; ++it) {
      c_.region("iteration " + std::to_string(it + 1));
      // u <- a / K v;  v <- b / K^T u  (denominators +1 where the node is not a source /
      // target: there a = 0 or b = 0 and K v may underflow, and 0/0 would poison the scans)
      product(it == 0 ? gm_.v0 : gm_.v, gm_.a, gm_.not_src, gm_.u);
      product(gm_.u, gm_.b, gm_.not_tgt, gm_.v);
    }
    c_.region("final");
    transport_cost();
  }

 private:
  using Fn = std::function<void(std::uint32_t r0, std::uint32_t n)>;
  struct Epilogue {
    Fn load, compute, store;
  };

  static Tile column(LocalBuffer& ub, const char* what, std::uint32_t rows) {
    Tile t = ub.alloc(what, DType::fp32, rows, kBlock);
    t.cols = 1;
    t.row_stride = kBlock;
    return t;
  }
  // A dense row's elements as a column of as many rows (the same bytes).
  static Tile as_column(Tile row) {
    row.rows = row.cols, row.cols = 1, row.row_stride = 0;
    return row;
  }
  static std::uint8_t direction(Dir d) {
    return isa::flag::first_axis | (d == kBwd ? isa::flag::reverse : 0);
  }

  Tile gm_tile(const GmTensor& g, std::uint32_t r0, std::uint32_t n) const {
    return g.tile(std::uint64_t(core_) * T_ + r0, 0, n, L_);
  }
  Tile ub(std::uint32_t s, std::uint32_t n) const { return slot_[s].sub(0, 0, n, L_); }
  void load(std::uint32_t s, const GmTensor& g, std::uint32_t r0, std::uint32_t n) {
    c_.copy_gm_to_ub(ub(s, n), gm_tile(g, r0, n));
  }
  void store(const GmTensor& g, std::uint32_t s, std::uint32_t r0, std::uint32_t n) {
    c_.copy_ub_to_gm(gm_tile(g, r0, n), ub(s, n));
  }

  // Streams the segment tile by tile (last tile first for kBwd). Each tile: loads, compute,
  // stores, one after the other (the slots are single-buffered).
  void stream(Dir d, const Fn& loads, const Fn& compute, const Fn& stores) {
    const std::uint32_t tiles = p_.tiles();
    for (std::uint32_t k = 0; k < tiles; ++k) {
      const std::uint32_t i = d == kFwd ? k : tiles - 1 - k;
      const std::uint32_t r0 = i * tr_, n = std::min(tr_, T_ - r0);
      c_.handoff(Pipe::V, Pipe::MTE2, 0);     // the slots are free
      c_.handoff(Pipe::MTE3, Pipe::MTE2, 1);  // and the last stores have landed
      loads(r0, n);
      c_.handoff(Pipe::MTE2, Pipe::V, 2);
      first_tile_ = k == 0;
      compute(r0, n);
      if (stores) {
        c_.handoff(Pipe::V, Pipe::MTE3, 3);
        stores(r0, n);
      }
    }
  }

  // dst = scan of one tile; the first tile starts from `in` (a row) or `imm`, the others from
  // the previous tile's carry-out, which this copies into carry_row_[d].
  void scan_tile(Dir d, const Tile& dst, const Tile& decay, const Tile& w, const Tile* in,
                 double imm) {
    if (!first_tile_)
      c_.vscan(dst, decay, w, carry_row_[d], isa::ScanMode::linear, direction(d));
    else if (in)
      c_.vscan(dst, decay, w, *in, isa::ScanMode::linear, direction(d));
    else
      c_.vscan(dst, decay, w, imm, isa::ScanMode::linear, direction(d));
    c_.vadds(carry_row_[d], dst.sub(d == kFwd ? dst.rows - 1 : 0, 0, 1, L_), 0.0);
  }

  // Pass 1 of a scan: the lanes' totals from carry `imm`, left in carry_row_[d].
  void lane_totals(Dir d, const GmTensor& decay, const GmTensor& w, double imm) {
    stream(
        d, [&](std::uint32_t r0, std::uint32_t n) { load(0, decay, r0, n), load(1, w, r0, n); },
        [&](std::uint32_t, std::uint32_t n) {
          scan_tile(d, ub(1, n), ub(0, n), ub(1, n), nullptr, imm);
        },
        nullptr);
  }

  // Two tiles (one per direction) through this core's two rows of `io`: dense rows of n
  // written and read back as columns of one 32-byte block per entry, or the other way round.
  void via_gm(const GmTensor& io, std::uint32_t n, const Tile (&src)[2], const Tile (&dst)[2],
              bool rows_to_columns) {
    auto row = [&](int d) { return io.tile(2ull * core_ + d, 0, 1, n); };
    c_.handoff(Pipe::V, Pipe::MTE3, 3);
    for (int d : {kFwd, kBwd})
      c_.copy_ub_to_gm(rows_to_columns ? row(d) : as_column(row(d)), src[d]);
    c_.handoff(Pipe::MTE3, Pipe::MTE2, 1);
    for (int d : {kFwd, kBwd})
      c_.copy_gm_to_ub(dst[d], rows_to_columns ? as_column(row(d)) : row(d));
    c_.handoff(Pipe::MTE2, Pipe::V, 2);
  }
  void rows_to_columns(const Tile (&rows)[2], const Tile (&cols)[2]) {
    via_gm(gm_.lane_io, A_, rows, cols, true);
  }

  // The lanes as B x A (lane_of: group a's lanes run down column a). group_row_[d] = the last
  // row (backward: the first) of the scan of (lane decays, w) down the B rows from `imm`:
  // every group's chain at once.
  Tile as_groups(const Tile& row) const { return row.dense(DType::fp32, B_, A_); }
  void group_scan(Dir d, const Tile& w_row, double imm) {
    const Tile out = as_groups(scratch_row_.sub(0, 0, 1, L_));
    c_.vscan(out, as_groups(lane_dec_[d]), as_groups(w_row), imm, isa::ScanMode::linear,
             direction(d));
    c_.vadds(group_row_[d], out.sub(d == kFwd ? B_ - 1 : 0, 0, 1, A_), 0.0);
  }

  // chain_[d] = one-lane scan over the groups (rows 1..A forward, 0..A-1 backward), from a
  // carry entry or an immediate; returns the entry holding the last result.
  Tile lane_chain(Dir d, const Tile& w_col, const Tile* carry, double imm) {
    const Tile out = chain_[d].sub(d == kFwd ? 1 : 0, 0, A_, 1);
    if (carry)
      c_.vscan(out, lam_[d], w_col, *carry, isa::ScanMode::linear, direction(d));
    else
      c_.vscan(out, lam_[d], w_col, imm, isa::ScanMode::linear, direction(d));
    return chain_[d].sub(d == kFwd ? A_ : 0, 0, 1, 1);
  }

  // A chip-wide barrier after this core's MTE3 stores.
  void barrier() {
    c_.cross_core_set(isa::SyncMode::all_cores, kBarrier, Pipe::MTE3);
    c_.cross_core_wait(kBarrier);
  }
  // GM column of every core's entry `slot` in a table of rows of 8 (`per_core` rows per core).
  Tile gm_cores(const GmTensor& g, std::uint64_t row0, std::uint32_t per_core) const {
    Tile t = g.tile(row0, 0, 1, 1);
    t.rows = C_, t.row_stride = per_core * kBlock;
    return t;
  }

  void setup() {
    c_.vdup(zero_col_, 0.0);
    // decay = exp(-gap / eps), stored once
    for (Dir d : {kFwd, kBwd}) {
      const GmTensor& gap = d == kFwd ? gm_.gap_f : gm_.gap_b;
      const GmTensor& decay = d == kFwd ? gm_.decay_f : gm_.decay_b;
      stream(
          d, [&](std::uint32_t r0, std::uint32_t n) { load(0, gap, r0, n); },
          [&](std::uint32_t, std::uint32_t n) { exp_scaled(ub(0, n)); },
          [&](std::uint32_t r0, std::uint32_t n) { store(decay, 0, r0, n); });
    }
    // The lanes' and the segments' decay products: e^{-span / eps} of their exact spans (a
    // product of the rounded decays would carry one rounding per node: on a uniform mesh
    // every decay is the same fp32 number, and k of them err k times its rounding)
    for (int d : {kFwd, kBwd}) {
      c_.copy_gm_to_ub(lane_dec_[d], gm_.lane_span.tile(2ull * core_ + d, 0, 1, L_));
      c_.copy_gm_to_ub(segdec_[d], gm_cores(gm_.seg_span, d, 2));
    }
    c_.handoff(Pipe::MTE2, Pipe::V, 2);
    c_.vdup(zero_row_, 0.0);
    for (Dir d : {kFwd, kBwd}) {
      exp_scaled(lane_dec_[d]), exp_scaled(segdec_[d]);
      group_scan(d, zero_row_, 1.0);  // each group's decay product (B roundings)
    }
    rows_to_columns(group_row_, lam_);
    // each group total's weight in its segment's total: the decays of the groups after it
    // (backward: before it)
    for (Dir d : {kFwd, kBwd})
      between_products(d, lam_[d], A_, d == kFwd ? std::int64_t(A_) : -1, chain_[d]);
    const Tile ends[2] = {chain_[kFwd].sub(0, 0, A_, 1), chain_[kBwd].sub(0, 0, A_, 1)};
    via_gm(gm_.lane_io, A_, ends, group_end_w_, false);
    core_weights();
  }

  // t = e^{-t / eps} in place: a decay from a distance
  void exp_scaled(const Tile& t) {
    c_.vmuls(t, t, -1.0 / p_.params.eps);
    c_.vexp(t, t);
  }

  // out (count rows of a column) = the products of `decays` strictly between each row and
  // `pivot`: rows before it going forward, rows after it going backward (1 next to it, 0 on
  // the other side). A chain from the pivot outwards, once, at setup.
  void between_products(Dir d, const Tile& decays, std::uint32_t count, std::int64_t pivot,
                        const Tile& out) {
    c_.vdup(out.sub(0, 0, count, 1), 0.0);
    const std::int64_t next = d == kFwd ? pivot - 1 : pivot + 1;
    if (next < 0 || next >= std::int64_t(count)) return;
    const auto at = std::uint32_t(next);
    c_.vdup(out.sub(at, 0, 1, 1), 1.0);
    const std::uint32_t n = d == kFwd ? at : count - at - 1;
    if (n == 0) return;
    const Tile zeros = zero_col_.sub(0, 0, n, 1);
    if (d == kFwd)  // W(r) = decays(r + 1) W(r + 1), down to row 0
      c_.vscan(out.sub(0, 0, n, 1), decays.sub(1, 0, n, 1), zeros, 1.0, isa::ScanMode::linear,
               direction(kBwd));
    else  // W(r) = decays(r - 1) W(r - 1), up to the last row
      c_.vscan(out.sub(at + 1, 0, n, 1), decays.sub(at, 0, n, 1), zeros, 1.0, isa::ScanMode::linear,
               direction(kFwd));
  }

  // The weight of core c's segment total in this core's carry-in: the decay products of the
  // segments strictly between, so that each scan's carry-in is a dot product instead of a
  // chain over the cores.
  void core_weights() {
    for (Dir d : {kFwd, kBwd}) between_products(d, segdec_[d], C_, core_, chain_[d]);
    const Tile weights[2] = {chain_[kFwd].sub(0, 0, C_, 1), chain_[kBwd].sub(0, 0, C_, 1)};
    via_gm(gm_.core_io, C_, weights, core_w_, false);
  }

  // Scans forward (w_f) and backward (w_b) over the merged mesh: pass 1, the carries, pass 2.
  // Pass 2 stores the forward results in gm.s; the backward tile (slot 5, with the same rows
  // of s in slot 2, w_b in slot 1) goes to `epi`.
  void scan_pair(const GmTensor& w_f, const GmTensor& w_b, const Epilogue& epi) {
    lane_totals(kFwd, gm_.decay_f, w_f, 0.0);
    lane_totals(kBwd, gm_.decay_b, w_b, 0.0);
    // the groups' totals (their lanes chained), the segment totals (from carry 0: the group
    // totals weighed by the decays after them) to every core
    const std::uint64_t base = std::uint64_t(parity_) * C_ * 2;
    for (Dir d : {kFwd, kBwd}) {
      group_scan(d, carry_row_[d], 0.0);
      const Tile tmp = scratch_row_.sub(0, 0, 1, A_);
      c_.vmul(tmp, group_end_w_[d], group_row_[d]);
      c_.vrowsum(seg_total_[d], tmp);
    }
    c_.handoff(Pipe::V, Pipe::MTE3, 3);
    for (int d : {kFwd, kBwd})
      c_.copy_ub_to_gm(gm_.totals.tile(base + 2ull * core_ + d, 0, 1, 1), seg_total_[d]);
    rows_to_columns(group_row_, local_);  // its MTE3 stores precede the barrier's set
    barrier();
    for (int d : {kFwd, kBwd})
      c_.copy_gm_to_ub(as_column(tot_[d]), gm_cores(gm_.totals, base + d, 2));
    c_.handoff(Pipe::MTE2, Pipe::V, 2);
    parity_ ^= 1;
    for (Dir d : {kFwd, kBwd}) {  // this core's carry-in: weights . totals
      c_.vmul(tot_[d], tot_[d], core_w_[d]);
      c_.vrowsum(core_in_[d], tot_[d]);
    }
    // each group's exact carry-in: the group chain from this core's carry-in, shifted by one
    // entry (chain_ row a forward, row a + 1 backward)
    Tile exclusive[2];
    for (Dir d : {kFwd, kBwd}) {
      const Tile& in = core_in_[d];
      lane_chain(d, local_[d], &in, 0.0);
      c_.vadds(chain_[d].sub(d == kFwd ? 0 : A_, 0, 1, 1), in, 0.0);
      exclusive[d] = chain_[d].sub(d == kFwd ? 0 : 1, 0, A_, 1);
    }
    via_gm(gm_.lane_io, A_, exclusive, group_row_, false);
    // each lane's: its group's, then down the group's lanes (one row of B x A per lane)
    for (Dir d : {kFwd, kBwd}) {
      const Tile in = as_groups(lane_in_[d]), dec = as_groups(lane_dec_[d]);
      const Tile tot = as_groups(carry_row_[d]);
      const std::uint32_t first = d == kFwd ? 0 : B_ - 1;
      c_.vadds(in.sub(first, 0, 1, A_), group_row_[d], 0.0);
      if (B_ == 1) continue;
      const std::uint32_t from = d == kFwd ? 0 : 1, to = d == kFwd ? 1 : 0;
      c_.vscan(in.sub(to, 0, B_ - 1, A_), dec.sub(from, 0, B_ - 1, A_),
               tot.sub(from, 0, B_ - 1, A_), group_row_[d], isa::ScanMode::linear, direction(d));
    }
    // pass 2
    stream(
        kFwd,
        [&](std::uint32_t r0, std::uint32_t n) {
          load(0, gm_.decay_f, r0, n), load(1, w_f, r0, n);
        },
        [&](std::uint32_t, std::uint32_t n) {
          scan_tile(kFwd, ub(2, n), ub(0, n), ub(1, n), &lane_in_[kFwd], 0.0);
        },
        [&](std::uint32_t r0, std::uint32_t n) { store(gm_.s, 2, r0, n); });
    stream(
        kBwd,
        [&](std::uint32_t r0, std::uint32_t n) {
          load(0, gm_.decay_b, r0, n), load(1, w_b, r0, n), load(2, gm_.s, r0, n);
          if (epi.load) epi.load(r0, n);
        },
        [&](std::uint32_t r0, std::uint32_t n) {
          scan_tile(kBwd, ub(5, n), ub(0, n), ub(1, n), &lane_in_[kBwd], 0.0);
          epi.compute(r0, n);
        },
        epi.store);
  }

  // out = aux / (K w + mask): slots 2 = s, 5 = t, 3 = mask, 4 = aux.
  void product(const GmTensor& w, const GmTensor& aux, const GmTensor& mask, const GmTensor& out) {
    scan_pair(
        w, w,
        {[&](std::uint32_t r0, std::uint32_t n) { load(3, mask, r0, n), load(4, aux, r0, n); },
         [&](std::uint32_t, std::uint32_t n) {
           c_.vadd(ub(2, n), ub(2, n), ub(5, n));
           c_.vadd(ub(3, n), ub(3, n), ub(2, n));
           c_.vdiv(ub(4, n), ub(4, n), ub(3, n));
         },
         [&](std::uint32_t r0, std::uint32_t n) { store(out, 4, r0, n); }});
  }

  // <C, P> = sum_i u_i [(K o C) v]_i by FINOM.md §5.4's recurrence on the merged mesh:
  // D_k = decay_k (D_{k-1} + gap_k s_{k-1}), and decay_k s_{k-1} = s_k - w_k, so D is a scan
  // of gap_f (s - v) (backward: gap_b (t - v)); every term is >= 0.
  void transport_cost() {
    scan_pair(gm_.v, gm_.v,
              {[&](std::uint32_t r0, std::uint32_t n) {
                 load(3, gm_.gap_f, r0, n), load(4, gm_.gap_b, r0, n);
               },
               [&](std::uint32_t, std::uint32_t n) {
                 c_.vadd(ub(0, n), ub(2, n), ub(5, n));  // K v
                 c_.vsub(ub(2, n), ub(2, n), ub(1, n));
                 c_.vmul(ub(3, n), ub(3, n), ub(2, n));
                 c_.vsub(ub(5, n), ub(5, n), ub(1, n));
                 c_.vmul(ub(4, n), ub(4, n), ub(5, n));
               },
               [&](std::uint32_t r0, std::uint32_t n) {
                 store(gm_.kv, 0, r0, n), store(gm_.cost_f, 3, r0, n), store(gm_.cost_b, 4, r0, n);
               }});
    c_.handoff(Pipe::MTE3, Pipe::V, 3);
    c_.vdup(slot_[4], 0.0);  // the running sum of u (D + E), kept in slot 4
    scan_pair(gm_.cost_f, gm_.cost_b,
              {[&](std::uint32_t r0, std::uint32_t n) { load(3, gm_.u, r0, n); },
               [&](std::uint32_t, std::uint32_t n) {
                 c_.vadd(ub(2, n), ub(2, n), ub(5, n));
                 c_.vmul(ub(3, n), ub(3, n), ub(2, n));
                 c_.vadd(ub(4, n), ub(4, n), ub(3, n));
               },
               nullptr});
    c_.vrowsum(sum_col_, slot_[4]);
    c_.vrowsum(sum_one_, sum_col_.dense(DType::fp32, 1, tr_));
    c_.handoff(Pipe::V, Pipe::MTE3, 3);
    c_.copy_ub_to_gm(gm_.partial.tile(core_, 0, 1, 1), sum_one_);
    barrier();
    if (core_ != 0) return;
    c_.copy_gm_to_ub(partials_, gm_cores(gm_.partial, 0, 1));
    c_.handoff(Pipe::MTE2, Pipe::V, 2);
    c_.vrowsum(sum_one_, partials_.dense(DType::fp32, 1, C_));
    c_.handoff(Pipe::V, Pipe::MTE3, 3);
    c_.copy_ub_to_gm(gm_.w_eps.tile(0, 0, 1, 1), sum_one_);
  }

  CoreBuilder& c_;
  const FinomPlan& p_;
  const FinomGm& gm_;
  std::uint32_t core_, L_, A_, B_, T_, tr_, C_;
  Tile slot_[kSlots];
  Tile carry_row_[2], lane_in_[2];                // 1 x L rows
  Tile lane_dec_[2], group_row_[2], zero_row_;    // rows over the lanes / the groups
  Tile lam_[2], local_[2], chain_[2], zero_col_;  // columns over the groups
  Tile segdec_[2];                                // columns over the cores
  Tile core_w_[2], tot_[2], core_in_[2];          // rows over the cores, carry-ins
  Tile group_end_w_[2], seg_total_[2], scratch_row_;
  Tile sum_col_, sum_one_, partials_;
  bool first_tile_ = true;
  int parity_ = 0;  // which half of gm.totals this scan pair uses
};

}  // namespace

void emit_finom_aiv(CoreBuilder& c, const FinomPlan& plan, const FinomGm& gm, std::uint32_t core) {
  FinomAiv(c, plan, gm, core).emit();
}

}  // namespace ascendsim::kernels::finom
