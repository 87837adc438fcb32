// Per-task engine costs of the MLA-decode pipeline (mla_model.hpp), op by op as the generators
// emit them (mla_cube.cpp, mla_vector.cpp, kernels/amla, kernels/flash_attention).
#include <algorithm>
#include <cmath>

#include "kernels/mla_decode/mla_model.hpp"
#include "kernels/mla_decode/mla_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using isa::Opcode;

double ceil_div(double a, double b) { return std::ceil(a / b); }

class Rates {
 public:
  Rates(const MlaPlan& plan, const config::HardwareConfig& hw) : hw_(hw), p_(plan.params) {
    const auto it = hw.aic.cube.k0.find(p_.dtype);
    k0_ = it == hw.aic.cube.k0.end() ? 16 : it->second;
  }
  double mmad(double m, double n, double k) const {
    return hw_.aic.cube.startup_cycles + ceil_div(m, 16) * ceil_div(n, 16) * ceil_div(k, k0_);
  }
  // rows x cols with the widest operand `bits` wide.
  double vec(Opcode op, double rows, double cols, int bits = 32) const {
    const auto it = hw_.aiv.vector.ops.find(op);
    const config::VectorOpTiming& t =
        it == hw_.aiv.vector.ops.end() ? hw_.aiv.vector.default_timing : it->second;
    const double repeats =
        rows * ceil_div(ceil_div(cols * bits, 8), hw_.aiv.vector.bytes_per_repeat);
    return t.startup_cycles + repeats * t.cycles_per_repeat;
  }
  double move(const config::MoverConfig& m, double bytes, double port = 0) const {
    const double rate = port > 0 ? std::min(m.bytes_per_cycle, port) : m.bytes_per_cycle;
    return m.setup_cycles + std::ceil(bytes / rate);
  }
  double bytes(numeric::DType t, double elements) const {
    return double(numeric::dtype_bytes(t, static_cast<std::uint64_t>(elements)));
  }
  const config::HardwareConfig& hw() const { return hw_; }
  const MlaParams& p() const { return p_; }

 private:
  const config::HardwareConfig& hw_;
  const MlaParams& p_;
  double k0_ = 16;
};

// The shared online softmax of one 16-row sub-tile of `w` columns (mla_vector.cpp).
double softmax_ops(const Rates& r, const MlaTask& t, double w) {
  const double s = kSubRows;
  double v = 0;
  if (t.tokens < t.tokens_pad) v += r.vec(Opcode::vdup, s, t.tokens_pad - t.tokens);
  v += r.vec(Opcode::vmuls, s, w) + r.vec(Opcode::vrowmax, s, w);
  v += t.first ? r.vec(Opcode::vadds, 1, s)
               : r.vec(Opcode::vmax, 1, s) + r.vec(Opcode::vsub, 1, s) + r.vec(Opcode::vexp, 1, s) +
                     r.vec(Opcode::vadds, 1, s);
  v += r.vec(Opcode::vrow_sub, s, w) + r.vec(Opcode::vexp, s, w) + r.vec(Opcode::vrowsum, s, w);
  v += t.first ? r.vec(Opcode::vadds, 1, s) : r.vec(Opcode::vmul, 1, s) + r.vec(Opcode::vadd, 1, s);
  return v;
}

// AMLA's part of V1 for one sub-tile (kernels/amla/amla_vector.cpp).
double amla_p_ops(const Rates& r, const MlaTask& t, double w) {
  const double s = kSubRows;
  double v = r.vec(Opcode::vmuls, 1, s) + 2 * r.vec(Opcode::vcast, 1, s) +
             r.vec(Opcode::vmuls, 1, s) + r.vec(Opcode::vadd, 1, s) + r.vec(Opcode::vmuls, 1, s) +
             r.vec(Opcode::vexp, 1, s) + 2 * r.vec(Opcode::vcast, 1, s);
  v += r.vec(Opcode::vrow_mul, s, w) + r.vec(Opcode::vcast, s, w) + r.vec(Opcode::vdiv, 1, s);
  if (!t.first) {
    v += r.vec(Opcode::vsub, 1, s) + r.vec(Opcode::vmaxs, 1, s) + r.vec(Opcode::vmuls, 1, s) +
         r.vec(Opcode::vcast, 1, s);
    if (r.p().compensation)
      v += r.vec(Opcode::vdiv, 1, s) + 2 * r.vec(Opcode::vadds, 1, s) + r.vec(Opcode::vmuls, 1, s) +
           r.vec(Opcode::vadd, 1, s);
  }
  v += 2 * r.vec(Opcode::vadds, 1, s);
  if (t.last) v += r.vec(Opcode::vmul, 1, s);
  return v;
}

double fa_p_ops(const Rates& r, const MlaTask& t, double w) {
  return r.vec(Opcode::vcast, kSubRows, w) + (t.last ? r.vec(Opcode::vadds, 1, kSubRows) : 0);
}

}  // namespace

MlaTaskCost mla_task_cost(const MlaPlan& plan, const config::HardwareConfig& hw, const MlaTask& t) {
  const Rates r(plan, hw);
  const MlaParams& p = plan.params;
  const bool amla = p.variant == MlaVariant::amla;
  const double H = plan.half, W = t.tokens_pad;
  const numeric::DType dt = p.dtype;
  const auto& aic = hw.aic;
  MlaTaskCost c;

  // C1: per 128-token step and half, K 576 in L0 steps of 96; C2: per 128 output columns and
  // half, the tokens in L0 steps of 128.
  for (double n0 = 0; n0 < W; n0 += kC1N) {
    const double cols = std::min<double>(kC1N, W - n0);
    c.c1 += 2 * (kMlaDk / kC1L0K) * r.mmad(H, cols, kC1L0K);
    c.mte1 += 2 * (kMlaDk / kC1L0K) *
              (r.move(aic.mte1_l0a, r.bytes(dt, H * kC1L0K)) +
               r.move(aic.mte1_l0b, r.bytes(dt, kC1L0K * cols)));
    c.fix += 2 * r.move(aic.fix, r.bytes(numeric::DType::fp32, H * cols),
                        aic.port.l2_write_bytes_per_cycle);
    c.mte2 += 2 * r.move(aic.mte2, r.bytes(dt, cols * kC1L1K), aic.port.l2_read_bytes_per_cycle);
  }
  for (double n0 = 0; n0 < kMlaDv; n0 += kC2N)
    for (double k0 = 0; k0 < W; k0 += kC2L0K) {
      const double depth = std::min<double>(kC2L0K, W - k0);
      c.c2 += 2 * r.mmad(H, kC2N, depth);
      c.mte1 += 2 * (r.move(aic.mte1_l0a, r.bytes(dt, H * depth)) +
                     r.move(aic.mte1_l0b, r.bytes(dt, depth * kC2N)));
    }
  c.cube = c.c1 + c.c2;
  c.fix +=
      2 * (kMlaDv / kC2N) *
      r.move(aic.fix, r.bytes(numeric::DType::fp32, H * kC2N), aic.port.l2_write_bytes_per_cycle);
  const double q_bytes = r.bytes(dt, 2 * H * kMlaDk), k_bytes = r.bytes(dt, W * kMlaDk);
  const double p_bytes = r.bytes(dt, 2 * H * W), v_bytes = r.bytes(dt, W * kMlaDv);
  c.mte2 += 4 * r.move(aic.mte2, q_bytes / 4, aic.port.l2_read_bytes_per_cycle);
  c.mte2 += 2 * std::ceil(W / kC2L1K) *
            r.move(aic.mte2, p_bytes / 2 / std::ceil(W / kC2L1K), aic.port.l2_read_bytes_per_cycle);
  c.mte2 += (kMlaDv / kC2N) * std::ceil(W / kMlaPageTokens) *
            r.move(aic.mte2, v_bytes / (kMlaDv / kC2N) / std::ceil(W / kMlaPageTokens),
                   aic.port.l2_read_bytes_per_cycle);
  // The cache's first touch streams from HBM at a core's HBM read rate: the AIC's own (it then
  // overlaps its L2 hits), or with kv_prefetch the two AIVs', half each, a task ahead.
  c.hbm_fetch_bytes = k_bytes;
  const double fetch_rate =
      aic.port.hbm_read_bytes_per_cycle > 0
          ? std::min(aic.port.hbm_read_bytes_per_cycle, hw.hbm.bytes_per_cycle)
          : hw.hbm.bytes_per_cycle;
  if (!p.kv_prefetch) c.mte2 = std::max(c.mte2, k_bytes / fetch_rate);

  // One AIV: H rows in 16-row sub-tiles.
  const double subtiles = H / kSubRows;
  const double s_bytes = r.bytes(numeric::DType::fp32, kSubRows * W);
  const double p_sub_bytes = r.bytes(dt, kSubRows * W);
  const auto& aiv = hw.aiv;
  c.v1 = subtiles * (softmax_ops(r, t, W) + (amla ? amla_p_ops(r, t, W) : fa_p_ops(r, t, W)));
  c.aiv_mte2 = subtiles * r.move(aiv.mte2, s_bytes, aiv.port.l2_read_bytes_per_cycle);
  c.aiv_mte3 = subtiles * r.move(aiv.mte3, p_sub_bytes, aiv.port.l2_write_bytes_per_cycle);
  if (p.kv_prefetch && aiv.port.hbm_read_bytes_per_cycle > 0)
    c.aiv_mte2 = std::max(c.aiv_mte2, k_bytes / 2 / aiv.port.hbm_read_bytes_per_cycle);
  const double o_row_bytes = r.bytes(numeric::DType::fp32, kMlaDv);
  if (!t.first) {
    if (amla) {
      for (double r0 = 0; r0 < H; r0 += 64) {
        const double rows = std::min(64.0, H - r0);
        c.rescale += r.vec(Opcode::vdup, rows, 128) + r.vec(Opcode::vrow_add, rows, 128);
        c.aiv_mte3 += 4 * r.move(aiv.mte3, rows * 128 * 4, aiv.port.l2_write_bytes_per_cycle);
      }
    } else {
      c.rescale += subtiles * r.vec(Opcode::vrow_mul, kSubRows, kMlaDv);
      c.aiv_mte2 +=
          subtiles * r.move(aiv.mte2, kSubRows * o_row_bytes, aiv.port.l2_read_bytes_per_cycle);
      c.aiv_mte3 +=
          subtiles * r.move(aiv.mte3, kSubRows * o_row_bytes, aiv.port.l2_write_bytes_per_cycle);
    }
  }
  if (t.last) {  // V2 in 8-row sub-tiles; AMLA sanitises first
    const double rows8 = 8, n8 = H / rows8;
    double v = r.vec(Opcode::vrow_div, rows8, kMlaDv) + r.vec(Opcode::vcast, rows8, kMlaDv);
    if (amla && p.sanitize)
      v += r.vec(Opcode::vabs, rows8, kMlaDv) + r.vec(Opcode::vmins, rows8, kMlaDv) +
           r.vec(Opcode::vcmp, rows8, kMlaDv) + r.vec(Opcode::vsel, rows8, kMlaDv);
    c.v2 = n8 * v;
    c.aiv_mte2 += n8 * r.move(aiv.mte2, rows8 * o_row_bytes, aiv.port.l2_read_bytes_per_cycle);
    c.aiv_mte3 += n8 * r.move(aiv.mte3, r.bytes(p.out_dtype, rows8 * kMlaDv),
                              aiv.port.l2_write_bytes_per_cycle);
  }

  // All GM bytes of the AI core through the die's L2 (atomics read and write there).
  const double s_all = r.bytes(numeric::DType::fp32, 2 * H * W), o_all = 2 * H * o_row_bytes;
  // C2's add reads O in the L2 (not at the first block, a plain write).
  c.l2_read_bytes = q_bytes + k_bytes + p_bytes + v_bytes + s_all + (t.first ? 0 : o_all);
  c.l2_write_bytes = s_all + p_bytes;
  if (!t.first) {
    c.l2_read_bytes += o_all;   // the rescale: AMLA's int32 add or FA's read, in L2
    c.l2_write_bytes += o_all;  // and its write
  }
  c.l2_write_bytes += o_all;  // C2's add (a plain write at the first block)
  if (t.last) {
    c.l2_read_bytes += o_all;
    c.l2_write_bytes += r.bytes(p.out_dtype, 2 * H * kMlaDv);
  }
  return c;
}

double mla_useful_flops(const MlaParams& p) {
  double kv = 0;
  for (auto s : p.s_kv) kv += double(s);
  return 2.0 * p.heads * p.s_q * kv * (kMlaDk + kMlaDv);
}

}  // namespace ascendsim::kernels
