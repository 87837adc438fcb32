// The merged layout and tiling of `finom` (finom_plan.hpp).
#include "kernels/finom/finom_plan.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/finom/finom_vector.hpp"

namespace ascendsim::kernels::finom {

std::uint32_t finom_groups(std::uint32_t lanes) {
  // the multiple of 8 (one 32-byte block) dividing lanes nearest sqrt(lanes); 8 always divides
  std::uint32_t best = 8;
  const double root = std::sqrt(double(lanes));
  for (std::uint32_t a = 8; a <= lanes; a += 8)
    if (lanes % a == 0 && std::fabs(a - root) < std::fabs(best - root)) best = a;
  return best;
}

double vector_op_cycles(const config::HardwareConfig& hw, isa::Opcode op, double repeats) {
  const auto it = hw.aiv.vector.ops.find(op);
  const config::VectorOpTiming& t =
      it == hw.aiv.vector.ops.end() ? hw.aiv.vector.default_timing : it->second;
  return t.startup_cycles + repeats * t.cycles_per_repeat;
}

std::uint64_t FinomPlan::position(std::uint64_t k) const {
  const std::uint64_t c = k / segment(), in = k % segment();
  const std::uint64_t lane = lane_of(std::uint32_t(in / rows)), t = in % rows;
  return (std::uint64_t(c) * rows + t) * lanes + lane;
}

namespace {

// One step of a linear first-axis scan over `lanes` fp32 lanes (vmul then vadd per row).
double scan_step(const config::HardwareConfig& hw, std::uint32_t lanes) {
  const double r = std::ceil(lanes * 4.0 / hw.aiv.vector.bytes_per_repeat);
  return vector_op_cycles(hw, isa::Opcode::vmul, r) + vector_op_cycles(hw, isa::Opcode::vadd, r);
}

// Scan cycles per product per core with `lanes`: four data chains (two passes, two directions)
// of ceil(S0 / lanes) steps; per direction, the lanes' carries: two scans of B steps over the A
// groups and a chain of A one-element steps.
double scan_estimate(const config::HardwareConfig& hw, std::uint64_t per_core,
                     std::uint32_t lanes) {
  const double rows = std::ceil(double(per_core) / lanes);
  const std::uint32_t a = finom_groups(lanes), b = lanes / a;
  return 4 * rows * scan_step(hw, lanes) + 2 * (2 * b * scan_step(hw, a) + a * scan_step(hw, 1));
}

void merge(FinomPlan& plan) {
  const Vec &x = plan.problem.x, &y = plan.problem.y;
  Vec z(Eigen::Index(plan.merged));
  plan.who.resize(plan.merged);
  Eigen::Index i = 0, j = 0;
  for (std::uint64_t k = 0; k < plan.merged; ++k) {
    const bool target = i == x.size() || (j < y.size() && y(j) <= x(i));  // ties: targets first
    plan.who[k] = target ? -(j + 1) : i;
    z(Eigen::Index(k)) = target ? y(j++) : x(i++);
  }
  plan.gap_fwd = Vec::Zero(z.size());
  plan.gap_bwd = Vec::Zero(z.size());
  for (Eigen::Index k = 1; k < z.size(); ++k)
    plan.gap_fwd(k) = plan.gap_bwd(k - 1) = z(k) - z(k - 1);
}

}  // namespace

FinomPlan plan_finom(const FinomParams& params, const config::HardwareConfig& hw) {
  FinomPlan plan;
  plan.params = params;
  plan.problem = make_problem(params);
  plan.m = plan.problem.x.size();
  plan.n = plan.problem.y.size();
  plan.merged = plan.m + plan.n;
  merge(plan);

  const std::uint32_t aivs = hw.dies * hw.aiv_per_die();
  if (params.cores > aivs)
    throw config::ConfigError(params.where_cores + ": " + std::to_string(params.cores) +
                              " cores asked, the chip has " + std::to_string(aivs) + " AIVs");
  // Default: every AIV, but at least 256 merged nodes per core (below that the carries cost
  // more than the scans they split).
  plan.cores = params.cores ? params.cores
                            : std::uint32_t(std::clamp<std::uint64_t>(plan.merged / 256, 1, aivs));
  const std::uint64_t per_core = (plan.merged + plan.cores - 1) / plan.cores;
  if (params.lanes) {
    plan.lanes = params.lanes;
  } else {  // the power of two in [8, kMaxLanes] that minimises scan_estimate
    double best = 0;
    for (std::uint32_t l = 8; l <= kMaxLanes; l *= 2) {
      const double e = scan_estimate(hw, per_core, l);
      if (plan.lanes == 0 || e < best) plan.lanes = l, best = e;
      if (l >= per_core) break;
    }
  }
  if (plan.lanes > kMaxLanes)
    throw config::ConfigError(params.where_lanes + ": " + std::to_string(plan.lanes) +
                              " lanes; at most " + std::to_string(kMaxLanes) +
                              " (each lane's carry takes a 32-byte UB block per column)");
  plan.groups = finom_groups(plan.lanes);
  plan.group_lanes = plan.lanes / plan.groups;
  plan.rows = std::uint32_t((per_core + plan.lanes - 1) / plan.lanes);
  plan.tile_rows = std::min(plan.rows, finom_tile_rows(hw, plan.lanes, plan.cores));
  if (plan.tile_rows == 0)
    throw config::ConfigError(params.where_lanes + ": " + std::to_string(plan.lanes) +
                              " lanes leave no UB room for one tile row");

  plan.iterations = resolve_iterations(params, plan.problem);
  plan.iterations_auto = params.iterations == 0;
  return plan;
}

Json finom_plan_json(const FinomPlan& plan) {
  return Json{{"merged_nodes", plan.merged},
              {"cores", plan.cores},
              {"lanes", plan.lanes},
              {"groups", plan.groups},
              {"group_lanes", plan.group_lanes},
              {"rows", plan.rows},
              {"tile_rows", plan.tile_rows},
              {"tiles", plan.tiles()},
              {"padded_nodes", plan.padded()},
              {"iterations", plan.iterations},
              {"iterations_auto", plan.iterations_auto}};
}

}  // namespace ascendsim::kernels::finom
