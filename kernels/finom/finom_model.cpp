// `finom`'s closed form (finom_model.hpp).
#include "kernels/finom/finom_model.hpp"

#include <algorithm>
#include <cmath>

namespace ascendsim::kernels::finom {
namespace {

using isa::Opcode;

struct Rates {
  const config::HardwareConfig& hw;
  double repeats(std::uint32_t lanes) const {
    return std::ceil(lanes * 4.0 / hw.aiv.vector.bytes_per_repeat);
  }
  double op(Opcode o, double reps) const { return vector_op_cycles(hw, o, reps); }
  double step(std::uint32_t lanes) const {  // one first-axis scan step
    return op(Opcode::vmul, repeats(lanes)) + op(Opcode::vadd, repeats(lanes));
  }
  double load(double bytes) const {
    return hw.aiv.mte2.setup_cycles +
           bytes / std::min(hw.aiv.mte2.bytes_per_cycle, hw.aiv.port.l2_read_bytes_per_cycle);
  }
  double store(double bytes) const {
    return hw.aiv.mte3.setup_cycles +
           bytes / std::min(hw.aiv.mte3.bytes_per_cycle, hw.aiv.port.l2_write_bytes_per_cycle);
  }
};

// One streamed pass over the segment: `loads` and `stores` tiles per tile, `ops` elementwise
// vector ops per tile besides the scan, each tile a load / compute / store in turn.
double pass(const FinomPlan& p, const Rates& r, int loads, int stores, int ops) {
  const double tile_bytes = double(p.tile_rows) * p.lanes * 4;
  const double tiles = p.tiles();
  const double per_tile = loads * r.load(tile_bytes) + r.hw.l2.hit_latency_cycles +
                          stores * r.store(tile_bytes) + r.op(Opcode::vadds, r.repeats(p.lanes)) +
                          ops * r.op(Opcode::vadd, p.tile_rows * r.repeats(p.lanes));
  return tiles * per_tile + double(p.rows) * r.step(p.lanes);
}

}  // namespace

double dense_cycles_per_iteration(std::uint64_t m, std::uint64_t n,
                                  const config::HardwareConfig& hw) {
  const double k_bytes = double(m) * double(n) * 4;
  const double rate = k_bytes <= double(hw.l2.bytes) ? hw.l2.read_bytes_per_cycle * hw.dies
                                                     : hw.hbm.bytes_per_cycle * hw.dies;
  return 2 * k_bytes / rate;
}

FinomModelTerms finom_model_terms(const FinomPlan& p, const config::HardwareConfig& hw) {
  const Rates r{hw};
  FinomModelTerms t;
  // pass 1 (2 loads) both ways, pass 2 forward (2 loads, 1 store), backward (5 loads, 1 store,
  // 3 elementwise ops: K v, + mask, divide)
  const double p1 = pass(p, r, 2, 0, 0), p2f = pass(p, r, 2, 1, 0), p2b = pass(p, r, 5, 1, 3);
  t.chains = double(p.rows) * r.step(p.lanes) * 4;
  t.tiles = 2 * p1 + p2f + p2b - t.chains;
  const double trip =
      2 * r.store(4.0 * p.groups) + 2 * r.load(4.0 * p.groups) + hw.l2.hit_latency_cycles;
  // per direction: the group scan (B steps over A lanes) for the totals and again for the
  // lanes' carry-ins, the chain over the A groups, the segment total's dot product
  const double b = p.group_lanes;
  t.lanes =
      2 * (2 * b * r.step(p.groups) + p.groups * r.step(1) +
           r.op(Opcode::vmul, r.repeats(p.groups)) + r.op(Opcode::vrowsum, r.repeats(p.groups))) +
      2 * trip;
  t.exchange =
      2 * r.store(4) + hw.sync.cross_core_latency_cycles + 2 * r.load(4.0 * p.cores) +
      hw.l2.hit_latency_cycles +
      2 * (r.op(Opcode::vmul, r.repeats(p.cores)) + r.op(Opcode::vrowsum, r.repeats(p.cores)));
  const double product = 2 * p1 + p2f + p2b + t.lanes + t.exchange;
  t.per_iteration = 2 * product;
  // setup: two decay passes (1 load, 1 store, 2 ops; no scan) and the lane weights' trips;
  // final: two scan pairs with their epilogues and the reduction
  t.setup = 2 * (pass(p, r, 1, 1, 2) - double(p.rows) * r.step(p.lanes)) + 3 * trip;
  t.final = 2 * product;
  return t;
}

ModelPrediction finom_model(const FinomPlan& p, const config::HardwareConfig& hw) {
  const FinomModelTerms t = finom_model_terms(p, hw);
  ModelPrediction m;
  m.cycles = t.setup + p.iterations * t.per_iteration + t.final;
  // HBM: each per-node vector's lines cross once: the 7 inputs read, the 8 the kernel writes
  // (decays, s, u, v, K v, the two cost inputs) on their first write; then all stay in L2
  m.hbm_bytes = 15.0 * double(p.padded()) * 4;
  m.bound = t.chains >= std::max({t.tiles, t.lanes, t.exchange}) ? "vector (scan chains)"
            : t.tiles >= std::max(t.lanes, t.exchange)           ? "mte (tile streaming)"
            : t.lanes >= t.exchange                              ? "lane carries"
                                                                 : "cross-core exchange";
  const double dense = dense_cycles_per_iteration(p.m, p.n, hw);
  m.detail = Json{{"cycles_per_iteration", t.per_iteration},
                  {"setup_cycles", t.setup},
                  {"final_cycles", t.final},
                  {"per_product", Json{{"scan_chains", t.chains},
                                       {"tile_streaming", t.tiles},
                                       {"lane_carries", t.lanes},
                                       {"cross_core_exchange", t.exchange}}},
                  {"dense_cycles_per_iteration", dense},
                  {"speedup_over_dense", dense / t.per_iteration},
                  {"hbm_bytes_per_iteration", 0.0}};
  return m;
}

}  // namespace ascendsim::kernels::finom
