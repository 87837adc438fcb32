// The MLA-decode model: per-core sums of the per-task costs, fill and drain, the die's shared
// bandwidth, and the split of the utilization loss (see mla_model.hpp).
#include "kernels/mla_decode/mla_model.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "kernels/mla_decode/mla_pipeline.hpp"

namespace ascendsim::kernels {
namespace {

struct CoreTime {
  double total = 0, tasks = 0, fill = 0, drain = 0, cube = 0;
  std::map<std::string, double> term_sum;  // each engine's busy time over the core's tasks
};

// One AIV's iteration: V1 + R of its task and, after a row group's last block, that group's
// V2 (it runs one iteration late, AMLA.md §6); its movers overlap the vector pipe.
double aiv_time(const MlaTaskCost& c, double v2_before) {
  return std::max({c.v1 + c.rescale + v2_before, c.aiv_mte2, c.aiv_mte3});
}

CoreTime core_time(const MlaPlan& plan, const config::HardwareConfig& hw, const MlaCoreWork& w) {
  CoreTime ct;
  const bool preload = mla_preload(plan.params.variant);
  const double xlat = hw.sync.cross_core_latency_cycles;
  const double hand_off = xlat + hw.l2.hit_latency_cycles;  // a flag after a GM write lands
  double v2_before = 0;  // V2 of the group the previous task ended
  for (std::size_t k = 0; k < w.tasks.size(); ++k) {
    const MlaTask& t = w.tasks[k];
    const MlaTaskCost c = mla_task_cost(plan, hw, t);
    const double aiv = aiv_time(c, v2_before);
    ct.term_sum["cube"] += c.cube;
    ct.term_sum["mte2"] += c.mte2;
    ct.term_sum["mte1"] += c.mte1;
    ct.term_sum["fixpipe"] += c.fix;
    ct.term_sum["vector"] += aiv;
    ct.cube += c.cube;
    double task = 0;
    if (preload) {
      task = std::max({c.cube, c.mte2, c.mte1, c.fix, aiv});
    } else {  // C1 -> V1 + R -> C2, each hand-off through GM and a cross-core flag; V2 of the
              // group before overlaps this C1 and delays V1 only beyond it
      task = std::max(c.cube, std::max(c.mte2, c.mte1)) + c.v1 + c.rescale + 2 * hand_off +
             std::max(0.0, v2_before - c.c1);
    }
    v2_before = t.last ? c.v2 : 0;
    ct.tasks += task;
    if (k == 0) {
      // Every core starts at once and its first Q and K come from HBM: the die's HBM (or each
      // core's own HBM read rate, split over the AIC and the two prefetching AIVs) bounds the
      // wait for the first C1's data.
      const double q =
          double(numeric::dtype_bytes(plan.params.dtype, std::uint64_t(plan.R) * kMlaDk));
      const double k0 = c.hbm_fetch_bytes;
      double die_cores = 0;  // the die's cores that start a task now
      for (const MlaCoreWork& o : plan.cores)
        die_cores += o.aic.die == w.aic.die && !o.tasks.empty();
      const double own = (q + k0) / (3 * hw.aic.port.hbm_read_bytes_per_cycle);
      const double shared = die_cores * (q + k0) / hw.hbm.bytes_per_cycle;
      ct.fill = hw.aic.mte2.setup_cycles + std::max(own, shared) + hw.l2.hit_latency_cycles +
                hw.hbm.latency_cycles;
    }
    if (k + 1 == w.tasks.size()) {
      // The last task's V1 + R run after its C1 while the cube has only C2 of the task before
      // left; then its C2 and the group's V2 (a serial core already counted V1 + R).
      const double exposed = preload ? std::max(0.0, c.v1 + c.rescale + 2 * hand_off - c.c2) : 0;
      ct.drain = exposed + c.v2 + hand_off;
    }
  }
  ct.total = ct.fill + ct.tasks + ct.drain;
  return ct;
}

std::string largest(const std::map<std::string, double>& terms) {
  std::string best;
  double v = -1;
  for (const auto& [k, x] : terms)
    if (x > v) v = x, best = k;
  return best;
}

}  // namespace

ModelPrediction mla_model(const MlaPlan& plan, const config::HardwareConfig& hw) {
  ModelPrediction m;
  const MlaParams& p = plan.params;
  // Per core, and the die totals of shared traffic.
  std::vector<double> die_l2_read(plan.dies, 0), die_l2_write(plan.dies, 0), die_hbm(plan.dies, 0);
  double busiest = 0;
  const CoreTime* worst = nullptr;
  std::vector<CoreTime> times;
  for (const MlaCoreWork& w : plan.cores) times.push_back(core_time(plan, hw, w));
  double hbm_bytes = 0;
  for (std::size_t i = 0; i < plan.cores.size(); ++i) {
    const MlaCoreWork& w = plan.cores[i];
    for (const MlaTask& t : w.tasks) {
      const MlaTaskCost c = mla_task_cost(plan, hw, t);
      die_l2_read[w.aic.die] += c.l2_read_bytes;
      die_l2_write[w.aic.die] += c.l2_write_bytes;
      // A request's cache comes from HBM once: its other row groups (G S_q > rows_per_task)
      // stream the same blocks at the same time and hit L2.
      const MlaRowGroup& g = plan.groups[t.group];
      if (g.row0 != plan.requests[g.request].row0) continue;
      die_hbm[w.aic.die] += c.hbm_fetch_bytes;
      hbm_bytes += c.hbm_fetch_bytes;
    }
    if (times[i].total > busiest) busiest = times[i].total, worst = &times[i];
  }
  // Q comes from HBM once per row group (then L2); everything written reaches HBM when the run
  // ends: o_acc, out, and the workspace slots the cores with tasks used.
  const double dt = double(numeric::dtype_bits(p.dtype)) / 8,
               ot = double(numeric::dtype_bits(p.out_dtype)) / 8;
  std::vector<double> ws_rows(plan.dies, 0);
  for (const MlaCoreWork& w : plan.cores)
    ws_rows[w.aic.die] += double(std::min<std::size_t>(2, w.tasks.size())) * plan.R;
  for (std::uint32_t d = 0; d < plan.dies; ++d) {
    const double rows = double(plan.die_rows[d]);
    const double q = rows * kMlaDk * dt;
    const double written = rows * kMlaDv * (4 + ot) + ws_rows[d] * p.kv_block * (4 + dt);
    die_hbm[d] += q;  // the written tensors reach HBM when evicted after the run: not timed
    hbm_bytes += q + written;
  }
  std::map<std::string, double> bounds;
  if (worst) bounds = {{"core", busiest}};
  for (std::uint32_t d = 0; d < plan.dies; ++d) {
    bounds["l2_read"] = std::max(bounds["l2_read"], die_l2_read[d] / hw.l2.read_bytes_per_cycle);
    bounds["l2_write"] =
        std::max(bounds["l2_write"], die_l2_write[d] / hw.l2.write_bytes_per_cycle);
    bounds["hbm"] = std::max(bounds["hbm"], die_hbm[d] / hw.hbm.bytes_per_cycle);
  }
  m.cycles = 0;
  for (const auto& [k, v] : bounds) m.cycles = std::max(m.cycles, v);
  m.hbm_bytes = hbm_bytes;
  const std::string limit = largest(bounds);
  const std::string core_term = worst ? largest(worst->term_sum) : "cube";
  m.bound = limit == "core" ? (mla_preload(p.variant) ? core_term : "cube+vector (serial)") : limit;

  const double flops = mla_useful_flops(p);
  const double peak = hw.peak_flops_per_cycle(p.dtype);  // the whole chip
  const double cube_bound = flops / peak;
  Json terms = Json::object();
  if (worst)
    for (const auto& [k, v] : worst->term_sum) terms[k] = v;
  // The loss split, in core-cycles of the whole chip over its AICs x the prediction: what the
  // cores spend outside useful cube work. Sums to 1 - cube_bound / cycles.
  const double chip = double(hw.total_aic()) * m.cycles;
  double fill_drain = 0, stalls = 0, busy = 0, cube_all = 0;
  for (const CoreTime& t : times) {
    fill_drain += t.fill + t.drain;
    stalls += t.tasks - t.cube;
    busy += t.total;
    cube_all += t.cube;
  }
  const double idle = chip - busy;
  const double overhead = cube_all - cube_bound * hw.total_aic();  // padding rows, mmad startup
  Json loss{{"idle_cores_and_imbalance", idle / chip},
            {"fill_drain", fill_drain / chip},
            {"per_task_stalls", stalls / chip},
            {"cube_overhead_and_padding", overhead / chip}};
  std::size_t with_tasks = 0;
  for (const MlaCoreWork& w : plan.cores) with_tasks += !w.tasks.empty();
  const double l2_busy = std::max(bounds["l2_read"], bounds["l2_write"]) / m.cycles;
  const double biggest = std::max({idle, fill_drain, stalls, overhead});
  char buf[160];
  std::string why = "cube-bound";
  if (limit != "core") {
    why = limit + "-bound: the die's shared " + limit + " bandwidth";
  } else if (l2_busy > 0.85) {
    std::snprintf(buf, sizeof buf, "memory-bound: the die's L2 is %.0f %% busy (queueing)",
                  100 * l2_busy);
    why = buf;
  } else if (biggest < 0.05 * chip) {
    why = "cube-bound";
  } else if (biggest == idle && plan.cores.size() < hw.total_aic()) {
    why = "idle cores: the run uses " + std::to_string(plan.cores.size()) + " of the chip's " +
          std::to_string(hw.total_aic()) + " AI cores (kernel.cores)";
  } else if (biggest == idle && with_tasks < plan.cores.size()) {
    why = "load imbalance: " + std::to_string(plan.groups.size()) +
          (plan.groups.size() == 1 ? " row group for " : " row groups for ") +
          std::to_string(plan.cores.size()) + " AI cores (" +
          std::to_string(plan.cores.size() - with_tasks) + " idle)";
  } else if (biggest == idle) {
    why = "load imbalance: " + std::to_string(plan.groups.size()) + " row groups on " +
          std::to_string(plan.cores.size()) + " AI cores, the busiest has " +
          std::to_string(plan.max_tasks_per_core()) + " tasks, the mean " +
          std::to_string(plan.tasks() / plan.cores.size());
  } else if (biggest == fill_drain) {
    why = "fill/drain: few tasks per core (" + std::to_string(plan.max_tasks_per_core()) + ")";
  } else if (biggest == stalls) {
    why = "per-task stalls: tasks bound by " + core_term;
  } else {
    std::snprintf(buf, sizeof buf, "cube-bound; per-mmad startup and padding take %.0f %%",
                  100 * overhead / chip);
    why = buf;
  }
  m.detail = Json{{"flops", flops},
                  {"cube_bound_cycles", cube_bound},
                  {"predicted_utilization", cube_bound / m.cycles},
                  {"busiest_core_cycles", busiest},
                  {"fill_cycles", worst ? worst->fill : 0},
                  {"drain_cycles", worst ? worst->drain : 0},
                  {"busiest_core_terms", terms},
                  {"die_l2_read_cycles", bounds["l2_read"]},
                  {"die_l2_write_cycles", bounds["l2_write"]},
                  {"die_hbm_cycles", bounds["hbm"]},
                  {"utilization_loss", loss},
                  {"why", why}};
  return m;
}

}  // namespace ascendsim::kernels
