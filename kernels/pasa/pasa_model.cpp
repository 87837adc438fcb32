// The prefill attention kernels' closed-form cost (pasa_model.hpp).
#include "kernels/pasa/pasa_model.hpp"

#include <algorithm>
#include <cmath>

namespace ascendsim::kernels {
namespace {

using isa::Opcode;
using numeric::DType;

double ceil_div(double a, double b) { return std::ceil(a / b); }

// One vector op over rows x cols elements of `bits` each, as the simulator times it.
double vec_op(const config::HardwareConfig& hw, Opcode op, double rows, double cols, int bits) {
  const auto& v = hw.aiv.vector;
  const auto it = v.ops.find(op);
  const config::VectorOpTiming& t = it == v.ops.end() ? v.default_timing : it->second;
  return t.startup_cycles +
         rows * ceil_div(cols * bits / 8.0, v.bytes_per_repeat) * t.cycles_per_repeat;
}

// One fp16 mmad of m x k by k x n.
double cube(const config::HardwareConfig& hw, double m, double n, double k) {
  const auto k0 = hw.aic.cube.k0.find(DType::fp16);
  const double depth = k0 == hw.aic.cube.k0.end() ? 16.0 : double(k0->second);
  return hw.aic.cube.startup_cycles + ceil_div(m, 16) * ceil_div(n, 16) * ceil_div(k, depth);
}

struct Terms {
  double cube = 0, vec = 0, tile = 0, port = 0;
};

// One visible block of a task with `rows` real rows (`masked`: the block needs a mask add).
Terms block_terms(const PasaPlan& plan, const config::HardwareConfig& hw, double rows,
                  bool masked) {
  const PasaParams& p = plan.params;
  const bool pasa = p.variant == PasaVariant::pasa, mixed = p.variant == PasaVariant::fa_mixed;
  const double n = p.block_cols, d = p.head_dim, pad = ceil_div(rows, 16) * 16;
  const double half = std::ceil(rows / 2);
  const int s_bits = mixed ? 32 : 16, o_bits = numeric::dtype_bits(p.o_accum),
            st_bits = numeric::dtype_bits(p.stats), pv_bits = mixed ? 32 : 16;
  Terms t;
  t.cube = cube(hw, pad, n, d) + cube(hw, pad, d, n);
  for (Opcode op : {Opcode::vrowmax, Opcode::vrow_sub, Opcode::vexp, Opcode::vrowsum})
    t.tile += vec_op(hw, op, half, n, s_bits);
  if (mixed) t.tile += vec_op(hw, Opcode::vcast, half, n, 32);  // P to fp16
  if (pasa && st_bits == 16)  // the row mean: S~ / n, then the row sum
    t.tile += vec_op(hw, Opcode::vmuls, half, n, 16) + vec_op(hw, Opcode::vrowsum, half, n, 16);
  if (pasa && st_bits == 32)  // both row sums (mean, l) of a cast to fp32 instead of in fp16
    t.tile +=
        2 * (vec_op(hw, Opcode::vcast, half, n, 32) + vec_op(hw, Opcode::vrowsum, half, n, 32)) -
        vec_op(hw, Opcode::vrowsum, half, n, 16);
  if (masked) t.tile += vec_op(hw, Opcode::vadd, half, n, s_bits);
  t.vec = t.tile + vec_op(hw, Opcode::vrow_mul, half, d, o_bits) +
          vec_op(hw, Opcode::vadd, half, d, o_bits);
  if (pv_bits != o_bits) t.vec += vec_op(hw, Opcode::vcast, half, d, 32);
  const int row_ops = pasa ? 13 : 5;  // pasa's 8 more: abar (3), the two deltas (4), c_new (1)
  t.vec += row_ops * vec_op(hw, Opcode::vadd, 1, half, st_bits);
  const double read = 2 * n * d * 2 + pad * n * 2,
               write = pad * n * s_bits / 8 + pad * d * pv_bits / 8;
  t.port = std::max(read / hw.aic.port.l2_read_bytes_per_cycle,
                    write / hw.aic.port.l2_write_bytes_per_cycle);
  return t;
}

}  // namespace

PasaCost pasa_cost(const PasaPlan& plan, const config::HardwareConfig& hw) {
  const PasaParams& p = plan.params;
  const double n = p.block_cols, d = p.head_dim;
  PasaCost c;
  const double shift_cube = cube(hw, n, d, n);
  double shift_max = 0;
  for (std::size_t a = 0; a < plan.split.cores.size(); ++a) {
    const CoreShare& core = plan.split.cores[a];
    Terms sum;
    double cycles = 0;
    for (std::uint64_t item : core.items) {
      const PasaTask& t = plan.tasks[plan.split.die_first[core.aic.die] + item];
      Terms task;
      for (std::uint64_t j = 0; j < t.kv_blocks; ++j) {
        const Terms b = block_terms(plan, hw, t.rows, plan.needs_mask(t.q_block, j));
        task.cube += b.cube, task.vec += b.vec, task.tile += b.tile, task.port += b.port;
      }
      const int o_bits = numeric::dtype_bits(p.o_accum);
      task.vec += vec_op(hw, Opcode::vrow_div, std::ceil(t.rows / 2.0), d, o_bits) +
                  vec_op(hw, Opcode::vcast, std::ceil(t.rows / 2.0), d, o_bits);
      cycles += std::max({task.cube, task.vec, task.port});
      sum.cube += task.cube, sum.vec += task.vec, sum.tile += task.tile, sum.port += task.port;
    }
    if (a < plan.shift_split.cores.size())
      shift_max = std::max(shift_max, double(plan.shift_split.cores[a].items.size()) * shift_cube);
    if (cycles > c.cycles)
      c.cycles = cycles, c.cube_cycles = sum.cube, c.vector_cycles = sum.vec,
      c.vector_tile_cycles = sum.tile, c.port_cycles = sum.port;
  }
  // The shift units end at an all-AIC barrier: every task starts after the slowest AIC's units.
  c.cycles += shift_max;
  c.cube_cycles += shift_max;
  for (const PasaTask& t : plan.tasks) c.cube_flops += 4.0 * t.rows * t.kv_blocks * n * d;
  c.shift_flops = double(plan.shift_units()) * 2.0 * n * n * d;
  c.cube_flops += c.shift_flops;
  const double heads = double(p.batch) * p.q_heads, kv = double(p.batch) * p.kv_heads;
  c.hbm_bytes = heads * double(p.s_q) * d * (2 + numeric::dtype_bits(p.out_dtype) / 8.0) +
                kv * double(p.s_kv) * d * 4 +
                2.0 * kv * double(plan.kv_rows_pad()) * d * 2 * (p.variant == PasaVariant::pasa);
  return c;
}

ModelPrediction pasa_model(const PasaPlan& plan, const config::HardwareConfig& hw) {
  const PasaCost c = pasa_cost(plan, hw);
  ModelPrediction m;
  m.cycles = c.cycles;
  m.hbm_bytes = c.hbm_bytes;
  m.bound = c.cube_cycles >= std::max(c.vector_cycles, c.port_cycles)   ? "cube"
            : c.vector_cycles >= std::max(c.cube_cycles, c.port_cycles) ? "vector"
                                                                        : "port_l2";
  m.detail = Json{{"cube_cycles", c.cube_cycles},
                  {"vector_cycles", c.vector_cycles},
                  {"vector_tile_cycles", c.vector_tile_cycles},
                  {"port_cycles", c.port_cycles},
                  {"cube_flops", c.cube_flops},
                  {"shift_flops", c.shift_flops},
                  {"shift_flops_share", c.cube_flops > 0 ? c.shift_flops / c.cube_flops : 0.0}};
  // The predicted speedup: fa_mixed's model on the same shape and chip over this one's.
  PasaParams mixed = plan.params;
  mixed.variant = PasaVariant::fa_mixed;
  mixed.stats = mixed.o_accum = numeric::DType::fp32;
  const double mixed_cycles = pasa_cost(plan_pasa(mixed, hw), hw).cycles;
  m.detail["fa_mixed_cycles"] = mixed_cycles;
  m.detail["speedup_over_fa_mixed"] = c.cycles > 0 ? mixed_cycles / c.cycles : 0.0;
  return m;
}

}  // namespace ascendsim::kernels
