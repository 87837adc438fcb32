// The GEMM's closed-form model (see gemm_model.hpp for the derivation).
#include "kernels/gemm/gemm_model.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "kernels/gemm/gemm_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

using config::HardwareConfig;
using config::MoverConfig;

// The timing formulas of models/units/timing.cpp and models/memory/memory_system.cpp.
class Formulas {
 public:
  Formulas(const GemmPlan& plan, const HardwareConfig& hw)
      : hw_(hw),
        in_(plan.params.dtype),
        out_(plan.params.out_dtype),
        k0_(plan.k0),
        read_rate_(std::min(hw.aic.mte2.bytes_per_cycle, hw.aic.port.l2_read_bytes_per_cycle)),
        write_rate_(std::min(hw.aic.fix.bytes_per_cycle, hw.aic.port.l2_write_bytes_per_cycle)),
        fetch_rate_(hw.aic.port.hbm_read_bytes_per_cycle > 0
                        ? std::min(hw.aic.port.hbm_read_bytes_per_cycle, hw.hbm.bytes_per_cycle)
                        : hw.hbm.bytes_per_cycle) {}

  double cube(std::uint64_t m, std::uint64_t n, std::uint64_t k) const {
    return hw_.aic.cube.startup_cycles +
           double(ceil_div(m, 16) * ceil_div(n, 16) * ceil_div(k, k0_));
  }
  double move(const MoverConfig& mover, double bytes) const {
    return mover.setup_cycles + std::ceil(bytes / mover.bytes_per_cycle);
  }
  double in_bytes(std::uint64_t rows, std::uint64_t cols) const {
    return double(numeric::dtype_bytes(in_, rows * cols));
  }
  double out_bytes(std::uint64_t rows, std::uint64_t cols) const {
    return double(numeric::dtype_bytes(out_, rows * cols));
  }
  // One CopyIn on MTE2: the A load, then the B load issued as soon as A's bytes have passed
  // the core's L2 port (the mover does not wait for A to land), then a set_flag that waits
  // until both landed. A load's own fetch moves at the core's HBM read rate from its ready time
  // on the far side of the port, B's behind A's; a load waiting for another core's fetch waits
  // as long as that fetch would take from its own ready time.
  //   issue_a = setup + ceil(a / read rate)        ready_b = issue_a + setup
  //   issue_b = ready_b + ceil(b / read rate)
  //   far_a   = setup + a.wait / fetch rate
  //   far_b   = max(max(ready_b, setup + a.fetch / fetch rate) + b.fetch / fetch rate,
  //                 ready_b + b.wait / fetch rate)
  //   end_x   = ceil(max(issue_x, far_x)) + l2.hit_latency (+ hbm.latency if x.wait > 0)
  //             (+ die_link.latency from another die)
  //   CopyIn  = max(end_a, end_b)
  double copy_in(double a_bytes, const LoadMiss& a, double b_bytes, const LoadMiss& b,
                 bool remote) const {
    const double setup = hw_.aic.mte2.setup_cycles;
    const double latency = hw_.l2.hit_latency_cycles + (remote ? hw_.die_link.latency_cycles : 0);
    const auto end = [&](double issue, double far, const LoadMiss& x) {
      return std::ceil(std::max(issue, far)) + latency + (x.wait > 0 ? hw_.hbm.latency_cycles : 0);
    };
    const double issue_a = setup + std::ceil(a_bytes / read_rate_);
    const double far_a = a.wait > 0 ? setup + a.wait / fetch_rate_ : 0;
    const double port_a = a.fetch > 0 ? setup + a.fetch / fetch_rate_ : 0;  // A's port use ends
    const double ready_b = issue_a + setup;
    const double issue_b = ready_b + std::ceil(b_bytes / read_rate_);
    double far_b = b.wait > 0 ? ready_b + b.wait / fetch_rate_ : 0;
    if (b.fetch > 0) far_b = std::max(far_b, std::max(ready_b, port_a) + b.fetch / fetch_rate_);
    return std::max(end(issue_a, far_a, a), end(issue_b, far_b, b));
  }
  // One FIX write to GM; `fetch_bytes`: the partly written lines, read from HBM first
  // (write-allocate) at the core's HBM read rate.
  double write(double bytes, bool remote, double fetch_bytes) const {
    return hw_.aic.fix.setup_cycles +
           std::ceil(std::max(bytes / write_rate_, fetch_bytes / fetch_rate_)) +
           hw_.l2.hit_latency_cycles + (remote ? hw_.die_link.latency_cycles : 0) +
           (fetch_bytes > 0 ? hw_.hbm.latency_cycles : 0);
  }
  bool port_bound_reads() const {
    return hw_.aic.port.l2_read_bytes_per_cycle < hw_.aic.mte2.bytes_per_cycle;
  }

 private:
  static std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }
  const HardwareConfig& hw_;
  numeric::DType in_, out_;
  std::uint32_t k0_;
  double read_rate_, write_rate_, fetch_rate_;
};

// The bytes of the L2 lines a C tile write covers only in part (the L2 fetches them first).
// As the memory system walks it: rows that follow each other without a gap are one run.
double write_fetch_bytes(const GemmPlan& plan, const HardwareConfig& hw, const OutputTile& t) {
  const std::uint64_t line = hw.l2.line_bytes;
  const auto bytes = [&](std::uint64_t e) {
    return numeric::dtype_bytes(plan.params.out_dtype, e);
  };
  const bool contiguous = t.cols == plan.n_pad;
  const std::uint64_t rows = contiguous ? 1 : t.rows;
  const std::uint64_t run = contiguous ? bytes(std::uint64_t(t.rows) * t.cols) : bytes(t.cols);
  std::set<std::uint64_t> partial;
  for (std::uint64_t r = 0; r < rows; ++r) {
    const std::uint64_t begin = bytes((t.row0 + r) * plan.n_pad + t.col0), end = begin + run;
    for (std::uint64_t a = begin - begin % line; a < end; a += line)
      if (a < begin || a + line > end) partial.insert(a);
  }
  return double(partial.size() * line);
}

// Time of the L0 steps of one chunk through MTE1 then M (two-stage pipeline, ping-pong L0,
// each hand-off visible flag_latency after its set), from MTE1's start; M is free from `m_free`
// on (it may still be computing the chunk before).
double split_and_compute(const Formulas& f, const GemmPlan& plan, const HardwareConfig& hw,
                         const OutputTile& t, const KChunk& ch, double m_free = 0) {
  const double flag = hw.core.flag_latency_cycles;
  double mte1_done = 0, m_done = m_free;
  for (std::uint32_t depth : plan.steps(ch)) {
    mte1_done += f.move(hw.aic.mte1_l0a, f.in_bytes(t.rows, depth)) +
                 f.move(hw.aic.mte1_l0b, f.in_bytes(depth, t.cols));
    m_done = std::max(m_done, mte1_done + flag) + f.cube(t.rows, t.cols, depth);
  }
  return m_done;
}

struct Stage {
  const char* name;
  double sum;
};

}  // namespace

GemmTileCost gemm_tile_cost(const GemmPlan& plan, const HardwareConfig& hw, const OutputTile& t,
                            std::uint32_t die, const std::vector<ChunkMisses>& misses) {
  const Formulas f(plan, hw);
  const bool remote = die != 0;
  GemmTileCost c;
  for (std::size_t j = 0; j < plan.chunks.size(); ++j) {
    const KChunk& ch = plan.chunks[j];
    const ChunkMisses miss = misses.empty() ? ChunkMisses{} : misses[j];
    c.mte2 += f.copy_in(f.in_bytes(t.rows, ch.depth), miss[0], f.in_bytes(ch.depth, t.cols),
                        miss[1], remote);
    const std::vector<std::uint32_t> steps = plan.steps(ch);
    for (std::uint32_t depth : steps) {
      c.mte1 += f.move(hw.aic.mte1_l0a, f.in_bytes(t.rows, depth)) +
                f.move(hw.aic.mte1_l0b, f.in_bytes(depth, t.cols));
      c.cube += f.cube(t.rows, t.cols, depth);
    }
  }
  c.fixpipe = f.write(f.out_bytes(t.rows, t.cols), remote, write_fetch_bytes(plan, hw, t));
  c.scalar_issue = double(gemm_tile_instruction_count(plan)) * hw.core.issue_cycles;
  return c;
}

namespace {

// One core on its own: pipeline fill + steady tiles + first-touch latency + drain.
struct CoreTiming {
  double cycles = 0;
  const char* bound = "";
  double read_bytes = 0, write_bytes = 0;
  Json detail;
};

CoreTiming time_core(const Formulas& f, const GemmPlan& plan, const HardwareConfig& hw,
                     std::size_t c, const GemmMisses& misses) {
  CoreTiming out;
  const std::vector<std::uint64_t> tiles = plan.tiles_of(c);
  if (tiles.empty()) return out;
  const std::uint32_t die = plan.cores[c].die;
  const bool single_l0c = plan.layout.l0c_buffers == 1;
  const double flag = hw.core.flag_latency_cycles;  // each set -> wait hand-off
  Stage cube{"cube", 0}, mte2{f.port_bound_reads() ? "mte2_port" : "mte2", 0}, mte1{"mte1", 0},
      fix{"fixpipe", 0}, issue{"scalar_issue", 0};
  double steady = 0, exposed = 0, miss_cycles = 0;
  for (std::uint64_t t : tiles) {
    const OutputTile o = plan.output_tile(t);
    const GemmTileCost tc = gemm_tile_cost(plan, hw, o, die, misses[t]);
    miss_cycles += tc.mte2 - gemm_tile_cost(plan, hw, o, die).mte2;
    // One accumulator: M hands the tile to FIX and waits for it back (two flag hand-offs).
    const double fix_in_m = single_l0c ? tc.fixpipe + 2 * flag : 0;
    const double m_stage = tc.cube + fix_in_m;
    exposed += fix_in_m;
    cube.sum += m_stage;
    mte2.sum += tc.mte2;
    mte1.sum += tc.mte1;
    fix.sum += tc.fixpipe;
    issue.sum += tc.scalar_issue;
    steady += std::max({m_stage, tc.mte2, tc.mte1, tc.fixpipe, tc.scalar_issue});
    for (const KChunk& ch : plan.chunks)
      out.read_bytes += f.in_bytes(o.rows, ch.depth) + f.in_bytes(ch.depth, o.cols);
    out.write_bytes += f.out_bytes(o.rows, o.cols);
  }
  // MTE2 spends most of its time fetching L2 misses: the core's HBM read rate bounds it.
  if (miss_cycles > mte2.sum / 2) mte2.name = "port_hbm_read";
  const Stage* top = &cube;
  for (const Stage* s : {&mte2, &mte1, &fix, &issue})
    if (s->sum > top->sum) top = s;

  // Fill: the work ahead of the bounding pipe's first instruction; drain: the work after its
  // last one. The first load issues after the initial flag sets, a wait and itself.
  const OutputTile first = plan.output_tile(tiles.front()), last = plan.output_tile(tiles.back());
  const bool remote = die != 0;
  const std::size_t j0 = plan.chunk_order(first.index).front();
  const KChunk& ch0 = plan.chunks[j0];
  const KChunk& ch_last = plan.chunks[plan.chunk_order(last.index).back()];
  const std::uint32_t step0 = plan.steps(ch0).front();
  const ChunkMisses miss0 = misses[first.index][j0];
  const double first_load = f.copy_in(f.in_bytes(first.rows, ch0.depth), miss0[0],
                                      f.in_bytes(ch0.depth, first.cols), miss0[1], remote);
  const double first_split = f.move(hw.aic.mte1_l0a, f.in_bytes(first.rows, step0)) +
                             f.move(hw.aic.mte1_l0b, f.in_bytes(step0, first.cols));
  const double last_fix = gemm_tile_cost(plan, hw, last, die).fixpipe;
  const std::uint32_t last_step = plan.steps(ch_last).back();
  double fill = (2 * 2 + plan.layout.l0c_buffers + 2) * double(hw.core.issue_cycles), drain = 0;
  if (top == &mte2 || top == &issue) {
    // From the last CopyIn's landing: its chunk's L0 steps, M still busy with the chunk before
    // (landed one CopyIn earlier) if that one computes longer than this CopyIn took.
    const std::vector<std::size_t> order = plan.chunk_order(last.index);
    double m_free = 0;
    if (order.size() > 1) {
      const ChunkMisses& miss = misses[last.index][order.back()];
      const double last_load = f.copy_in(f.in_bytes(last.rows, ch_last.depth), miss[0],
                                         f.in_bytes(ch_last.depth, last.cols), miss[1], remote);
      const KChunk& before = plan.chunks[order[order.size() - 2]];
      m_free = split_and_compute(f, plan, hw, last, before) - last_load;
    }
    drain = flag + split_and_compute(f, plan, hw, last, ch_last, m_free) + flag + last_fix;
  } else if (top == &mte1) {
    fill += first_load + flag;
    drain = flag + f.cube(last.rows, last.cols, last_step) + flag + last_fix;
  } else if (top == &cube) {
    fill += first_load + flag + first_split + flag;
    drain = single_l0c ? 0 : flag + last_fix;
  } else {  // fixpipe
    fill += first_load + first_split + gemm_tile_cost(plan, hw, first, die).cube + 3 * flag;
  }
  out.cycles = fill + steady + drain;
  out.bound = top->name;
  out.detail = Json{{"busiest_core", isa::core_name(plan.cores[c])},
                    {"tiles_on_busiest_core", tiles.size()},
                    {"cube_cycles", cube.sum - exposed},
                    {"mte2_cycles", mte2.sum},
                    {"mte1_cycles", mte1.sum},
                    {"fixpipe_cycles", fix.sum},
                    {"fixpipe_exposed_cycles", exposed},
                    {"scalar_issue_cycles", issue.sum},
                    {"steady_cycles", steady},
                    {"mte2_miss_cycles", miss_cycles},
                    {"fill_cycles", fill},
                    {"drain_cycles", drain},
                    {"core_cycles", out.cycles}};
  return out;
}

}  // namespace

ModelPrediction gemm_model(const GemmPlan& plan, const HardwareConfig& hw) {
  const Formulas f(plan, hw);
  const double a_bytes = f.in_bytes(plan.m_pad, plan.k_pad),
               b_bytes = f.in_bytes(plan.k_pad, plan.n_pad);
  const double c_bytes = f.out_bytes(plan.m_pad, plan.n_pad);
  // L2 reuse under LRU. An A row panel is read by the tiles of one tile row, which run at about
  // the same time: it misses once. A B column panel is read again one tile row later; between
  // the two reads the cores touch all of B plus the A panels and C tiles of the tile rows in
  // flight (the cores work on consecutive tiles): if that fits in L2, B misses once, else
  // every B load misses (a cyclic pattern larger than an LRU cache). C is written once; its
  // lines beyond the space A and B leave are evicted (written back) during the run.
  const double l2_bytes = double(hw.l2.bytes);
  const double rows_in_flight = std::ceil(double(plan.cores.size()) / double(plan.tiles_n)) + 1;
  const double b_window = b_bytes + rows_in_flight * (a_bytes + c_bytes) / double(plan.tiles_m);
  const bool b_reused = b_window <= l2_bytes;
  const double b_reads = b_reused ? b_bytes : b_bytes * double(plan.tiles_m);
  const double c_evicted =
      b_reused ? std::min(c_bytes, std::max(0.0, a_bytes + b_bytes + c_bytes - l2_bytes)) : c_bytes;
  const GemmMisses misses = gemm_first_touches(plan, hw, b_reused);

  ModelPrediction best;
  std::vector<CoreTiming> cores;
  for (std::size_t c = 0; c < plan.cores.size(); ++c) {
    cores.push_back(time_core(f, plan, hw, c, misses));
    if (cores.back().cycles <= best.cycles) continue;
    best.cycles = cores.back().cycles;
    best.bound = cores.back().bound;
    best.detail = cores.back().detail;
  }

  // Shared bandwidth of die 0, which holds the tensors: L2 reads and writes, HBM (A once, B once
  // or per tile row, C lines evicted during the run) and the link from each other die. Each
  // core asks for its bytes at no more than its own pace (bytes / its time alone).
  double read_total = 0;
  for (const CoreTiming& c : cores) read_total += c.read_bytes;
  const double hbm_timed = a_bytes + b_reads + c_evicted;
  struct Shared {
    const char* bound;
    std::string key;
    double rate;
    std::vector<double> bytes;
  };
  std::vector<Shared> shared{{"l2", "l2_read", hw.l2.read_bytes_per_cycle, {}},
                             {"l2", "l2_write", hw.l2.write_bytes_per_cycle, {}},
                             {"hbm", "hbm", hw.hbm.bytes_per_cycle, {}}};
  for (std::uint32_t die = 1; die < hw.dies; ++die)
    shared.push_back({"die_link",
                      hw.dies > 2 ? "die_link" + std::to_string(die) : "die_link",
                      hw.die_link.bytes_per_cycle,
                      {}});
  for (std::size_t c = 0; c < cores.size(); ++c) {
    const CoreTiming& t = cores[c];
    shared[0].bytes.push_back(t.read_bytes);
    shared[1].bytes.push_back(t.write_bytes);
    shared[2].bytes.push_back(read_total > 0 ? hbm_timed * t.read_bytes / read_total : 0.0);
    for (std::uint32_t die = 1; die < hw.dies; ++die)
      shared[2 + die].bytes.push_back(plan.cores[c].die == die ? t.read_bytes + t.write_bytes
                                                               : 0.0);
  }
  for (const Shared& s : shared) {
    double total = 0;
    std::vector<double> pace(cores.size(), 0.0);
    for (std::size_t c = 0; c < cores.size(); ++c) {
      total += s.bytes[c];
      if (cores[c].cycles > 0) pace[c] = s.bytes[c] / cores[c].cycles;
    }
    const bool present = s.rate > 0 && total > 0;
    const double completion = present ? shared_completion_cycles(s.bytes, pace, s.rate) : 0.0;
    best.detail[s.key + "_cycles"] = present ? total / s.rate : 0.0;
    best.detail[s.key + "_shared_completion_cycles"] = completion;
    if (completion > best.cycles * (1 + 1e-9)) {
      best.cycles = completion;
      best.bound = s.bound;
    }
  }
  best.detail["hbm_bytes_note"] =
      std::string(b_reused
                      ? "A and B are read from HBM once (B is reused from L2 across tile rows)"
                      : "A is read from HBM once, B once per tile row (it does not stay in L2)") +
      "; C reaches HBM as dirty L2 lines, evicted during the run where they do not fit (timed) "
      "and flushed at the end of the run otherwise (not timed)";
  best.hbm_bytes = a_bytes + b_reads + c_bytes;
  return best;
}

}  // namespace ascendsim::kernels
