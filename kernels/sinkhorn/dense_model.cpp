// `sinkhorn_dense`'s closed form (dense_model.hpp).
#include "kernels/sinkhorn/dense_model.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/finom/finom_model.hpp"
#include "kernels/finom/finom_plan.hpp"

namespace ascendsim::kernels::sinkhorn {
namespace {

using isa::Opcode;

// One core's work in a pass: V cycles, MTE2 copies and bytes (K's apart), and the bytes it
// loads before its first tile's compute.
struct CoreWork {
  double vector = 0, copies = 0, k_bytes = 0, other_bytes = 0, first = 0;
};

struct Rates {
  const config::HardwareConfig& hw;
  double dies;  // dies with cores in use, each streaming its own copy of K
  double op(Opcode o, std::uint64_t rows, std::uint64_t cols) const {
    const double repeats = std::ceil(cols * 4.0 / hw.aiv.vector.bytes_per_repeat);
    return finom::vector_op_cycles(hw, o, double(rows) * repeats);
  }
  double l2_rate() const {
    return std::min(hw.aiv.mte2.bytes_per_cycle, hw.aiv.port.l2_read_bytes_per_cycle);
  }
  double k_rate(bool cold) const {
    return cold ? std::min(l2_rate(), hw.aiv.port.hbm_read_bytes_per_cycle) : l2_rate();
  }
  double chip_rate(bool cold) const {
    return (cold ? hw.hbm.bytes_per_cycle : hw.l2.read_bytes_per_cycle) * dies;
  }
  double latency(bool cold) const {
    return hw.aiv.mte2.setup_cycles + hw.l2.hit_latency_cycles + (cold ? hw.hbm.latency_cycles : 0);
  }
  // Until every core has its first bytes in UB (the most one core loads, all of them), all
  // asking at once.
  double fill(double most, double all, bool cold) const {
    return latency(cold) + std::max(most / k_rate(cold), all / chip_rate(cold));
  }
  double store(double bytes) const {
    return hw.aiv.mte3.setup_cycles +
           bytes / std::min(hw.aiv.mte3.bytes_per_cycle, hw.aiv.port.l2_write_bytes_per_cycle) +
           hw.l2.hit_latency_cycles;
  }
  // The last store and the barrier.
  double sync(double store_bytes) const {
    return store(store_bytes) + hw.sync.cross_core_latency_cycles;
  }
};

CoreWork row_pass(const DensePlan& p, const Rates& r, Span rows, bool final) {
  const TileShape t = final ? p.final : p.kv;
  const double reps = final ? 2 : 1;
  CoreWork w;
  if (rows.count) {
    const double pr = std::min<std::uint64_t>(p.panel_rows, rows.count),
                 cw = std::min<std::uint64_t>(t.cols, p.n_pad), rr = std::min<double>(t.rows, pr);
    w.first = (reps + 1) * rr * cw * 4 + (final ? 8 * pr : 0);
  }
  for (const auto& [pr, panels] : piece_counts(rows, p.panel_rows)) {
    CoreWork panel;
    panel.vector = reps * r.op(Opcode::vdup, 1, pr);
    panel.vector +=
        final ? r.op(Opcode::vmul, 1, pr) + r.op(Opcode::vrowsum, 1, pr) + r.op(Opcode::vadd, 1, 1)
              : r.op(Opcode::vadd, 1, pr) + r.op(Opcode::vdiv, 1, pr);
    panel.copies = 2;
    panel.other_bytes = 8.0 * pr;
    const std::uint64_t rep_rows = std::min<std::uint64_t>(t.rows, pr);
    for (const auto& [cw, chunks] : piece_counts({0, p.n_pad}, t.cols)) {
      panel.copies += double(chunks) * reps * rep_rows;
      panel.other_bytes += double(chunks) * reps * rep_rows * cw * 4;
      for (const auto& [rr, tiles] : piece_counts({0, pr}, t.rows)) {
        double tile =
            r.op(Opcode::vmul, rr, cw) + r.op(Opcode::vrowsum, rr, cw) + r.op(Opcode::vadd, 1, rr);
        if (final)
          tile += r.op(Opcode::vrow_sub, rr, cw) + r.op(Opcode::vabs, rr, cw) +
                  r.op(Opcode::vmul, rr, cw) + r.op(Opcode::vrowsum, rr, cw) +
                  r.op(Opcode::vadd, 1, rr);
        const double n = double(chunks) * double(tiles);
        panel.vector += n * tile;
        panel.copies += n;
        panel.k_bytes += n * double(rr) * cw * 4;
      }
    }
    w.vector += double(panels) * panel.vector;
    w.copies += double(panels) * panel.copies;
    w.k_bytes += double(panels) * panel.k_bytes;
    w.other_bytes += double(panels) * panel.other_bytes;
  }
  return w;
}

CoreWork cols_pass(const DensePlan& p, const Rates& r, Span cols) {
  const TileShape t = p.ktu;
  CoreWork w;
  if (cols.count) w.first = 4.0 * t.rows * (std::min<std::uint64_t>(t.cols, cols.count) + 1);
  for (const auto& [cw, chunks] : piece_counts(cols, t.cols)) {
    double v = -r.op(Opcode::vadd, t.rows, cw);  // the first tile writes the accumulator
    for (const auto& [rr, tiles] : piece_counts({0, p.m_pad}, t.rows))
      v += double(tiles) * (r.op(Opcode::vrow_mul, rr, cw) + r.op(Opcode::vadd, rr, cw));
    for (std::uint32_t h = t.rows / 2; h >= 1; h /= 2) v += r.op(Opcode::vadd, h, cw);
    v += r.op(Opcode::vadd, 1, cw) + r.op(Opcode::vdiv, 1, cw);
    const double tiles = std::ceil(double(p.m_pad) / t.rows);
    w.vector += double(chunks) * v;
    w.copies += double(chunks) * (2 * tiles + 2);
    w.k_bytes += double(chunks) * double(p.m_pad) * cw * 4;
    w.other_bytes += double(chunks) * (double(p.m_pad) + 2.0 * cw) * 4;
  }
  return w;
}

// The pass's busiest core against the chip's memory; `cold`: the share of K that misses L2.
template <typename Work>
PassCycles pass(const DensePlan& p, const Rates& r, double cold, Work work) {
  PassCycles c;
  double bytes = 0, k_bytes = 0, first_most = 0, first_all = 0;
  for (std::uint32_t core = 0; core < p.cores; ++core) {
    const CoreWork w = work(core);
    c.vector = std::max(c.vector, w.vector);
    c.port = std::max(c.port, w.copies * r.hw.aiv.mte2.setup_cycles +
                                  w.k_bytes * (cold / r.k_rate(true) + (1 - cold) / r.l2_rate()) +
                                  w.other_bytes / r.l2_rate());
    bytes += w.k_bytes + w.other_bytes;
    k_bytes += w.k_bytes;
    first_most = std::max(first_most, w.first);
    first_all += w.first;
  }
  c.memory = std::max(bytes / r.chip_rate(false), cold * k_bytes / r.chip_rate(true));
  c.fill = r.fill(first_most, first_all, cold > 0);
  c.latency = r.latency(cold > 0);
  return c;
}

Json pass_json(const PassCycles& c) {
  return Json{{"cycles", c.total()},   {"vector_cycles", c.vector},
              {"port_cycles", c.port}, {"memory_cycles", c.memory},
              {"fill_cycles", c.fill}, {"latency_cycles", c.latency},
              {"sync_cycles", c.sync}};
}

}  // namespace

double PassCycles::total() const {
  return std::max({vector + fill, port + fill, memory + latency}) + sync;
}

DenseModelTerms dense_model_terms(const DensePlan& p, const config::HardwareConfig& hw) {
  const Rates r{hw, double(p.dies)};
  DenseModelTerms t;
  t.k_fits_l2 = double(p.k_bytes()) <= double(hw.l2.bytes);
  const double cold = t.k_fits_l2 ? 0 : 1;
  auto rows = [&](bool final) {
    return [&p, &r, final](std::uint32_t c) { return row_pass(p, r, p.rows[c], final); };
  };
  auto cols = [&](std::uint32_t c) { return cols_pass(p, r, p.cols[c]); };
  t.kv = pass(p, r, cold, rows(false));
  t.ktu = pass(p, r, cold, cols);
  t.final = pass(p, r, cold, rows(true));
  // The first K v brings into each die's L2 only the rows of that die's cores: the first K^T u
  // finds the other dies' share of its copy cold.
  t.kv_first = pass(p, r, 1, rows(false));
  t.ktu_first = pass(p, r, std::max(cold, (r.dies - 1) / r.dies), cols);
  t.kv.sync = t.kv_first.sync = r.sync(4.0 * p.panel_rows);
  t.ktu.sync = t.ktu_first.sync = r.sync(4.0 * p.ktu.cols);
  t.final.sync = r.sync(4.0 * p.panel_rows) + r.store(4);
  t.setup = r.op(Opcode::vdup, 1, p.ktu.cols) + r.sync(4.0 * p.ktu.cols);
  t.tail = r.latency(false) + r.op(Opcode::vrowsum, 1, p.cores) + r.store(4);
  return t;
}

ModelPrediction dense_model(const DensePlan& p, const config::HardwareConfig& hw) {
  const DenseModelTerms t = dense_model_terms(p, hw);
  const double per_iteration = t.per_iteration();
  const double cold_extra =
      p.iterations ? t.kv_first.total() - t.kv.total() + t.ktu_first.total() - t.ktu.total() : 0;
  ModelPrediction m;
  m.cycles = t.setup + cold_extra + p.iterations * per_iteration + t.final.total() + t.tail;
  // HBM: K when it fits in L2: each die's first K v reads its cores' rows of its copy, its first
  // K^T u the other dies' rows of its cores' columns, (2 d - 1) / d of K in all; else K in every
  // pass. The vectors once (x, a, not_src, y, b, not_tgt in; u, kv, v out).
  const double k = double(p.k_bytes()), d = p.dies;
  const double passes = t.k_fits_l2 ? (2 * d - 1) / d : 2.0 * p.iterations + 1;
  m.hbm_bytes = k * passes + (5.0 * p.m_pad + 4.0 * p.n_pad) * 4;
  const double vector = t.kv.vector + t.ktu.vector, port = t.kv.port + t.ktu.port,
               memory = t.kv.memory + t.ktu.memory;
  m.bound = memory >= std::max(vector, port) ? (t.k_fits_l2 ? "l2" : "hbm")
            : port >= vector                 ? (t.k_fits_l2 ? "port_l2_read" : "port_hbm_read")
                                             : "vector";
  m.detail =
      Json{{"cycles_per_iteration", per_iteration},
           {"bound", m.bound},
           {"dense_cycles_per_iteration", finom::dense_cycles_per_iteration(p.m, p.n, hw)},
           {"memory_cycles_per_iteration", memory},
           {"vector_cycles_per_iteration", vector},
           {"port_cycles_per_iteration", port},
           {"fill_and_sync_cycles_per_iteration", t.kv.fill + t.kv.sync + t.ktu.fill + t.ktu.sync},
           {"k_fits_l2", t.k_fits_l2},
           {"setup_cycles", t.setup},
           {"cold_k_cycles", cold_extra},
           {"final_cycles", t.final.total() + t.tail},
           {"passes", Json{{"kv", pass_json(t.kv)},
                           {"kv_first", pass_json(t.kv_first)},
                           {"ktu_first", pass_json(t.ktu_first)},
                           {"ktu", pass_json(t.ktu)},
                           {"final", pass_json(t.final)}}},
           {"hbm_bytes_per_iteration", t.k_fits_l2 ? 0.0 : 2 * k}};
  return m;
}

}  // namespace ascendsim::kernels::sinkhorn
