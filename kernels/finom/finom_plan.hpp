#pragma once
// How `finom` lays the merged mesh out over the AIVs (FINOM.md §5.2's merged formulation, §6's
// blocked scan).
//
// The host merges sources and targets into one sorted sequence z_0 <= ... <= z_{P-1}, P = M + N
// (ties: targets first) -- this merge is the dividing index, computed once per mesh pair on the
// host as an Ascend C tiling function would. On it, K v at a source node is the forward scan
// s_k = e^{-(z_k - z_{k-1})/eps} s_{k-1} + w_k plus the backward scan t_k = e^{-(z_{k+1} -
// z_k)/eps} t_{k+1} + w_k, where w holds v at target positions and 0 elsewhere (a source's own
// w is 0, so each target is counted once whatever the tie order); K^T u is the same with u at
// the source positions. Every per-node vector lives in this merged order, padded to
// cores x rows x lanes with gaps 0 and weights 0.
//
// Core c owns the segment [c S, (c + 1) S), S = rows x lanes. In GM (and UB) the segment is a
// rows x lanes tile whose lane l holds the stretch [c S + l rows, c S + (l + 1) rows) down its
// column: element (t, l) is merged index c S + l rows + t. A scan is then a first-axis vscan
// down the rows, all lanes at once (Ascend C's CumSum first axis); what crosses lanes and cores
// is one carry per lane and one per core (finom_vector.cpp). Which lane holds which stretch is
// permuted (lane_of) so that the lanes' carries chain group by group.
#include <cstdint>
#include <vector>

#include "kernels/finom/finom_params.hpp"
#include "sim/config/hardware_config.hpp"

namespace ascendsim::kernels::finom {

struct FinomPlan {
  FinomParams params;
  Problem problem;
  std::uint64_t m = 0, n = 0, merged = 0;  // M, N, P
  std::uint32_t cores = 0;                 // AIVs used
  std::uint32_t lanes = 0;                 // L, a multiple of 8
  std::uint32_t groups = 0;                // A: the lanes form groups x group_lanes (A a
  std::uint32_t group_lanes = 0;           //   multiple of 8, B = L / A), see lane_of
  std::uint32_t rows = 0;                  // T, scan steps per lane
  std::uint32_t tile_rows = 0;             // rows streamed through UB at a time
  std::uint32_t iterations = 0;            // Sinkhorn iterations the program runs
  bool iterations_auto = false;
  // who[k] >= 0: source i = who[k]; who[k] < 0: target j = -who[k] - 1 (merged order)
  std::vector<std::int64_t> who;
  Vec gap_fwd, gap_bwd;  // z_k - z_{k-1} (0 at k = 0) and z_{k+1} - z_k (0 at the end), fp64

  std::uint64_t segment() const { return std::uint64_t(rows) * lanes; }
  std::uint64_t padded() const { return segment() * cores; }
  std::uint32_t tiles() const { return (rows + tile_rows - 1) / tile_rows; }
  // The lane (column) holding stretch q of a segment: stretch q = a B + b (group a, b-th of
  // its group) sits in lane b A + a, so a group's stretches run down a column of the lanes
  // viewed as B x A, and one first-axis scan chains every group's lanes at once.
  std::uint32_t lane_of(std::uint32_t q) const {
    return (q % group_lanes) * groups + q / group_lanes;
  }
  // Element index (row-major in the cores*rows x lanes GM tensor) of merged index k.
  std::uint64_t position(std::uint64_t k) const;
};

// ConfigError naming kernel.cores / kernel.lanes when they cannot be honoured.
FinomPlan plan_finom(const FinomParams& params, const config::HardwareConfig& hw);
Json finom_plan_json(const FinomPlan& plan);

// The groups A of `lanes` lanes (a multiple of 8): the multiple of 8 dividing it nearest
// sqrt(lanes); lanes / A lanes per group.
std::uint32_t finom_groups(std::uint32_t lanes);

// startup + repeats x cycles_per_repeat of a vector op on the config (the kernels' own copy of
// the timing formula, for tiling choices and the model).
double vector_op_cycles(const config::HardwareConfig& hw, isa::Opcode op, double repeats);

}  // namespace ascendsim::kernels::finom
